import { describe, expect, it } from 'vitest'
import { aPod } from '../../../test/support/builders.ts'
import { folded, type RevisionRow } from './revision-dots.tsx'

describe('folded revisions', () => {
  const row = (over: { replicas: number; pods: number; current?: boolean }): RevisionRow => ({
    rs: { spec: { replicas: over.replicas } } as RevisionRow['rs'],
    pods: Array.from({ length: over.pods }, (_, i) => aPod({ name: `p${i}`, readySince: 0 })),
    current: over.current ?? false,
  })
  it.each([
    { name: 'an old revision scaled to zero with no pod', r: row({ replicas: 0, pods: 0 }), want: true },
    { name: 'an old revision whose last pod is still exiting', r: row({ replicas: 0, pods: 1 }), want: false },
    { name: 'an old revision still running', r: row({ replicas: 2, pods: 2 }), want: false },
    { name: 'the current revision, even at zero', r: row({ replicas: 0, pods: 0, current: true }), want: false },
  ])('$name: $want', ({ r, want }) => {
    expect(folded(r)).toBe(want)
  })
})
