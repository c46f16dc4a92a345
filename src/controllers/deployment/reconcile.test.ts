import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../../test/support/baton-error.ts'
import { aDeployment, aReplicaSet } from '../../../test/support/builders.ts'
import type { Deployment, ReplicaSet } from '../../api/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { silentLogger } from '../../platform/logger.ts'
import { TerminalError } from '../../reconciler/controller.ts'
import { ObjectCache } from '../../reconciler/object-cache.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { applyActions, reconcileDeployment } from './reconcile.ts'

function setup() {
  const clock = new FakeClock()
  const ids = sequentialIds()
  const store = createMemoryStore({ clock, ids })
  const cache = new ObjectCache(store, ['Deployment', 'ReplicaSet', 'Pod'])
  cache.start()
  const deps: ControllerDeps = { store, cache, clock, ids, logger: silentLogger }
  const d = store.create<'Deployment'>(aDeployment({ name: 'web', replicas: 3 }))
  const withoutUid = (rs: ReplicaSet): ReplicaSet => {
    const { uid: _uid, ...metadata } = rs.metadata
    return { ...rs, metadata }
  }
  const rs = store.create<'ReplicaSet'>(withoutUid(aReplicaSet({ name: 'web-aaaaa', replicas: 3, owner: d })))
  return { clock, store, cache, deps, d, rs, withoutUid }
}

describe('applyActions (deployment executor)', () => {
  it('applies scale, annotations, status, events and the earliest requeue, in order', () => {
    const { deps, d, rs, store } = setup()
    const result = applyActions(
      deps,
      d,
      [rs],
      [
        {
          type: 'scaleReplicaSet',
          name: 'web-aaaaa',
          replicas: 5,
          annotations: { 'deployment.kubernetes.io/desired-replicas': '5' },
        },
        {
          type: 'event',
          eventType: 'Normal',
          reason: 'ScalingReplicaSet',
          message: 'Scaled up replica set web-aaaaa to 5 from 3',
        },
        { type: 'updateDeploymentAnnotations', annotations: { 'deployment.kubernetes.io/revision': '1' } },
        { type: 'updateDeploymentStatus', status: { observedGeneration: 1, replicas: 3 } },
        { type: 'requeue', afterMs: 5000 },
        { type: 'requeue', afterMs: 2000 },
      ],
    )
    expect(result).toEqual({ requeueAfterMs: 2000 })
    const scaled = store.get('ReplicaSet', 'default', 'web-aaaaa')
    expect(scaled?.spec.replicas).toBe(5)
    expect(scaled?.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '5' })
    const written = store.get('Deployment', 'default', 'web') as Deployment
    expect(written.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1')
    expect(written.status).toMatchObject({ observedGeneration: 1, replicas: 3 })
    const [event] = store.list('Event').items
    expect(event).toMatchObject({
      reason: 'ScalingReplicaSet',
      involvedObject: { kind: 'Deployment', name: 'web' },
      source: { component: 'deployment-controller' },
    })
  })

  it('stops at a stale write (BATON_CONFLICT) without applying later actions', () => {
    const { deps, d, rs, store } = setup()
    store.update<'ReplicaSet'>({
      ...rs,
      metadata: { ...rs.metadata, labels: { ...rs.metadata.labels, touched: 'yes' } },
    })
    expectBatonError(
      () =>
        applyActions(
          deps,
          d,
          [rs],
          [
            { type: 'scaleReplicaSet', name: 'web-aaaaa', replicas: 1, annotations: {} },
            { type: 'event', eventType: 'Normal', reason: 'ScalingReplicaSet', message: 'never recorded' },
          ],
        ),
      'BATON_CONFLICT',
    )
    expect(store.list('Event').items).toEqual([])
    expect(store.get('ReplicaSet', 'default', 'web-aaaaa')?.spec.replicas).toBe(3)
  })

  it('counts a hash collision in status.collisionCount and fails the sync', () => {
    const { deps, d, store, withoutUid } = setup()
    store.create<'ReplicaSet'>(withoutUid(aReplicaSet({ name: 'web-bbbbb', replicas: 3, owner: null })))
    expectBatonError(
      () =>
        applyActions(
          deps,
          d,
          [],
          [
            {
              type: 'createReplicaSet',
              replicaSet: withoutUid(aReplicaSet({ name: 'web-bbbbb', replicas: 3, owner: d })),
            },
          ],
        ),
      'BATON_ALREADY_EXISTS',
    )
    expect(store.get('Deployment', 'default', 'web')?.status?.collisionCount).toBe(1)
  })

  it('fails terminally when the planner names a ReplicaSet it was not given (a retry would plan the same)', () => {
    const { deps, d } = setup()
    expect(() =>
      applyActions(deps, d, [], [{ type: 'scaleReplicaSet', name: 'web-zzzzz', replicas: 1, annotations: {} }]),
    ).toThrow(TerminalError)
  })

  it('deletes a ReplicaSet only at the version it planned with', () => {
    const { deps, d, rs, store } = setup()
    applyActions(deps, d, [rs], [{ type: 'deleteReplicaSet', name: 'web-aaaaa' }])
    expect(store.get('ReplicaSet', 'default', 'web-aaaaa')).toBeUndefined()
  })
})

describe('reconcileDeployment', () => {
  it('adopts an orphan ReplicaSet matching the selector before planning', () => {
    const { deps, store, withoutUid } = setup()
    const orphan = aReplicaSet({ name: 'web-orphn', replicas: 0, owner: null })
    orphan.metadata.labels = { app: 'web', 'pod-template-hash': 'orphn' }
    store.create<'ReplicaSet'>(withoutUid(orphan))
    reconcileDeployment(deps, 'default/web')
    const adopted = store.get('ReplicaSet', 'default', 'web-orphn')
    expect(adopted?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'web', controller: true }),
    ])
  })

  it('does nothing for a deployment that is gone', () => {
    const { deps } = setup()
    expect(reconcileDeployment(deps, 'default/missing')).toEqual({})
  })
})
