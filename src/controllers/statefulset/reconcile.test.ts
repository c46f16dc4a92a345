import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/types.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { silentLogger } from '../../platform/logger.ts'
import { ControllerRunner } from '../../reconciler/controller.ts'
import { ObjectCache } from '../../reconciler/object-cache.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { createStatefulSetController } from './reconcile.ts'
import { aStatefulSet } from './testing.ts'

function setup() {
  const clock = new FakeClock()
  const ids = sequentialIds()
  const store = createMemoryStore({ clock, ids })
  const cache = new ObjectCache(store, ['StatefulSet', 'Pod', 'ControllerRevision', 'PersistentVolumeClaim'])
  const controller = createStatefulSetController({ store, cache, clock, ids, logger: silentLogger })
  const runner = new ControllerRunner(controller, { cache, clock, logger: silentLogger })
  runner.start()
  cache.start()
  const { uid: _uid, ...metadata } = aStatefulSet().metadata
  store.create<'StatefulSet'>({ ...aStatefulSet(), metadata })
  const pods = () =>
    store
      .list('Pod')
      .items.map((p) => p.metadata.name)
      .sort()
  /** What the node agent reports for a started pod; a delete is finished with grace 0. */
  const kubelet = () => {
    for (const p of store.list('Pod').items) {
      if (p.metadata.deletionTimestamp) store.delete('Pod', 'default', p.metadata.name, { gracePeriodSeconds: 0 })
      else if (p.status?.phase !== 'Running') ready(p)
    }
  }
  const ready = (p: Pod) =>
    store.updateStatus<'Pod'>({
      ...p,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTimestamp(clock.now()) }],
      },
    })
  const settle = () => {
    for (let i = 0; i < 30; i++) {
      runner.runUntilIdle()
      kubelet()
    }
    runner.runUntilIdle()
  }
  const events = () =>
    store
      .list('Event')
      .items.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e) => `${e.reason}: ${e.message}`)
  return { store, runner, pods, settle, events, kubelet }
}

describe('StatefulSet controller over the store', () => {
  it('creates foo-0..2 in order with upstream events, a ControllerRevision and the status', () => {
    const { store, pods, settle, events } = setup()
    settle()
    expect(pods()).toEqual(['foo-0', 'foo-1', 'foo-2'])
    expect(events()).toEqual([
      'SuccessfulCreate: create Pod foo-0 in StatefulSet foo successful',
      'SuccessfulCreate: create Pod foo-1 in StatefulSet foo successful',
      'SuccessfulCreate: create Pod foo-2 in StatefulSet foo successful',
    ])
    const revisions = store.list('ControllerRevision').items
    expect(revisions).toHaveLength(1)
    const set = store.get('StatefulSet', 'default', 'foo')
    expect(set?.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revisions[0]?.metadata.name,
      updateRevision: revisions[0]?.metadata.name,
      collisionCount: 0,
      observedGeneration: 1,
    })
  })

  it('rolls an image change out in reverse ordinal order, as the events show', () => {
    const { store, settle, events } = setup()
    settle()
    const set = store.get('StatefulSet', 'default', 'foo')
    if (!set) throw new Error('no set')
    const changed = structuredClone(set)
    const [c] = changed.spec.template.spec.containers
    if (c) c.image = 'nginx:2'
    store.update<'StatefulSet'>(changed)
    settle()
    const deletes = events().filter((e) => e.startsWith('SuccessfulDelete'))
    expect(deletes).toEqual([
      'SuccessfulDelete: delete Pod foo-2 in StatefulSet foo successful',
      'SuccessfulDelete: delete Pod foo-1 in StatefulSet foo successful',
      'SuccessfulDelete: delete Pod foo-0 in StatefulSet foo successful',
    ])
    const after = store.get('StatefulSet', 'default', 'foo')
    expect(after?.status?.currentRevision).toBe(after?.status?.updateRevision)
    expect(store.list('Pod').items.every((p) => p.spec.containers[0]?.image === 'nginx:2')).toBe(true)
    expect(store.list('ControllerRevision').items).toHaveLength(2)
  })

  it('deleting the set collects its pods and revisions', () => {
    const { store, settle, kubelet } = setup()
    settle()
    store.delete('StatefulSet', 'default', 'foo')
    kubelet()
    expect(store.list('ControllerRevision').items).toEqual([])
    expect(store.list('Pod').items.every((p) => p.metadata.deletionTimestamp !== undefined)).toBe(true)
  })
})
