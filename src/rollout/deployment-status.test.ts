import { describe, expect, it } from 'vitest'
import type { DeploymentCondition, DeploymentStatus } from '../api/types.ts'
import { getDeploymentCondition } from './conditions.ts'
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  progressRequeueAfter,
  rolloutStatus,
  statusEquals,
} from './deployment-status.ts'
import { T0, aDeployment, aReplicaSet, at } from '../../test/support/builders.ts'

const status = (replicas: number, updated: number, ready: number, available: number): DeploymentStatus => ({
  replicas,
  updatedReplicas: updated,
  readyReplicas: ready,
  availableReplicas: available,
})

// TestDeploymentComplete: deployment(desired, current, updated, available, maxUnavailable, maxSurge)
describe('deploymentComplete', () => {
  it.each([
    { name: 'not complete: min but not all pods available', args: [5, 5, 5, 4, 1, 0], want: false },
    { name: 'not complete: min availability not honored', args: [5, 5, 5, 3, 1, 0], want: false },
    { name: 'complete', args: [5, 5, 5, 5, 0, 0], want: true },
    { name: 'not complete: all available but not updated', args: [5, 5, 4, 5, 0, 0], want: false },
    { name: 'not complete: still running old pods', args: [1, 2, 1, 1, 0, 1], want: false },
    { name: 'not complete: one replica never comes up', args: [1, 1, 1, 0, 1, 1], want: false },
  ])('$name', ({ args, want }) => {
    const [desired, current, updated, avail, mu, ms] = args as [number, number, number, number, number, number]
    const d = aDeployment({ replicas: desired, maxUnavailable: mu, maxSurge: ms })
    const s = { ...status(current, updated, 0, avail), observedGeneration: 1 }
    expect(deploymentComplete(d, s)).toBe(want)
  })

  it('is not complete before the spec change is observed', () => {
    expect(
      deploymentComplete(aDeployment({ replicas: 1, generation: 2 }), { ...status(1, 1, 1, 1), observedGeneration: 1 }),
    ).toBe(false)
  })
})

// TestDeploymentProgressing: stored status (current, updated, ready, available) → new status.
describe('deploymentProgressing', () => {
  it.each([
    { name: 'progressing: updated pods', old: status(10, 4, 4, 4), now: status(10, 6, 4, 4), want: true },
    { name: 'not progressing', old: status(10, 4, 4, 4), now: status(10, 4, 4, 4), want: false },
    { name: 'progressing: old pods removed', old: status(10, 4, 6, 6), now: status(8, 4, 6, 6), want: true },
    { name: 'not progressing: less new pods', old: status(10, 7, 3, 3), now: status(10, 6, 3, 3), want: false },
    {
      name: 'progressing: less overall but more new pods',
      old: status(10, 4, 7, 7),
      now: status(8, 8, 5, 5),
      want: true,
    },
    { name: 'progressing: more ready pods', old: status(10, 10, 9, 8), now: status(10, 10, 10, 8), want: true },
    { name: 'progressing: more available pods', old: status(10, 10, 10, 9), now: status(10, 10, 10, 10), want: true },
  ])('$name', ({ old, now, want }) => {
    expect(deploymentProgressing(aDeployment({ status: old }), now)).toBe(want)
  })
})

// TestDeploymentTimedOut: times are minutes:seconds past T0.
describe('deploymentTimedOut', () => {
  const withCond = (reason: string, from: number, pds: number): ReturnType<typeof aDeployment> =>
    aDeployment({
      progressDeadlineSeconds: pds,
      conditions: [{ type: 'Progressing', status: 'True', reason, lastUpdateTime: at(from) }],
    })
  it.each([
    { name: 'no deadline: never', d: withCond('', 69, 2147483647), now: 80, want: false },
    { name: 'deadline 10s, 00:01:20 − 00:01:09 = 11s', d: withCond('', 69, 10), now: 80, want: true },
    { name: 'deadline 10s, 00:01:20 − 00:01:11 = 9s', d: withCond('', 71, 10), now: 80, want: false },
    { name: 'deadline 10s, exactly 10s is not past', d: withCond('', 70, 10), now: 80, want: false },
    {
      name: 'previous status was a complete rollout',
      d: withCond('NewReplicaSetAvailable', 0, 10),
      now: 9999,
      want: false,
    },
    { name: 'already timed out stays timed out', d: withCond('ProgressDeadlineExceeded', 79, 10), now: 80, want: true },
  ])('$name', ({ d, now, want }) => {
    expect(deploymentTimedOut(d, d.status ?? {}, T0 + now * 1000)).toBe(want)
  })
})

