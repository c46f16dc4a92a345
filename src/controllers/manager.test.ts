import { describe, expect, it } from 'vitest'
import { aDeployment } from '../../test/support/builders.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { silentLogger } from '../platform/logger.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { startControllers } from './manager.ts'

describe('startControllers', () => {
  it('turns a Deployment into a ReplicaSet and pods, and a restart picks up changes made while stopped', () => {
    const clock = new FakeClock()
    const ids = sequentialIds()
    const store = createMemoryStore({ clock, ids })
    const opts = { store, clock, ids, logger: silentLogger }
    store.create<'Deployment'>(aDeployment({ name: 'web', replicas: 3 }))

    const first = startControllers(opts)
    first.runUntilIdle()
    expect(store.list('ReplicaSet').items).toHaveLength(1)
    expect(store.list('Pod').items).toHaveLength(3)
    first.stop()

    // While no controller runs, a pod vanishes and the deployment is scaled.
    const [pod] = store.list('Pod').items
    store.delete('Pod', 'default', pod?.metadata.name ?? '', { gracePeriodSeconds: 0 })
    const d = store.get('Deployment', 'default', 'web')
    if (d) store.update<'Deployment'>({ ...d, spec: { ...d.spec, replicas: 5 } })
    clock.advance(1000)
    expect(store.list('Pod').items).toHaveLength(2)

    const second = startControllers(opts)
    clock.advance(0) // the runners drain on the clock by themselves
    expect(store.list('Pod').items.filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(5)
    second.stop()
  })
})

describe('ControllerManager.metrics', () => {
  it('reports controller_runtime_reconcile_total per controller and result', () => {
    const clock = new FakeClock()
    const ids = sequentialIds()
    const store = createMemoryStore({ clock, ids })
    store.create<'Deployment'>(aDeployment({ name: 'web', replicas: 1 }))
    const controllers = startControllers({ store, clock, ids, logger: silentLogger })
    controllers.runUntilIdle()
    const text = controllers.metrics()
    controllers.stop()
    const success = (name: string) =>
      Number(new RegExp(`controller="${name}",result="success"\\} (\\d+)`).exec(text)?.[1])
    expect(text).toContain('# TYPE controller_runtime_reconcile_total counter')
    for (const name of ['deployment-controller', 'replicaset-controller', 'endpoints-controller']) {
      expect(text).toContain(`controller_runtime_reconcile_total{controller="${name}",result="error"} 0`)
    }
    expect(success('deployment-controller')).toBeGreaterThan(0)
    expect(success('replicaset-controller')).toBeGreaterThan(0)
  })
})
