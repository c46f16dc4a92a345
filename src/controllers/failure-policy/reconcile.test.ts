import { describe, expect, it } from 'vitest'
import { aDeployment, aPod, aReplicaSet } from '../../../test/support/builders.ts'
import type { Deployment, KObject, ReplicaSet } from '../../api/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { silentLogger } from '../../platform/logger.ts'
import { ObjectCache } from '../../reconciler/object-cache.ts'
import { automaticOutcome } from '../../rollout/failure-outcome.ts'
import type { TrafficSample } from '../../rollout/revision-figures.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { createFailurePolicyController } from './reconcile.ts'

function withoutUid<T extends KObject>(o: T): T {
  const { uid: _uid, ...metadata } = o.metadata
  return { ...o, metadata }
}

/** A Deployment at v2 (revision 2, hash "v2") over a stable v1 (revision 1, hash "v1"). */
function setup(annotations: Record<string, string>, sample: { current?: TrafficSample } = {}) {
  const clock = new FakeClock()
  const ids = sequentialIds()
  const store = createMemoryStore({ clock, ids })
  const cache = new ObjectCache(store, ['Deployment', 'ReplicaSet', 'Pod', 'Event'])
  cache.start()
  const deps: ControllerDeps = {
    store,
    cache,
    clock,
    ids,
    logger: silentLogger,
    traffic: () => sample.current,
  }
  const d = store.create<'Deployment'>(withoutUid(aDeployment({ replicas: 1, image: 'app:v2', annotations })))
  store.create<'ReplicaSet'>(
    withoutUid(aReplicaSet({ name: 'web-v1', replicas: 1, revision: 1, image: 'app:v1', owner: d })),
  )
  const fresh = withoutUid(aReplicaSet({ name: 'web-v2', replicas: 1, revision: 2, owner: d }))
  fresh.spec.template = structuredClone(d.spec.template)
  fresh.spec.template.metadata!.labels = { ...fresh.spec.template.metadata?.labels, 'pod-template-hash': 'v2' }
  const newRS = store.create<'ReplicaSet'>(fresh)
  const controller = createFailurePolicyController(deps)
  const reconcile = () => controller.reconcile('default/web', { id: '1', logger: () => silentLogger } as never)
  const deployment = () => store.get('Deployment', 'default', 'web') as Deployment
  const rs = (name: string) => store.get('ReplicaSet', 'default', name) as ReplicaSet
  const events = () =>
    store.list('Event', { namespace: 'default' }).items.map((e) => `${e.type} ${e.reason}: ${e.message}`)
  return { clock, store, newRS, reconcile, deployment, rs, events }
}

const counters = (requests: number, errors: number) => ({
  requests,
  errors,
  failedConnections: 0,
  latency: requests ? ([[1, requests]] as Array<[number, number]>) : [],
})

describe('failure-policy controller', () => {
  it('a crash-looping new pod: rolled back to v1 through the store, with condition, verdict and Warning', () => {
    const h = setup({ 'baton.dev/failure-action': 'rollback' })
    const p = withoutUid(aPod({ name: 'web-v2-a', owner: h.newRS, restarts: 3, ready: false }))
    h.store.create(p)
    h.reconcile()
    const d = h.deployment()
    expect(d.spec.template.spec?.containers[0]?.image).toBe('app:v1')
    expect(d.metadata.annotations?.['baton.dev/failure-action']).toBe('rollback')
    expect(automaticOutcome(d)).toMatchObject({
      kind: 'rolledBack',
      message:
        'revision 2 failed: 1 of 1 new pods failed, above the max failure ratio 0: web-v2-a restarted 3 times; rolled back to revision 1',
    })
    expect(h.rs('web-v2').metadata.annotations?.['baton.dev/failure-policy-verdict']).toBe('rolled-back')
    expect(h.events()).toEqual([
      'Warning RolledBack: revision 2 failed: 1 of 1 new pods failed, above the max failure ratio 0: web-v2-a restarted 3 times; rolled back to revision 1',
    ])
    // Level-triggered: a second sync over the result does nothing more.
    h.reconcile()
    expect(h.deployment().metadata.resourceVersion).toBe(d.metadata.resourceVersion)
  })

  it('5% 500s counted from where the revision was first watched: paused, figures in the condition', () => {
    const sample: { current?: TrafficSample } = {}
    const h = setup({ 'baton.dev/failure-action': 'pause' }, sample)
    // Before the window: the stable revision has history, the new one none.
    sample.current = { proxyStartedAtMs: 1, revisions: { v1: counters(10_000, 500) } }
    expect(h.reconcile()).toEqual({ requeueAfterMs: 1000 })
    sample.current = { proxyStartedAtMs: 1, revisions: { v1: counters(11_000, 500), v2: counters(1000, 50) } }
    h.reconcile()
    const d = h.deployment()
    expect(d.spec.paused).toBe(true)
    expect(automaticOutcome(d)).toMatchObject({ kind: 'paused' })
    // The stable revision's 500 old errors are outside the window: its ratio there is 0.
    expect(automaticOutcome(d)?.message).toContain(
      'its traffic failed: new revision 5.0% failed (50 of 1000), p99 1 ms, above the limit of 1.0%; stable 0.0% failed (0 of 1000)',
    )
  })
})

describe('failure-policy controller: a second failure', () => {
  it('writes its own condition message and time, not the first one kept', () => {
    const h = setup({ 'baton.dev/failure-action': 'rollback' })
    const d = h.deployment()
    h.store.updateStatus({
      ...d,
      status: {
        conditions: [
          {
            type: 'FailurePolicy',
            status: 'True',
            reason: 'RolledBack',
            message: 'an earlier rollback',
            lastTransitionTime: '2020-01-01T00:00:00Z',
          },
        ],
      },
    })
    h.store.create(withoutUid(aPod({ name: 'web-v2-a', owner: h.newRS, restarts: 1, ready: false })))
    h.reconcile()
    const c = h.deployment().status?.conditions?.find((x) => x.type === 'FailurePolicy')
    expect(c?.message).toMatch(/^revision 2 failed: /)
    expect(c?.lastTransitionTime).not.toBe('2020-01-01T00:00:00Z')
  })
})
