import { describe, expect, it } from 'vitest'
import type { Deployment, IntOrString, ReplicaSet } from '../../api/types.ts'
import { setReplicasAnnotations } from '../../rollout/annotations.ts'
import { maxSurge } from '../../rollout/fenceposts.ts'
import { T0, aDeployment, aReplicaSet } from '../../../test/support/builders.ts'
import { findActiveOrLatest, isSaturated, isScalingEvent, scaleDeployment } from './scale.ts'
import { newSyncState } from './sync-state.ts'

// Upstream's test Deployment defaults to maxSurge 0 / maxUnavailable 0.
const dep = (replicas: number, surge: IntOrString = 0, unavailable: IntOrString = 0) =>
  aDeployment({ replicas, maxSurge: surge, maxUnavailable: unavailable })
const NEW = 7200
const OLD = 3600
const OLDER = 0

/** An RS annotated as last sized for `sizedFor` (desired = its replicas, max = + its surge). */
function rs(
  name: string,
  replicas: number,
  created: number,
  sizedFor: Deployment,
  desiredOverride?: number,
): ReplicaSet {
  const r = aReplicaSet({ name, replicas, created, available: replicas })
  const desired = desiredOverride ?? sizedFor.spec.replicas ?? 1
  r.metadata.annotations = setReplicasAnnotations(undefined, desired, desired + maxSurge(sizedFor)).annotations
  return r
}

