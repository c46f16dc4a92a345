import { describe, expect, it } from 'vitest'
import { aReplicaSet } from '../../../test/support/builders.ts'
import type { Pod, ReplicaSet } from '../../api/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { silentLogger } from '../../platform/logger.ts'
import { ControllerRunner } from '../../reconciler/controller.ts'
import { ObjectCache } from '../../reconciler/object-cache.ts'
import { DEFAULT_NODE_NAME } from '../../api/node-name.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { createReplicaSetController } from './reconcile.ts'
import { formatTimestamp } from '../../api/timestamps.ts'

function setup() {
  const clock = new FakeClock()
  const ids = sequentialIds()
  const store = createMemoryStore({ clock, ids })
  const cache = new ObjectCache(store, ['ReplicaSet', 'Pod'])
  const controller = createReplicaSetController({ store, cache, clock, ids, logger: silentLogger })
  const runner = new ControllerRunner(controller, { cache, clock, logger: silentLogger })
  runner.start()
  cache.start()
  const rsNamed = (name: string) => store.get('ReplicaSet', 'default', name) as ReplicaSet
  const podsOf = (rs: ReplicaSet) =>
    store.list('Pod').items.filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid)
  /** Marks a pod Running + Ready since `at` (what a node agent would report). */
  const makeReady = (pod: Pod, at = clock.now()) =>
    store.updateStatus<'Pod'>({
      ...pod,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTimestamp(at) }],
      },
    })
  return { clock, store, runner, rsNamed, podsOf, makeReady }
}

function create(store: ReturnType<typeof setup>['store'], rs: ReplicaSet): ReplicaSet {
  const { uid: _uid, ...metadata } = rs.metadata
  return store.create<'ReplicaSet'>({ ...rs, metadata })
}

describe('ReplicaSet controller', () => {
  it('names the pods of a long-named set as generateName does: at most 63 characters', () => {
    const { store, runner, podsOf } = setup()
    const name = `${'a'.repeat(60)}-abc12`
    const rs = create(store, aReplicaSet({ name, replicas: 2, owner: null }))
    runner.runUntilIdle()
    expect(podsOf(rs).map((p) => p.metadata.name)).toEqual([`${'a'.repeat(58)}bbbbb`, `${'a'.repeat(58)}bbbbc`])
  })

  it('creates the missing pods from the template, owned and bound to the node, with events', () => {
    const { store, runner, rsNamed, podsOf } = setup()
    const rs = create(store, aReplicaSet({ name: 'web-abc12', replicas: 3, owner: null }))
    runner.runUntilIdle()
    const pods = podsOf(rs)
    expect(pods.map((p) => p.metadata.name)).toEqual(['web-abc12-bbbbb', 'web-abc12-bbbbc', 'web-abc12-bbbbd'])
    const [pod] = pods
    expect(pod?.metadata.labels).toEqual(rs.spec.template.metadata?.labels)
    expect(pod?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-abc12',
        uid: rs.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ])
    expect(pod?.spec.nodeName).toBe(DEFAULT_NODE_NAME)
    expect(pod?.spec.containers).toEqual(rs.spec.template.spec.containers)
    expect(rsNamed('web-abc12').status).toMatchObject({
      replicas: 3,
      readyReplicas: 0,
      availableReplicas: 0,
      observedGeneration: 1,
    })
    const events = store.list('Event').items.map((e) => [e.reason, e.message, e.involvedObject.name])
    expect(events).toEqual(pods.map((p) => ['SuccessfulCreate', `Created pod: ${p.metadata.name}`, 'web-abc12']))
  })

  it('deletes not-ready pods first when scaling down, and does not count terminating pods', () => {
    const { store, runner, rsNamed, podsOf, makeReady } = setup()
    const rs = create(store, aReplicaSet({ name: 'web-abc12', replicas: 3, owner: null }))
    runner.runUntilIdle()
    const [a, b] = podsOf(rs)
    makeReady(a as Pod)
    makeReady(b as Pod)
    runner.runUntilIdle()
    store.update<'ReplicaSet'>({ ...rsNamed('web-abc12'), spec: { ...rs.spec, replicas: 2 } })
    runner.runUntilIdle()
    const pods = podsOf(rs)
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name)
    expect(terminating).toEqual(['web-abc12-bbbbd'])
    expect(rsNamed('web-abc12').status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 })
    const deleted = store
      .list('Event')
      .items.filter((e) => e.reason === 'SuccessfulDelete')
      .map((e) => e.message)
    expect(deleted).toEqual(['Deleted pod: web-abc12-bbbbd'])
  })

  it('replaces a pod that was deleted behind its back', () => {
    const { store, runner, podsOf } = setup()
    const rs = create(store, aReplicaSet({ name: 'web-abc12', replicas: 2, owner: null }))
    runner.runUntilIdle()
    const victim = podsOf(rs)[0] as Pod
    store.delete('Pod', 'default', victim.metadata.name, { gracePeriodSeconds: 0 })
    runner.runUntilIdle()
    expect(podsOf(rs)).toHaveLength(2)
  })

  it('requeues itself when a ready pod crosses minReadySeconds', () => {
    const { store, runner, rsNamed, podsOf, makeReady, clock } = setup()
    const rs = create(store, aReplicaSet({ name: 'web-abc12', replicas: 1, minReadySeconds: 10, owner: null }))
    runner.runUntilIdle()
    makeReady(podsOf(rs)[0] as Pod)
    clock.advance(0)
    expect(rsNamed('web-abc12').status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 })
    clock.advance(10_000)
    expect(rsNamed('web-abc12').status?.availableReplicas).toBe(0)
    clock.advance(1)
    expect(rsNamed('web-abc12').status?.availableReplicas).toBe(1)
  })
})