// TestRequeueStuckDeployment: deadline 60 s, Progressing lastUpdateTime at 0 s (as 18:49:00 upstream).
describe('progressRequeueAfter', () => {
  const stuck: DeploymentCondition[] = [
    { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: at(0) },
  ]
  const failed: DeploymentCondition[] = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]
  const d = (pds: number, replicas: number, conditions?: DeploymentCondition[]) =>
    aDeployment({ replicas, progressDeadlineSeconds: pds, strategy: 'Recreate', ...(conditions ? { conditions } : {}) })
  it.each([
    { name: 'no progressDeadlineSeconds', d: d(2147483647, 4, stuck), s: status(3, 3, 3, 2), now: 0, want: undefined },
    { name: 'no progressing condition', d: d(60, 4), s: status(3, 3, 3, 2), now: 0, want: undefined },
    {
      name: 'complete deployment needs no requeue',
      d: d(60, 3, stuck),
      s: { ...status(3, 3, 3, 3), observedGeneration: 1 },
      now: 0,
      want: undefined,
    },
    {
      name: 'already failed deployment needs no requeue',
      d: d(60, 3, failed),
      s: status(3, 3, 3, 0),
      now: 0,
      want: undefined,
    },
    { name: 'stuck - 30s', d: d(60, 3, stuck), s: status(3, 3, 3, 1), now: 30_000, want: 30_000 },
    { name: 'stuck - 1s', d: d(60, 3, stuck), s: status(3, 3, 3, 1), now: 59_000, want: 1000 },
    { name: 'less than a second => now', d: d(60, 3, stuck), s: status(3, 3, 3, 1), now: 59_001, want: 0 },
    { name: 'at the deadline => now', d: d(60, 3, stuck), s: status(3, 3, 3, 1), now: 60_000, want: 0 },
    { name: '1s after the deadline => now', d: d(60, 3, stuck), s: status(3, 3, 3, 1), now: 61_000, want: 0 },
    { name: '60s after the deadline => now', d: d(60, 3, stuck), s: status(3, 3, 3, 1), now: 120_000, want: 0 },
  ])('$name', ({ d, s, now, want }) => {
    expect(progressRequeueAfter(d, s, T0 + now)).toBe(want)
  })
})