// TestScale: sizes after one proportional scaling pass.
describe('scaleDeployment (proportional scaling)', () => {
  it.each([
    {
      name: 'normal scaling event: 10 -> 12',
      d: dep(12),
      old: dep(10),
      newRS: ['v1', 10, NEW],
      oldRSs: [],
      want: { v1: 12 },
    },
    {
      name: 'normal scaling event: 10 -> 5',
      d: dep(5),
      old: dep(10),
      newRS: ['v1', 10, NEW],
      oldRSs: [],
      want: { v1: 5 },
    },
    {
      name: 'proportional scaling: 5 -> 10',
      d: dep(10),
      old: dep(5),
      newRS: ['v2', 2, NEW],
      oldRSs: [['v1', 3, OLD]],
      want: { v2: 4, v1: 6 },
    },
    {
      name: 'proportional scaling: 5 -> 3',
      d: dep(3),
      old: dep(5),
      newRS: ['v2', 2, NEW],
      oldRSs: [['v1', 3, OLD]],
      want: { v2: 1, v1: 2 },
    },
    {
      name: 'proportional scaling: 9 -> 4',
      d: dep(4),
      old: dep(9),
      newRS: ['v2', 8, NEW],
      oldRSs: [['v1', 1, OLD]],
      want: { v2: 4, v1: 0 },
    },
    {
      name: 'proportional scaling: 7 -> 10',
      d: dep(10),
      old: dep(7),
      newRS: ['v3', 2, NEW],
      oldRSs: [
        ['v2', 3, OLD],
        ['v1', 2, OLDER],
      ],
      want: { v3: 3, v2: 4, v1: 3 },
    },
    {
      name: 'proportional scaling: 13 -> 8',
      d: dep(8),
      old: dep(13),
      newRS: ['v3', 2, NEW],
      oldRSs: [
        ['v2', 8, OLD],
        ['v1', 3, OLDER],
      ],
      want: { v3: 1, v2: 5, v1: 2 },
    },
    {
      name: 'leftover distribution 3 -> 4: the newest gets it',
      d: dep(4),
      old: dep(3),
      newRS: ['v3', 1, NEW],
      oldRSs: [
        ['v2', 1, OLD],
        ['v1', 1, OLDER],
      ],
      want: { v3: 2, v2: 1, v1: 1 },
    },
    {
      name: 'leftover distribution 3 -> 2: the oldest loses it',
      d: dep(2),
      old: dep(3),
      newRS: ['v3', 1, NEW],
      oldRSs: [
        ['v2', 1, OLD],
        ['v1', 1, OLDER],
      ],
      want: { v3: 1, v2: 1, v1: 0 },
    },
    {
      name: 'no new RS 4 -> 5: the latest grows first',
      d: dep(5),
      old: dep(4),
      newRS: undefined,
      oldRSs: [
        ['v2', 2, OLD],
        ['v1', 2, OLDER],
      ],
      want: { v2: 3, v1: 2 },
    },
    {
      name: 'scale down to zero 6 -> 0',
      d: dep(0),
      old: dep(6),
      newRS: ['v3', 3, NEW],
      oldRSs: [
        ['v2', 2, OLD],
        ['v1', 1, OLDER],
      ],
      want: { v3: 0, v2: 0, v1: 0 },
    },
    {
      name: 'scale up from zero 0 -> 6: only the new RS',
      d: dep(6),
      old: dep(6),
      newRS: ['v3', 0, NEW],
      oldRSs: [
        ['v2', 0, OLD],
        ['v1', 0, OLDER],
      ],
      want: { v3: 6, v2: 0, v1: 0 },
    },
    {
      name: 'deployment with surge pods 10 -> 20',
      d: dep(20, 2),
      old: dep(10, 2),
      newRS: ['v2', 6, NEW],
      oldRSs: [['v1', 6, OLD]],
      want: { v2: 11, v1: 11 },
    },
    {
      name: 'change both surge and size',
      d: dep(50, 6),
      old: dep(10, 3),
      newRS: ['v2', 5, NEW],
      oldRSs: [['v1', 8, OLD]],
      want: { v2: 22, v1: 34 },
    },
  ] as Array<{
    name: string
    d: Deployment
    old: Deployment
    newRS?: [string, number, number]
    oldRSs: Array<[string, number, number]>
    want: Record<string, number>
  }>)('$name', ({ d, old, newRS, oldRSs, want }) => {
    const s = newSyncState(d, T0)
    const n = newRS ? rs(...newRS, old) : undefined
    const olds = oldRSs.map((o) => rs(...o, old))
    scaleDeployment(s, { newRS: n, oldRSs: olds })
    const got: Record<string, number> = Object.fromEntries(
      [...(n ? [n] : []), ...olds].map((r) => [r.metadata.name, r.spec.replicas ?? 0]),
    )
    for (const a of s.actions) if (a.type === 'scaleReplicaSet') got[a.name] = a.replicas
    expect(got).toEqual(want)
  })

  it('change both size and template: no new RS yet, old RSs scale proportionally', () => {
    const d = dep(14)
    d.spec.template.metadata = { labels: { app: 'web', another: 'label' } }
    const s = newSyncState(d, T0)
    const v2 = rs('v2', 7, NEW, dep(10))
    const v1 = rs('v1', 3, OLD, dep(10))
    scaleDeployment(s, { newRS: undefined, oldRSs: [v2, v1] })
    expect(
      s.actions
        .filter((a) => a.type === 'scaleReplicaSet')
        .map((a) => a.type === 'scaleReplicaSet' && [a.name, a.replicas]),
    ).toEqual([
      ['v2', 10],
      ['v1', 4],
    ])
  })

  it('an RS sized against an older Deployment (desired 3) takes its own proportion', () => {
    const s = newSyncState(dep(5), T0)
    const v3 = rs('v3', 2, NEW, dep(5))
    const v2 = rs('v2', 1, OLD, dep(3))
    const v1 = rs('v1', 1, OLDER, dep(5))
    scaleDeployment(s, { newRS: v3, oldRSs: [v2, v1] })
    const resized = s.actions.filter((a) => a.type === 'scaleReplicaSet' && a.replicas !== 1 && a.name !== 'v3')
    expect(resized.map((a) => a.type === 'scaleReplicaSet' && [a.name, a.replicas])).toEqual([['v2', 2]])
  })

  it('a saturated but broken new RS does not affect old pods', () => {
    const d = dep(2, 1, 1)
    const s = newSyncState(d, T0)
    const n = rs('v2', 2, NEW, d)
    n.status = { replicas: 2, availableReplicas: 0 }
    scaleDeployment(s, { newRS: n, oldRSs: [rs('v1', 1, OLD, d)] })
    expect(s.actions).toEqual([])
  })

  it('a saturated new RS scales every old RS to 0', () => {
    const d = dep(3, 1, 1)
    const s = newSyncState(d, T0)
    scaleDeployment(s, { newRS: rs('v2', 3, NEW, d), oldRSs: [rs('v1', 1, OLD, d)] })
    expect(s.actions.map((a) => (a.type === 'event' ? a.message : a.type))).toEqual([
      'scaleReplicaSet',
      'Scaled down replica set v1 to 0 from 1',
    ])
  })

  it('Recreate with several active RSs is left alone', () => {
    const d = aDeployment({ replicas: 5, strategy: 'Recreate' })
    const s = newSyncState(d, T0)
    scaleDeployment(s, { newRS: rs('v2', 2, NEW, dep(3)), oldRSs: [rs('v1', 1, OLD, dep(3))] })
    expect(s.actions).toEqual([])
  })

  it('refreshes stale annotations without an event when the size is already right', () => {
    const d = dep(4, 1)
    const s = newSyncState(d, T0)
    const v2 = rs('v2', 3, NEW, dep(4))
    const v1 = rs('v1', 2, OLD, dep(4))
    scaleDeployment(s, { newRS: v2, oldRSs: [v1] })
    expect(s.actions.map((a) => a.type)).toEqual(['scaleReplicaSet', 'scaleReplicaSet'])
    expect(
      s.actions.every(
        (a) => a.type !== 'scaleReplicaSet' || a.annotations['deployment.kubernetes.io/max-replicas'] === '5',
      ),
    ).toBe(true)
  })
})

