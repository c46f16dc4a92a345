import { describe, expect, it } from 'vitest'
import type { IntOrString, ReplicaSet } from '../../api/types.ts'
import { newRSNewReplicas } from '../../rollout/new-replicas.ts'
import { T0, aDeployment, aReplicaSet } from '../../../test/support/builders.ts'
import type { DeploymentAction } from './actions.ts'
import {
  cleanupUnhealthyReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  scaleDownOldReplicaSetsForRollingUpdate,
} from './rolling.ts'
import { newSyncState } from './sync-state.ts'

/** The size each RS was last scaled to by `actions`. */
function sizes(actions: DeploymentAction[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const a of actions) if (a.type === 'scaleReplicaSet') out[a.name] = a.replicas
  return out
}

// TestDeploymentController_reconcileNewReplicaSet (maxUnavailable 0).
describe('reconcileNewReplicaSet', () => {
  it.each([
    { name: 'surge 0: should not scale up', D: 10, surge: 0, old: 10, new: 0, want: undefined },
    { name: 'surge 2 over a full old RS', D: 10, surge: 2, old: 10, new: 0, want: 2 },
    { name: 'surge 2 with half the old pods gone', D: 10, surge: 2, old: 5, new: 0, want: 7 },
    { name: 'already at the surge limit', D: 10, surge: 2, old: 10, new: 2, want: undefined },
    { name: 'above D: scale down to D', D: 10, surge: 2, old: 2, new: 11, want: 10 },
  ])('$name', ({ D, surge, old, new: n, want }) => {
    const s = newSyncState(aDeployment({ replicas: D, maxSurge: surge, maxUnavailable: 0 }), T0)
    const newRS = aReplicaSet({ name: 'foo-v2', replicas: n })
    const oldRS = aReplicaSet({ name: 'foo-v1', replicas: old })
    expect(reconcileNewReplicaSet(s, [newRS, oldRS], newRS)).toBe(want !== undefined)
    expect(sizes(s.actions)['foo-v2']).toBe(want)
  })
})

// TestNewRSNewReplicas (one other RS of 5, maxUnavailable 1).
describe('newRSNewReplicas', () => {
  it.each([
    {
      name: 'can not scale up - to newRSReplicas',
      strategy: 'RollingUpdate' as const,
      D: 1,
      newRS: 5,
      surge: 1,
      want: 5,
    },
    { name: 'scale up - to depReplicas', strategy: 'RollingUpdate' as const, D: 6, newRS: 2, surge: 10, want: 6 },
    { name: 'recreate - to depReplicas', strategy: 'Recreate' as const, D: 3, newRS: 1, surge: 1, want: 3 },
  ] as Array<{
    name: string
    strategy: 'RollingUpdate' | 'Recreate'
    D: number
    newRS: number
    surge: IntOrString
    want: number
  }>)('$name', ({ strategy, D, newRS, surge, want }) => {
    const d = aDeployment({ replicas: D, strategy, maxSurge: surge, maxUnavailable: 1 })
    const rs5 = aReplicaSet({ name: 'rs5', replicas: 5 })
    const n = aReplicaSet({ name: 'new', replicas: newRS })
    expect(newRSNewReplicas(d, [rs5, n], n)).toBe(want)
  })
})

describe('newRSNewReplicas rounding', () => {
  it('rounds a percentage surge up: 25% of 10 → 3 above a full old RS', () => {
    const d = aDeployment({ replicas: 10, maxSurge: '25%' })
    const n = aReplicaSet({ name: 'new', replicas: 0 })
    expect(newRSNewReplicas(d, [aReplicaSet({ name: 'old', replicas: 10 }), n], n)).toBe(3)
  })
})

// TestDeploymentController_reconcileOldReplicaSets (maxSurge 0).
describe('reconcileOldReplicaSets', () => {
  it.each([
    {
      name: 'maxUnavailable 0 resolves to 1: one old pod goes',
      D: 10,
      mu: 0,
      old: 10,
      new: 0,
      oldAvail: 10,
      newAvail: 0,
      want: 9,
    },
    { name: 'maxUnavailable 2: two old pods go', D: 10, mu: 2, old: 10, new: 0, oldAvail: 10, newAvail: 0, want: 8 },
    {
      name: 'unhealthy old replicas are cleaned up first',
      D: 10,
      mu: 2,
      old: 10,
      new: 0,
      oldAvail: 8,
      newAvail: 0,
      want: 8,
    },
    {
      name: 'one unhealthy cleaned, one ready scaled down',
      D: 10,
      mu: 2,
      old: 10,
      new: 0,
      oldAvail: 9,
      newAvail: 0,
      want: 8,
    },
    {
      name: 'unavailable new pods stop further scale-down',
      D: 10,
      mu: 2,
      old: 8,
      new: 2,
      oldAvail: 8,
      newAvail: 0,
      want: undefined,
    },
  ])('$name', ({ D, mu, old, new: n, oldAvail, newAvail, want }) => {
    const s = newSyncState(aDeployment({ replicas: D, maxSurge: 0, maxUnavailable: mu }), T0)
    const newRS = aReplicaSet({ name: 'foo-new', replicas: n, available: newAvail })
    const oldRS = aReplicaSet({ name: 'foo-old', replicas: old, available: oldAvail })
    expect(reconcileOldReplicaSets(s, [oldRS, newRS], [oldRS], newRS)).toBe(want !== undefined)
    expect(sizes(s.actions)['foo-old']).toBe(want)
  })

  it('crash-looping new pods: 13 − 8 − 5 = 0, nothing more goes (source example)', () => {
    const s = newSyncState(aDeployment({ replicas: 10, maxSurge: 3, maxUnavailable: 2 }), T0)
    const newRS = aReplicaSet({ name: 'new', replicas: 5, available: 0 })
    const oldRS = aReplicaSet({ name: 'old', replicas: 8, available: 8 })
    expect(reconcileOldReplicaSets(s, [oldRS, newRS], [oldRS], newRS)).toBe(false)
    expect(s.actions).toEqual([])
  })

  it('drains old RSs oldest first', () => {
    const s = newSyncState(aDeployment({ replicas: 10, maxSurge: 0, maxUnavailable: 3 }), T0)
    const newRS = aReplicaSet({ name: 'new', replicas: 0, created: 30 })
    const older = aReplicaSet({ name: 'older', replicas: 2, available: 2, created: 0 })
    const old = aReplicaSet({ name: 'old', replicas: 8, available: 8, created: 10 })
    reconcileOldReplicaSets(s, [old, older, newRS], [old, older], newRS)
    expect(sizes(s.actions)).toEqual({ older: 0, old: 7 })
  })
})

