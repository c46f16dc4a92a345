import { describe, expect, it } from 'vitest'
import type { IntOrString } from '../api/types.ts'
import { maxSurge, maxUnavailable, minAvailable, resolveFenceposts } from './fenceposts.ts'
import { scaledValue } from './intstr.ts'
import { aDeployment } from '../../test/support/builders.ts'

describe('scaledValue (int-or-percent)', () => {
  it.each([
    { name: 'integer as is', value: 3, total: 10, roundUp: true, want: 3 },
    { name: '25% of 10 rounded up', value: '25%', total: 10, roundUp: true, want: 3 },
    { name: '25% of 10 rounded down', value: '25%', total: 10, roundUp: false, want: 2 },
    { name: '39% of 10 rounded up', value: '39%', total: 10, roundUp: true, want: 4 },
    { name: '39% of 10 rounded down', value: '39%', total: 10, roundUp: false, want: 3 },
    { name: '200% surge is not capped', value: '200%', total: 3, roundUp: true, want: 6 },
    { name: '0% of 0', value: '0%', total: 0, roundUp: true, want: 0 },
  ] as Array<{ name: string; value: IntOrString; total: number; roundUp: boolean; want: number }>)(
    '$name',
    ({ value, total, roundUp, want }) => {
      expect(scaledValue(value, total, roundUp)).toBe(want)
    },
  )

  it.each(['5', 'oops', 'oops%', '%', '2.5%', ''])('rejects %j', (value) => {
    expect(() => scaledValue(value, 10, true)).toThrow(/invalid value for IntOrString/)
  })

  it('rejects a fractional number', () => {
    expect(() => scaledValue(2.5, 10, true)).toThrow(/not a whole number/)
  })
})

// TestResolveFenceposts, plus the rows of the table in fenceposts.ts.
describe('resolveFenceposts', () => {
  it.each([
    {
      name: '0%/0% at 0 replicas → unavailable 1',
      surge: '0%',
      unavailable: '0%',
      desired: 0,
      want: { surge: 0, unavailable: 1 },
    },
    { name: '39%/39% at 10', surge: '39%', unavailable: '39%', desired: 10, want: { surge: 4, unavailable: 3 } },
    { name: 'defaults at 10', surge: '25%', unavailable: '25%', desired: 10, want: { surge: 3, unavailable: 2 } },
    { name: 'defaults at 4', surge: '25%', unavailable: '25%', desired: 4, want: { surge: 1, unavailable: 1 } },
    { name: 'defaults at 1', surge: '25%', unavailable: '25%', desired: 1, want: { surge: 1, unavailable: 0 } },
    {
      name: 'surge 0, 25% at 1 → both zero',
      surge: 0,
      unavailable: '25%',
      desired: 1,
      want: { surge: 0, unavailable: 1 },
    },
    {
      name: 'surge 0, 1% at 10 → both zero',
      surge: 0,
      unavailable: '1%',
      desired: 10,
      want: { surge: 0, unavailable: 1 },
    },
    {
      name: 'both unset at 10',
      surge: undefined,
      unavailable: undefined,
      desired: 10,
      want: { surge: 0, unavailable: 1 },
    },
  ] as Array<{ name: string; surge?: IntOrString; unavailable?: IntOrString; desired: number; want: object }>)(
    '$name',
    ({ surge, unavailable, desired, want }) => {
      expect(resolveFenceposts(surge, unavailable, desired)).toEqual(want)
    },
  )

  it.each([
    { name: 'maxSurge "oops"', surge: 'oops', unavailable: '39%' },
    { name: 'maxUnavailable "urg"', surge: '55%', unavailable: 'urg' },
  ])('$name is an error', ({ surge, unavailable }) => {
    expect(() => resolveFenceposts(surge, unavailable, 10)).toThrow(/invalid value for IntOrString/)
  })
})

// TestMaxUnavailable (maxSurge 1 on every case, as upstream).
describe('maxUnavailable(d)', () => {
  it.each([
    { name: 'less than replicas', replicas: 10, mu: 5, want: 5 },
    { name: 'equal to replicas', replicas: 10, mu: 10, want: 10 },
    { name: 'greater than replicas is capped', replicas: 5, mu: 10, want: 5 },
    { name: 'replicas 0', replicas: 0, mu: 10, want: 0 },
    { name: 'percent less than replicas', replicas: 10, mu: '50%', want: 5 },
    { name: 'percent equal to replicas', replicas: 10, mu: '100%', want: 10 },
    { name: 'percent greater than replicas', replicas: 5, mu: '100%', want: 5 },
  ] as Array<{ name: string; replicas: number; mu: IntOrString; want: number }>)('$name', ({ replicas, mu, want }) => {
    expect(maxUnavailable(aDeployment({ replicas, maxSurge: 1, maxUnavailable: mu }))).toBe(want)
  })

  it('is 0 for Recreate', () => {
    expect(maxUnavailable(aDeployment({ replicas: 10, strategy: 'Recreate' }))).toBe(0)
  })
})

describe('maxSurge(d) and minAvailable(d)', () => {
  it.each([
    { name: 'default 25% at 10', d: aDeployment({ replicas: 10 }), surge: 3, min: 8 },
    { name: 'default 25% at 1', d: aDeployment({ replicas: 1 }), surge: 1, min: 1 },
    {
      name: 'surge 0 / unavailable 0 at 10 (forced 1)',
      d: aDeployment({ replicas: 10, maxSurge: 0, maxUnavailable: 0 }),
      surge: 0,
      min: 9,
    },
    { name: 'Recreate has neither', d: aDeployment({ replicas: 10, strategy: 'Recreate' }), surge: 0, min: 0 },
  ])('$name', ({ d, surge, min }) => {
    expect(maxSurge(d)).toBe(surge)
    expect(minAvailable(d)).toBe(min)
  })

  it('applies the apps/v1 defaults when rollingUpdate is absent', () => {
    const d = aDeployment({ replicas: 10 })
    delete d.spec.strategy
    expect([maxSurge(d), maxUnavailable(d)]).toEqual([3, 2])
  })
})