describe('ReplicaSet controller bursts and slow start', () => {
  it('creates at most burstReplicas (500) pods per sync; the pods it made wake it for the rest', () => {
    const { store, runner, podsOf } = setup()
    const rs = create(store, aReplicaSet({ name: 'web-abc12', replicas: 1200 }))
    runner.processNextItem()
    expect(podsOf(rs)).toHaveLength(500)
    runner.processNextItem()
    expect(podsOf(rs)).toHaveLength(1000)
    runner.runUntilIdle()
    expect(podsOf(rs)).toHaveLength(1200)
  })

  it('stops creating after the first batch with a failure, keeps the status true, and retries with back-off', () => {
    const clock = new FakeClock()
    const ids = sequentialIds()
    const store = createMemoryStore({ clock, ids })
    let podCreates = 0
    let failFrom = 5
    const failing = new Proxy(store, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop)
        if (prop !== 'create') return typeof value === 'function' ? value.bind(target) : value
        return (obj: { kind: string }) => {
          if (obj.kind === 'Pod' && ++podCreates >= failFrom) throw new Error('store full')
          return target.create(obj as never)
        }
      },
    })
    const cache = new ObjectCache(store, ['ReplicaSet', 'Pod'])
    const controller = createReplicaSetController({ store: failing, cache, clock, ids, logger: silentLogger })
    const runner = new ControllerRunner(controller, { cache, clock, logger: silentLogger })
    runner.start()
    cache.start()
    const rs = create(store, aReplicaSet({ name: 'web-abc12', replicas: 10 }))
    runner.processNextItem()
    // Batches 1, 2, 4: creates from the 5th on fail; the third batch still makes all its calls, then stops.
    expect(podCreates).toBe(7)
    const pods = () => store.list('Pod').items.filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid)
    expect(pods()).toHaveLength(4)
    expect((store.get('ReplicaSet', 'default', 'web-abc12') as ReplicaSet).status?.replicas).toBe(4)
    failFrom = Number.POSITIVE_INFINITY
    clock.advance(10)
    runner.runUntilIdle()
    expect(pods()).toHaveLength(10)
  })
})

describe('ReplicaSet controller: status.terminatingReplicas (DeploymentReplicaSetTerminatingReplicas)', () => {
  function scaledDownWhileTerminating(features?: { DeploymentReplicaSetTerminatingReplicas: boolean }) {
    const clock = new FakeClock()
    const ids = sequentialIds()
    const store = createMemoryStore({ clock, ids })
    const cache = new ObjectCache(store, ['ReplicaSet', 'Pod'])
    const controller = createReplicaSetController({
      store,
      cache,
      clock,
      ids,
      logger: silentLogger,
      ...(features ? { features } : {}),
    })
    const runner = new ControllerRunner(controller, { cache, clock, logger: silentLogger })
    runner.start()
    cache.start()
    const rs = create(store, aReplicaSet({ name: 'web-abc12', replicas: 3, owner: null }))
    runner.runUntilIdle()
    // Scaled to 1: two pods are deleted and, with the default 30 s grace period, stay terminating.
    store.update<'ReplicaSet'>({
      ...(store.get('ReplicaSet', 'default', 'web-abc12') as ReplicaSet),
      spec: { ...rs.spec, replicas: 1 },
    })
    runner.runUntilIdle()
    const status = () => (store.get('ReplicaSet', 'default', 'web-abc12') as ReplicaSet).status
    return { store, runner, status }
  }

  it('on (the default): counts the pods being shut down, and 0 once they are gone', () => {
    const { store, runner, status } = scaledDownWhileTerminating()
    expect(status()).toMatchObject({ replicas: 1, terminatingReplicas: 2 })
    for (const pod of store.list('Pod').items.filter((p) => p.metadata.deletionTimestamp)) {
      store.delete('Pod', 'default', pod.metadata.name, { gracePeriodSeconds: 0 })
    }
    runner.runUntilIdle()
    expect(status()).toMatchObject({ replicas: 1, terminatingReplicas: 0 })
  })

  it('off: the field is absent', () => {
    const { status } = scaledDownWhileTerminating({ DeploymentReplicaSetTerminatingReplicas: false })
    expect(status()?.replicas).toBe(1)
    expect(status()).not.toHaveProperty('terminatingReplicas')
  })
})