// TestDeploymentController_cleanupUnhealthyReplicas (D 10, surge 2, maxUnavailable 2).
describe('cleanupUnhealthyReplicas', () => {
  it.each([
    { name: 'budget 1 of 2 unhealthy', old: 10, ready: 8, max: 1, want: 1 },
    { name: 'budget 3, only 2 unhealthy', old: 10, ready: 8, max: 3, want: 2 },
    { name: 'no budget', old: 10, ready: 8, max: 0, want: 0 },
    { name: 'no unhealthy pods', old: 10, ready: 10, max: 3, want: 0 },
  ])('$name', ({ old, ready, max, want }) => {
    const s = newSyncState(aDeployment({ replicas: 10, maxSurge: 2, maxUnavailable: 2 }), T0)
    const oldRS = aReplicaSet({ name: 'foo-v2', replicas: old, available: ready })
    const got = cleanupUnhealthyReplicas(s, [oldRS], max)
    expect(got.cleaned).toBe(want)
    expect(got.oldRSs[0]?.spec.replicas).toBe(old - want)
  })

  it('an RS reporting more available pods than its spec aborts the step, as Kubernetes errors', () => {
    const s = newSyncState(aDeployment({ replicas: 10 }), T0)
    const rs = aReplicaSet({ name: 'odd', replicas: 3, available: 5 })
    expect(cleanupUnhealthyReplicas(s, [rs], 4).cleaned).toBe('invalid')
  })
})

// TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate (maxSurge 0).
describe('scaleDownOldReplicaSetsForRollingUpdate', () => {
  it.each([
    { name: 'maxUnavailable 0 → 1: scale down by 1', D: 10, mu: 0, ready: 10, old: 10, want: 9 },
    { name: 'maxUnavailable 2: scale down by 2', D: 10, mu: 2, ready: 10, old: 10, want: 8 },
    { name: 'only minAvailable ready: no scale-down', D: 10, mu: 2, ready: 8, old: 10, want: undefined },
    { name: 'old RS already at 0', D: 10, mu: 2, ready: 10, old: 0, want: undefined },
    { name: 'far below minAvailable', D: 10, mu: 2, ready: 1, old: 10, want: undefined },
  ])('$name', ({ D, mu, ready, old, want }) => {
    const s = newSyncState(aDeployment({ replicas: D, maxSurge: 0, maxUnavailable: mu }), T0)
    const oldRS: ReplicaSet = aReplicaSet({ name: 'foo-v2', replicas: old, available: ready })
    const scaled = scaleDownOldReplicaSetsForRollingUpdate(s, [oldRS], [oldRS])
    expect(scaled > 0).toBe(want !== undefined)
    expect(sizes(s.actions)['foo-v2']).toBe(want)
  })
})

describe('scale actions', () => {
  it('carry refreshed desired/max annotations and the event in Kubernetes words', () => {
    const s = newSyncState(aDeployment({ replicas: 10, maxSurge: 2, maxUnavailable: 0 }), T0)
    const newRS = aReplicaSet({ name: 'web-5d4f8c7b9', replicas: 0, revision: 2 })
    reconcileNewReplicaSet(s, [newRS, aReplicaSet({ name: 'web-old', replicas: 10 })], newRS)
    expect(s.actions).toEqual([
      {
        type: 'scaleReplicaSet',
        name: 'web-5d4f8c7b9',
        replicas: 2,
        annotations: {
          'deployment.kubernetes.io/revision': '2',
          'deployment.kubernetes.io/desired-replicas': '10',
          'deployment.kubernetes.io/max-replicas': '12',
        },
      },
      {
        type: 'event',
        eventType: 'Normal',
        reason: 'ScalingReplicaSet',
        message: 'Scaled up replica set web-5d4f8c7b9 to 2 from 0',
      },
    ])
  })
})
