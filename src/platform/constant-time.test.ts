import { describe, expect, it } from 'vitest'
import { constantTimeEqual } from './constant-time.ts'

describe('constantTimeEqual', () => {
  it.each([
    { name: 'equal', a: 'tok-123', b: 'tok-123', want: true },
    { name: 'one byte differs', a: 'tok-124', b: 'tok-123', want: false },
    { name: 'a prefix', a: 'tok', b: 'tok-123', want: false },
    { name: 'longer', a: 'tok-1234', b: 'tok-123', want: false },
    { name: 'empty against a secret', a: '', b: 'tok-123', want: false },
    { name: 'non-ASCII', a: 'clé', b: 'clé', want: true },
  ])('$name → $want', ({ a, b, want }) => {
    expect(constantTimeEqual(a, b)).toBe(want)
  })
})