describe('calculateStatus', () => {
  const d = aDeployment({ replicas: 10, generation: 4 })
  const newRS = aReplicaSet({ name: 'web-new', replicas: 3, statusReplicas: 2, available: 0, ready: 1 })
  const oldRS = aReplicaSet({ name: 'web-old', replicas: 8, statusReplicas: 9, available: 8 })

  it('sums RS status, and uses spec totals for unavailableReplicas', () => {
    const s = calculateStatus([oldRS, newRS], newRS, d, T0)
    expect(s).toMatchObject({
      observedGeneration: 4,
      replicas: 11,
      updatedReplicas: 2,
      readyReplicas: 9,
      availableReplicas: 8,
      unavailableReplicas: 3,
    })
    expect(getDeploymentCondition(s, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' })
  })

  it.each([
    { name: 'below minAvailable (8 of 10 needed, 7 available)', available: 7, want: 'False' },
    { name: 'at minAvailable', available: 8, want: 'True' },
  ])('Available: $name', ({ available, want }) => {
    const rs = aReplicaSet({ name: 'web-old', replicas: 10, available })
    expect(getDeploymentCondition(calculateStatus([rs], undefined, d, T0), 'Available')?.status).toBe(want)
  })

  it('Recreate needs every pod available', () => {
    const rs = aReplicaSet({ name: 'web-old', replicas: 3, available: 2 })
    const s = calculateStatus([rs], undefined, aDeployment({ replicas: 3, strategy: 'Recreate' }), T0)
    expect(getDeploymentCondition(s, 'Available')?.reason).toBe('MinimumReplicasUnavailable')
  })

  it('floors unavailableReplicas at 0 while scaling down', () => {
    const rs = aReplicaSet({ name: 'web-old', replicas: 2, available: 5 })
    expect(calculateStatus([rs], rs, aDeployment({ replicas: 2 }), T0).unavailableReplicas).toBe(0)
  })
})

describe('rolloutStatus (syncRolloutStatus)', () => {
  const cond = (
    reason: string,
    status: DeploymentCondition['status'],
    updated: number,
    transition = 0,
  ): DeploymentCondition => ({
    type: 'Progressing',
    status,
    reason,
    lastUpdateTime: at(updated),
    lastTransitionTime: at(transition),
  })
  const newRS = (available: number, replicas = 3) => aReplicaSet({ name: 'web-new', replicas, available })
  const progressingOf = (s: DeploymentStatus) => getDeploymentCondition(s, 'Progressing')

  it.each([
    {
      name: 'complete → NewReplicaSetAvailable',
      stored: status(3, 3, 2, 2),
      conditions: [cond('ReplicaSetUpdated', 'True', 10)],
      rs: newRS(3),
      now: 20,
      want: {
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: 'ReplicaSet "web-new" has successfully progressed.',
        lastUpdateTime: at(20),
        lastTransitionTime: at(0),
      },
    },
    {
      name: 'progress refreshes lastUpdateTime but keeps lastTransitionTime',
      stored: status(3, 3, 1, 1),
      conditions: [cond('ReplicaSetUpdated', 'True', 10)],
      rs: newRS(2),
      now: 20,
      want: {
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: 'ReplicaSet "web-new" is progressing.',
        lastUpdateTime: at(20),
        lastTransitionTime: at(0),
      },
    },
    {
      name: 'no progress past the deadline → ProgressDeadlineExceeded',
      stored: status(3, 3, 1, 1),
      conditions: [cond('ReplicaSetUpdated', 'True', 0)],
      rs: newRS(1),
      now: 601,
      want: {
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: 'ReplicaSet "web-new" has timed out progressing.',
        lastUpdateTime: at(601),
        lastTransitionTime: at(601),
      },
    },
    {
      name: 'a timed-out rollout that progresses is Progressing again (new transition)',
      stored: status(3, 3, 1, 1),
      conditions: [cond('ProgressDeadlineExceeded', 'False', 601, 601)],
      rs: newRS(2),
      now: 700,
      want: {
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: 'ReplicaSet "web-new" is progressing.',
        lastUpdateTime: at(700),
        lastTransitionTime: at(700),
      },
    },
    {
      name: 'no progress within the deadline: condition untouched',
      stored: status(3, 3, 1, 1),
      conditions: [cond('ReplicaSetUpdated', 'True', 0)],
      rs: newRS(1),
      now: 600,
      want: { status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: at(0), lastTransitionTime: at(0) },
    },
  ])('$name', ({ stored, conditions, rs, now, want }) => {
    const d = aDeployment({ replicas: 3, status: { ...stored, observedGeneration: 1 }, conditions })
    expect(progressingOf(rolloutStatus(d, [rs], rs, T0 + now * 1000))).toMatchObject(want)
  })

  it('a finished rollout is not re-evaluated on a plain resync', () => {
    const conditions = [cond('NewReplicaSetAvailable', 'True', 5)]
    const d = aDeployment({ replicas: 3, status: { ...status(3, 3, 3, 3), observedGeneration: 1 }, conditions })
    const s = rolloutStatus(d, [newRS(3)], newRS(3), T0 + 9_999_000)
    expect(progressingOf(s)).toEqual(conditions[0])
  })

  it('removes Progressing when there is no deadline', () => {
    const d = aDeployment({
      replicas: 3,
      progressDeadlineSeconds: 2147483647,
      conditions: [cond('ReplicaSetUpdated', 'True', 0)],
    })
    expect(progressingOf(rolloutStatus(d, [newRS(1)], newRS(1), T0))).toBeUndefined()
  })

  it('copies a ReplicaFailure condition from the new RS, and drops it when gone', () => {
    const rs = newRS(1)
    rs.status = {
      ...rs.status,
      replicas: 1,
      conditions: [
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: at(5) },
      ],
    }
    const d = aDeployment({ replicas: 3 })
    const s = rolloutStatus(d, [rs], rs, T0)
    expect(getDeploymentCondition(s, 'ReplicaFailure')).toEqual({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: 'quota',
      lastUpdateTime: at(5),
      lastTransitionTime: at(5),
    })
    const healed = aDeployment({ replicas: 3, status: s })
    expect(getDeploymentCondition(rolloutStatus(healed, [newRS(1)], newRS(1), T0), 'ReplicaFailure')).toBeUndefined()
  })
})

describe('statusEquals', () => {
  it('treats missing counts as 0 and missing conditions as none', () => {
    expect(statusEquals({}, { replicas: 0, conditions: [] })).toBe(true)
    expect(statusEquals(undefined, { observedGeneration: 0 })).toBe(true)
    expect(statusEquals({ replicas: 1 }, {})).toBe(false)
  })

  const cond = { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastUpdateTime: at(1) } as const
  it.each([
    {
      name: 'same conditions, keys in another order',
      a: [cond],
      b: [{ lastUpdateTime: at(1), reason: 'MinimumReplicasAvailable', status: 'True', type: 'Available' } as const],
      want: true,
    },
    { name: 'an undefined field equals a missing one', a: [cond], b: [{ ...cond, message: undefined }], want: true },
    { name: 'a field differs', a: [cond], b: [{ ...cond, lastUpdateTime: at(2) }], want: false },
    { name: 'a field only on one side', a: [cond], b: [{ ...cond, message: 'm' }], want: false },
    {
      name: 'conditions in another order',
      a: [cond, { ...cond, type: 'Progressing' } as const],
      b: [{ ...cond, type: 'Progressing' } as const, cond],
      want: false,
    },
    { name: 'one condition more', a: [cond], b: [cond, cond], want: false },
  ])('conditions: $name → $want', ({ a, b, want }) => {
    expect(statusEquals({ conditions: a }, { conditions: b })).toBe(want)
  })

  it('counts collisionCount, with missing unequal to 0 (as before)', () => {
    expect(statusEquals({ collisionCount: 1 }, { collisionCount: 1 })).toBe(true)
    expect(statusEquals({}, { collisionCount: 0 })).toBe(false)
  })
})