describe('scaling-event helpers', () => {
  it.each([
    { name: 'an active RS sized for another D', rss: [rs('v1', 3, OLD, dep(3))], D: 5, want: true },
    { name: 'sized for this D', rss: [rs('v1', 5, OLD, dep(5))], D: 5, want: false },
    { name: 'inactive RSs do not count', rss: [rs('v1', 0, OLD, dep(3))], D: 5, want: false },
    {
      name: 'RSs without the annotation do not count',
      rss: [aReplicaSet({ name: 'v1', replicas: 3 })],
      D: 5,
      want: false,
    },
  ])('isScalingEvent: $name', ({ rss, D, want }) => {
    expect(isScalingEvent(dep(D), { newRS: undefined, oldRSs: rss })).toBe(want)
  })

  it('findActiveOrLatest', () => {
    const a = aReplicaSet({ name: 'a', replicas: 0, created: 0 })
    const b = aReplicaSet({ name: 'b', replicas: 0, created: 10 })
    const c = aReplicaSet({ name: 'c', replicas: 2, created: 5 })
    expect(findActiveOrLatest(undefined, [a, b])?.metadata.name).toBe('b')
    expect(findActiveOrLatest(a, [b])?.metadata.name).toBe('a')
    expect(findActiveOrLatest(a, [b, c])?.metadata.name).toBe('c')
    expect(findActiveOrLatest(aReplicaSet({ name: 'n', replicas: 1 }), [c])).toBeUndefined()
    expect(findActiveOrLatest(undefined, [])).toBeUndefined()
  })

  it('isSaturated needs size, annotation and availability at D', () => {
    const d = dep(1)
    const r = rs('v', 1, 0, d)
    expect(isSaturated(d, r)).toBe(true)
    expect(isSaturated(dep(2), r)).toBe(false)
    expect(isSaturated(d, { ...r, status: { replicas: 1, availableReplicas: 0 } })).toBe(false)
    expect(isSaturated(d, undefined)).toBe(false)
  })
})
