import { describe, expect, it } from 'vitest'
import { dns1123LabelErrors } from '../../api/names.ts'
import { MAX_POD_NAME_LENGTH, jobPodName } from './job-pod-name.ts'

const long = (n: number) => 'a'.repeat(n)

describe('jobPodName (a job attempt pod’s name, capped as Kubernetes caps a generated name)', () => {
  it.each<{ name: string; full: string; want: RegExp }>([
    { name: 'short: unchanged', full: 'web-abc-2-smoke-test-1-0', want: /^web-abc-2-smoke-test-1-0$/ },
    { name: 'exactly 63: unchanged', full: long(63), want: new RegExp(`^${long(63)}$`) },
    { name: '64: 57 kept, a dash, 5 hash characters', full: long(64), want: new RegExp(`^${long(57)}-[a-z0-9]{5}$`) },
    {
      name: 'a cut that ends on a dash still makes a valid label (the hash ends it)',
      full: `${long(56)}-${long(20)}-1-0`,
      want: new RegExp(`^${long(56)}--[a-z0-9]{5}$`),
    },
  ])('$name', ({ full, want }) => {
    const got = jobPodName(full)
    expect(got).toMatch(want)
    expect(got.length).toBeLessThanOrEqual(MAX_POD_NAME_LENGTH)
    expect(dns1123LabelErrors(got)).toEqual([])
  })

  it('two long names alike in their first 57 characters stay distinct, and each is stable', () => {
    const prefix = `rollouts-demo-6f8d9c7b5-2-${long(40)}`
    const names = ['1-0', '1-1', '2-0', '10-0'].map((tail) => `${prefix}-${tail}`)
    const capped = names.map(jobPodName)
    expect(new Set(capped).size).toBe(names.length)
    expect(names.map(jobPodName)).toEqual(capped)
  })
})
