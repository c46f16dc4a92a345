import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { runStoreConformance } from '../store.case.test.ts'
import { aConfigMap, aPod, aReplicaSet } from '../testing.ts'
import { createMemoryStore } from './memory-store.ts'

runStoreConformance('memory', (opts) => {
  const clock = opts?.clock ?? new FakeClock()
  const historyLimit = opts?.historyLimit
  return { store: createMemoryStore({ clock, ids: sequentialIds(), ...(historyLimit ? { historyLimit } : {}) }), clock }
})

describe('a memory store seeded with objects', () => {
  // What the rollout preview does: start from the objects as the API returned them.
  const rs = aReplicaSet('web-1')
  rs.metadata = {
    ...rs.metadata,
    uid: 'rs-uid',
    resourceVersion: '41',
    creationTimestamp: '2026-01-01T00:00:00Z',
    generation: 3,
  }
  const pod = aPod('web-1-a', { owners: [rs] })
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
    const created = seeded().create(aConfigMap('cfg'))
    expect(created.metadata.resourceVersion).toBe('42')
  })

  it('knows their owners: removing the ReplicaSet collects its pod', () => {
    const store = seeded()
    store.delete('ReplicaSet', 'default', 'web-1')
    expect(store.get('Pod', 'default', 'web-1-a')).toBeUndefined()
  })
})
