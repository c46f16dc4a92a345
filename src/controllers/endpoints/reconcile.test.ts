import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { silentLogger } from '../../platform/logger.ts'
import { ObjectCache } from '../../reconciler/object-cache.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { reconcileEndpoints } from './reconcile.ts'
import { aServingPod } from './testing.ts'
import { aService } from '../../../test/support/builders.ts'

function world() {
  const clock = new FakeClock()
  const ids = sequentialIds()
  const store = createMemoryStore({ clock, ids })
  const cache = new ObjectCache(store, ['Service', 'Endpoints', 'Pod'])
  cache.start()
  const deps = { store, cache, clock, ids, logger: silentLogger }
  return { clock, store, sync: () => reconcileEndpoints(deps, 'default/web') }
}

describe('reconcileEndpoints', () => {
  it('creates, keeps and updates the Endpoints as pods come, stay and terminate', () => {
    const { store, sync } = world()
    store.create(aService({ name: 'web' }))
    const pod = aServingPod('web-1')
    store.create({ ...pod, spec: { ...pod.spec, nodeName: 'baton-node' } })
    expect(sync()).toBe('created')
    expect(sync()).toBe('unchanged')
    const ep = store.get('Endpoints', 'default', 'web')!
    expect(ep.subsets!.map((s) => s.addresses?.[0]?.targetRef?.name)).toEqual(['web-1'])

    // A graceful delete only marks a node-bound pod: it must leave the endpoints right away.
    store.delete('Pod', 'default', 'web-1', { gracePeriodSeconds: 30 })
    expect(store.get('Pod', 'default', 'web-1')!.metadata.deletionTimestamp).toBeDefined()
    expect(sync()).toBe('updated')
    expect(store.get('Endpoints', 'default', 'web')!.subsets).toEqual([])
  })

  it('leaves a selector-less service alone and deletes the Endpoints of a deleted service', () => {
    const { store, sync } = world()
    store.create(aService({ name: 'web', selector: {} }))
    expect(sync()).toBe('unmanaged')
    store.delete('Service', 'default', 'web')
    store.create(aService({ name: 'web' }))
    expect(sync()).toBe('created')
    store.delete('Service', 'default', 'web')
    expect(sync()).toBe('deleted')
    expect(store.get('Endpoints', 'default', 'web')).toBeUndefined()
  })
})
