import { describe, expect, it } from 'vitest'
import { aPod, aReplicaSet } from '../../../test/support/builders.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { planReplicaSet, podChangeMatters, podFromTemplate } from './plan.ts'
import { T0 } from '../../../test/support/builders.ts'
import type { Pod } from '../../api/types.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import { WARM_UNTIL_ANNOTATION } from '../../api/warm-window.ts'
import { countReplicaSetPods } from '../../rollout/availability.ts'

const rs = aReplicaSet({ name: 'web-abc12', replicas: 3, owner: null })
const running = (name: string) => aPod({ name, owner: rs, phase: 'Running', ready: true })

describe('planReplicaSet', () => {
  it.each([
    { name: 'no pods: create all', pods: [], create: 3, deleted: [] },
    { name: 'exact count: nothing', pods: ['a', 'b', 'c'].map(running), create: 0, deleted: [] },
    {
      name: 'terminating pods do not count',
      pods: [running('a'), running('b'), aPod({ name: 'c', owner: rs, phase: 'Running', deleting: true })],
      create: 1,
      deleted: [],
    },
    {
      name: 'finished pods do not count',
      pods: [running('a'), running('b'), aPod({ name: 'c', owner: rs, phase: 'Failed' })],
      create: 1,
      deleted: [],
    },
    {
      name: 'one too many: the pending one goes',
      pods: [running('a'), running('b'), running('c'), aPod({ name: 'd', owner: rs, phase: 'Pending' })],
      create: 0,
      deleted: ['d'],
    },
  ])('$name', ({ pods, create, deleted }) => {
    const plan = planReplicaSet(rs, pods)
    expect(plan.create).toBe(create)
    expect(plan.delete.map((p) => p.metadata.name)).toEqual(deleted)
  })

  it('creates and deletes at most burstReplicas (500) pods per sync', () => {
    const huge = aReplicaSet({ name: 'web-abc12', replicas: 1_000_000 })
    expect(planReplicaSet(huge, []).create).toBe(500)
    expect(planReplicaSet(huge, ['a', 'b'].map(running)).create).toBe(500)
    const few = aReplicaSet({ name: 'web-abc12', replicas: 499 })
    expect(planReplicaSet(few, []).create).toBe(499)
    const none = aReplicaSet({ name: 'web-abc12', replicas: 0 })
    const many = Array.from({ length: 700 }, (_, i) => running(`p${i}`))
    expect(planReplicaSet(none, many).delete).toHaveLength(500)
  })

  it('does nothing for a ReplicaSet that is being deleted', () => {
    const dying = { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }
    expect(planReplicaSet(dying, [])).toEqual({ create: 0, delete: [], park: [], unpark: [] })
  })
})

describe('planReplicaSet with a warm window', () => {
  const at = (s: number) => T0 + s * 1000
  const warm = (pod: Pod, untilSeconds: number): Pod => ({
    ...pod,
    metadata: { ...pod.metadata, annotations: { [WARM_UNTIL_ANNOTATION]: formatTimestamp(at(untilSeconds)) } },
  })
  const unready = (name: string) => aPod({ name, owner: rs, phase: 'Running', ready: false })
  const sized = (replicas: number) => ({ ...rs, spec: { ...rs.spec, replicas } })
  const names = (pods: Pod[]) => pods.map((p) => p.metadata.name).sort()

  it.each([
    {
      name: 'scale-down without a window deletes',
      replicas: 1,
      pods: ['a', 'b', 'c'].map(running),
      delay: 0,
      expected: { create: 0, delete: ['b', 'c'], park: [], unpark: [] },
    },
    {
      name: 'scale-down with a window parks the ready pods',
      replicas: 1,
      pods: ['a', 'b', 'c'].map(running),
      delay: 30,
      expected: { create: 0, delete: [], park: ['b', 'c'], unpark: [], parkUntil: at(40), nextExpiry: at(40) },
    },
    {
      name: 'a pod that is not ready is deleted, not parked: it could not take traffic back',
      replicas: 1,
      pods: [running('a'), running('b'), unready('c')],
      delay: 30,
      expected: { create: 0, delete: ['c'], park: ['b'], unpark: [], parkUntil: at(40), nextExpiry: at(40) },
    },
    {
      name: 'warm pods are not replicas: nothing to do at the right count',
      replicas: 1,
      pods: [running('a'), warm(running('b'), 50)],
      delay: 30,
      expected: { create: 0, delete: [], park: [], unpark: [], nextExpiry: at(50) },
    },
    {
      name: 'scale-up brings warm pods back before creating any, ready ones first',
      replicas: 2,
      pods: [warm(unready('a'), 60), warm(running('b'), 20), warm(running('c'), 50)],
      delay: 0,
      expected: { create: 0, delete: [], park: [], unpark: ['b', 'c'], nextExpiry: at(60) },
      unparkOrder: ['c', 'b'],
    },
    {
      name: 'scale-up beyond the warm pods creates the rest',
      replicas: 4,
      pods: [running('a'), warm(running('b'), 50)],
      delay: 30,
      expected: { create: 2, delete: [], park: [], unpark: ['b'] },
    },
    {
      name: 'a warm pod whose window ended is deleted, even without a window now',
      replicas: 1,
      pods: [running('a'), warm(running('b'), 10), warm(running('c'), 9), warm(running('d'), 11)],
      delay: 0,
      expected: { create: 0, delete: ['b', 'c'], park: [], unpark: [], nextExpiry: at(11) },
    },
    {
      name: 'an expired warm pod is not brought back: a new pod is made',
      replicas: 1,
      pods: [warm(running('a'), 5)],
      delay: 30,
      expected: { create: 1, delete: ['a'], park: [], unpark: [] },
    },
  ])('$name', ({ replicas, pods, delay, expected, unparkOrder }) => {
    const plan = planReplicaSet(sized(replicas), pods, { now: at(10), delaySeconds: delay })
    expect({
      ...plan,
      delete: names(plan.delete),
      park: names(plan.park),
      unpark: names(plan.unpark),
    }).toEqual(expected)
    if (unparkOrder) expect(plan.unpark.map((p) => p.metadata.name)).toEqual(unparkOrder)
  })

  it('a pod parked or brought back matters to the ReplicaSet', () => {
    const pod = running('a')
    expect(podChangeMatters({ type: 'MODIFIED', old: pod, object: warm(pod, 30) })).toBe(true)
    expect(podChangeMatters({ type: 'MODIFIED', old: warm(pod, 30), object: pod })).toBe(true)
  })

  it('a warm pod counts nowhere in the ReplicaSet status', () => {
    const { status } = countReplicaSetPods(sized(1), [running('a'), warm(running('b'), 30)], at(10))
    expect(status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1 })
  })
})

