import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { runStoreConformance } from '../store.case.test.ts'
import { aConfigMap, aPod, aReplicaSet, submitted } from '../../../test/support/builders.ts'
import { createMemoryStore } from './memory-store.ts'

runStoreConformance('memory', (opts) => {
  const clock = opts?.clock ?? new FakeClock()
  const historyLimit = opts?.historyLimit
  return { store: createMemoryStore({ clock, ids: sequentialIds(), ...(historyLimit ? { historyLimit } : {}) }), clock }
})

describe('a memory store seeded with objects', () => {
  // What the rollout preview does: start from the objects as the API returned them.
  const rs = aReplicaSet({ name: 'web-1', replicas: 1, owner: null })
  rs.metadata = {
    ...rs.metadata,
    uid: 'rs-uid',
    resourceVersion: '41',
    creationTimestamp: '2026-01-01T00:00:00Z',
    generation: 3,
  }
  const pod = submitted(aPod({ name: 'web-1-a', scheduled: false, owner: rs }))
  pod.metadata = { ...pod.metadata, uid: 'pod-uid', resourceVersion: '40' }
  const seeded = () => createMemoryStore({ clock: new FakeClock(), ids: sequentialIds(), objects: [rs, pod] })

  it('keeps their server fields as they are', () => {
    expect(seeded().get('ReplicaSet', 'default', 'web-1')?.metadata).toMatchObject({
      uid: 'rs-uid',
      resourceVersion: '41',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
    })
  })

  it('numbers new writes after the highest resourceVersion it was given', () => {
    const created = seeded().create(aConfigMap({ name: 'cfg' }))
    expect(created.metadata.resourceVersion).toBe('42')
  })

  it('knows their owners: removing the ReplicaSet collects its pod', () => {
    const store = seeded()
    store.delete('ReplicaSet', 'default', 'web-1')
    expect(store.get('Pod', 'default', 'web-1-a')).toBeUndefined()
  })
})
