import { describe, expect, it } from 'vitest'
import { aDeployment, aReplicaSet } from '../../../test/support/builders.ts'
import { replicaSetsToDelete } from './cleanup.ts'

/** newRSWithStatus upstream: spec and status replica counts, no revision, same creation time. */
const rs = (name: string, spec: number, status: number) => aReplicaSet({ name, replicas: spec, statusReplicas: status })

// TestDeploymentController_cleanupDeployment: how many old RSs go.
describe('replicaSetsToDelete', () => {
  it.each([
    {
      name: 'limit 1 of 3 drained',
      rss: [rs('foo-1', 0, 0), rs('foo-2', 0, 0), rs('foo-3', 0, 0)],
      limit: 1,
      want: ['foo-1', 'foo-2'],
    },
    {
      name: 'only spec = status = 0 is deleted',
      rss: [rs('foo-1', 0, 0), rs('foo-2', 0, 1), rs('foo-3', 1, 0), rs('foo-4', 1, 1)],
      limit: 0,
      want: ['foo-1'],
    },
    {
      name: 'limit 0 deletes all drained',
      rss: [rs('foo-1', 0, 0), rs('foo-2', 0, 0)],
      limit: 0,
      want: ['foo-1', 'foo-2'],
    },
    { name: 'running RSs are kept', rss: [rs('foo-1', 1, 1), rs('foo-2', 1, 1)], limit: 0, want: [] },
    {
      name: 'already being deleted',
      rss: [aReplicaSet({ name: 'foo-1', replicas: 0, statusReplicas: 0, deleting: true })],
      limit: 0,
      want: [],
    },
    {
      name: 'unlimited (MaxInt32)',
      rss: [rs('foo-1', 0, 0), rs('foo-2', 0, 0), rs('foo-3', 0, 0)],
      limit: 2147483647,
      want: [],
    },
    {
      name: 'not yet observed by the RS controller',
      rss: [aReplicaSet({ name: 'foo-1', replicas: 0, generation: 3, observedGeneration: 2 })],
      limit: 0,
      want: [],
    },
  ])('$name', ({ rss, limit, want }) => {
    expect(replicaSetsToDelete(aDeployment({ revisionHistoryLimit: limit }), rss)).toEqual(want)
  })

  it('keeps 10 by default (apps/v1)', () => {
    const rss = Array.from({ length: 12 }, (_, i) => aReplicaSet({ name: `r${i}`, replicas: 0, revision: i + 1 }))
    expect(replicaSetsToDelete(aDeployment(), rss)).toEqual(['r0', 'r1'])
  })
})

// TestDeploymentController_cleanupDeploymentOrder: creation order foo-1 < foo-2 < foo-3 < foo-4.
describe('replicaSetsToDelete order', () => {
  const r = (name: string, replicas: number, created: number, revision?: number) =>
    aReplicaSet({ name, replicas, created, ...(revision !== undefined ? { revision } : {}) })
  it.each([
    {
      name: 'revision 1 < 2: delete foo-1',
      rss: [r('foo-1', 0, -60, 1), r('foo-2', 0, 0, 2)],
      limit: 1,
      want: ['foo-1'],
    },
    {
      name: 'revision 2 > 1: delete foo-2',
      rss: [r('foo-1', 0, -60, 2), r('foo-2', 0, 0, 1)],
      limit: 1,
      want: ['foo-2'],
    },
    {
      name: 'foo-2 has no revision (0): delete foo-2',
      rss: [r('foo-1', 0, -60, 1), r('foo-2', 0, 0)],
      limit: 1,
      want: ['foo-2'],
    },
    {
      name: 'foo-1 has no revision (0): delete foo-1',
      rss: [r('foo-1', 0, -60), r('foo-2', 0, 0, 2)],
      limit: 1,
      want: ['foo-1'],
    },
    {
      name: 'oldest still has replicas: it is skipped, not replaced',
      rss: [r('foo-1', 1, -60, 1), r('foo-2', 0, 0, 2), r('foo-3', 0, 60, 3)],
      limit: 1,
      want: ['foo-2'],
    },
    {
      name: 'both candidates have replicas: nothing',
      rss: [r('foo-1', 1, -60, 1), r('foo-2', 1, 0, 2), r('foo-3', 0, 60, 3)],
      limit: 1,
      want: [],
    },
    {
      name: 'revisions 3,1,4,2: delete foo-2 and foo-4',
      rss: [r('foo-1', 0, -60, 3), r('foo-2', 0, 0, 1), r('foo-3', 0, 60, 4), r('foo-4', 0, 120, 2)],
      limit: 2,
      want: ['foo-2', 'foo-4'],
    },
  ])('$name', ({ rss, limit, want }) => {
    expect(replicaSetsToDelete(aDeployment({ revisionHistoryLimit: limit }), rss)).toEqual(want)
  })
})