describe('podFromTemplate', () => {
  it('takes the template as it is, and the store keeps it shared with the stored ReplicaSet', () => {
    const pod = podFromTemplate(rs, 'web-abc12-xyz12', 'node-a')
    expect(pod.metadata).toMatchObject({
      name: 'web-abc12-xyz12',
      namespace: 'default',
      labels: rs.spec.template.metadata?.labels,
    })
    expect(pod.spec).toEqual({ ...rs.spec.template.spec, nodeName: 'node-a' })

    const store = createMemoryStore({ clock: new FakeClock(), ids: sequentialIds() })
    const storedRs = store.create<'ReplicaSet'>(rs)
    const a = store.create<'Pod'>(podFromTemplate(storedRs, 'web-abc12-aaaaa', 'node-a'))
    const b = store.create<'Pod'>(podFromTemplate(storedRs, 'web-abc12-bbbbb', 'node-a'))
    expect(a.spec.containers).toBe(storedRs.spec.template.spec.containers)
    expect(b.spec.containers).toBe(a.spec.containers)
    expect(b.metadata.labels).toBe(storedRs.spec.template.metadata?.labels)
    expect(() => {
      a.spec.containers[0]!.image = 'changed'
    }).toThrow(TypeError)
  })
})

describe('podChangeMatters (which pod changes wake the ReplicaSet)', () => {
  const pending = aPod({ name: 'p', owner: rs, phase: 'Pending' })
  const runningUnready = aPod({ name: 'p', owner: rs, phase: 'Running', ready: false })
  const ready = aPod({ name: 'p', owner: rs, phase: 'Running', ready: true, readySince: 1 })
  const readyLater = aPod({ name: 'p', owner: rs, phase: 'Running', ready: true, readySince: 9 })
  const terminating = aPod({ name: 'p', owner: rs, phase: 'Running', ready: true, deleting: true })
  const terminatingUnready = aPod({ name: 'p', owner: rs, phase: 'Running', ready: false, deleting: true })
  const relabelled = { ...ready, metadata: { ...ready.metadata, labels: { app: 'other' } } }
  it.each([
    { name: 'a new pod', type: 'ADDED', old: undefined, object: pending, matters: true },
    { name: 'a removed pod', type: 'DELETED', old: terminating, object: terminating, matters: true },
    { name: 'Pending → Running, not ready', type: 'MODIFIED', old: pending, object: runningUnready, matters: false },
    { name: 'becomes ready', type: 'MODIFIED', old: runningUnready, object: ready, matters: true },
    {
      name: 'ready again later (minReadySeconds restarts)',
      type: 'MODIFIED',
      old: ready,
      object: readyLater,
      matters: true,
    },
    { name: 'starts terminating', type: 'MODIFIED', old: ready, object: terminating, matters: true },
    {
      name: 'a terminating pod turns unready',
      type: 'MODIFIED',
      old: terminating,
      object: terminatingUnready,
      matters: false,
    },
    { name: 'labels change', type: 'MODIFIED', old: ready, object: relabelled, matters: true },
  ])('$name → $matters', ({ type, old, object, matters }) => {
    expect(podChangeMatters({ type, object, ...(old ? { old } : {}) })).toBe(matters)
  })
})
