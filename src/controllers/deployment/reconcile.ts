/**
 * @module
 * The Deployment controller's executor (P2): read the Deployment, the ReplicaSets it
 * controls and their pods from the cache, ask the pure planner what to do, and apply the
 * actions in order through the store with compare-and-swap writes. Every decision lives in
 * plan.ts; this file only turns actions into writes and events.
 *
 * A stale write (BATON_CONFLICT) stops the sync half-way: the error reaches the runner, which
 * requeues the key with back-off, and the next sync re-reads the world and plans again
 * (level-triggered, so applying a prefix of the actions is always safe).
 *
 * Like Kubernetes' ClaimReplicaSets, a ReplicaSet with no controller whose labels match the
 * Deployment's selector is adopted before planning. (Releasing owned ReplicaSets that no
 * longer match is not done: Baton's validation forbids selector changes.)
 */
import { isEmptySelector, matchesSelector } from '../../api/labels.ts'
import { controllerRef } from '../../api/owner-refs.ts'
import type { Deployment, ReplicaSet } from '../../api/types.ts'
import { scaleDownDelaySeconds } from '../../api/warm-window.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import {
  type Controller,
  type ReconcileContext,
  type ReconcileResult,
  TerminalError,
  enqueueController,
  enqueueGrandController,
  enqueueSelf,
  onlyTypes,
} from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import { recordEvent } from '../../events/record-event.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import type { DeploymentAction } from './actions.ts'
import { planDeployment } from './plan.ts'

export const DEPLOYMENT_CONTROLLER = 'deployment-controller'

export function createDeploymentController(deps: ControllerDeps): Controller {
  return {
    name: DEPLOYMENT_CONTROLLER,
    watches: [
      enqueueSelf('Deployment'),
      enqueueController('ReplicaSet', 'Deployment'),
      // Every other pod change reaches the Deployment as a ReplicaSet status change; only a
      // pod's final removal does not, and Recreate waits for exactly that (Kubernetes'
      // deployment controller watches pod deletions alone, for the same reason).
      enqueueGrandController('Pod', 'ReplicaSet', 'Deployment', onlyTypes('DELETED')),
    ],
    reconcile: (key, ctx) => reconcileDeployment(deps, key, ctx),
  }
}

export function reconcileDeployment(deps: ControllerDeps, key: string, ctx?: ReconcileContext): ReconcileResult {
  const { namespace, name } = parseKey(key)
  const deployment = deps.cache.get('Deployment', namespace, name)
  if (!deployment?.metadata.uid) return {}
  adoptOrphans(deps, deployment)
  const replicaSets = deps.cache.ownedBy('ReplicaSet', deployment.metadata.uid)
  // Only Recreate (old pods must be gone before the new RS starts) and a warm window (its warm
  // pods) look at pods; gathering them for any other RollingUpdate would cost O(pods) per sync for nothing.
  const pods =
    deployment.spec.strategy?.type === 'Recreate' || scaleDownDelaySeconds(deployment) > 0
      ? replicaSets.flatMap((rs) => (rs.metadata.uid ? deps.cache.ownedBy('Pod', rs.metadata.uid) : []))
      : []
  const actions = planDeployment(
    { deployment, replicaSets, pods, ...(deps.features ? { features: deps.features } : {}) },
    deps.clock.now(),
  )
  if (ctx?.debug) ctx.logger.debug('deployment planned', { actions: actions.length })
  return applyActions(deps, deployment, replicaSets, actions)
}

/**
 * Applies `actions` in order. Each write uses the resourceVersion of the latest version this
 * sync has seen of that object, so a concurrent change fails the write instead of being lost.
 */
export function applyActions(
  deps: ControllerDeps,
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  actions: readonly DeploymentAction[],
): ReconcileResult {
  const { store, clock } = deps
  const namespace = deployment.metadata.namespace ?? 'default'
  const sets = new Map(replicaSets.map((rs) => [rs.metadata.name, rs]))
  const setNamed = (name: string): ReplicaSet => {
    const rs = sets.get(name)
    // The planner only names sets it was given: a retry would plan the same thing again.
    if (!rs) throw new TerminalError(`planner named unknown replica set ${namespace}/${name}`)
    return rs
  }
  let d = deployment
  let requeueAfterMs: number | undefined

  for (const a of actions) {
    switch (a.type) {
      case 'createReplicaSet': {
        sets.set(a.replicaSet.metadata.name, createReplicaSet(deps, d, a.replicaSet))
        break
      }
      case 'scaleReplicaSet': {
        sets.set(
          a.name,
          store.update<'ReplicaSet'>(withAnnotations(setNamed(a.name), a.annotations, { replicas: a.replicas })),
        )
        break
      }
      case 'updateReplicaSet': {
        const spec = a.minReadySeconds !== undefined ? { minReadySeconds: a.minReadySeconds } : {}
        sets.set(a.name, store.update<'ReplicaSet'>(withAnnotations(setNamed(a.name), a.annotations, spec)))
        break
      }
      case 'deleteReplicaSet': {
        const rs = setNamed(a.name)
        const rv = rs.metadata.resourceVersion
        store.delete('ReplicaSet', namespace, a.name, rv !== undefined ? { resourceVersion: rv } : {})
        sets.delete(a.name)
        break
      }
      case 'updateDeploymentAnnotations': {
        const annotations = { ...d.metadata.annotations, ...a.annotations }
        d = store.update<'Deployment'>({ ...d, metadata: { ...d.metadata, annotations } })
        break
      }
      case 'updateDeploymentStatus': {
        d = store.updateStatus<'Deployment'>({ ...d, status: a.status })
        break
      }
      case 'event': {
        recordEvent(store, clock, d, a.eventType, a.reason, a.message, DEPLOYMENT_CONTROLLER)
        break
      }
      case 'requeue': {
        requeueAfterMs = Math.min(requeueAfterMs ?? Number.POSITIVE_INFINITY, Math.max(0, a.afterMs))
        break
      }
      default:
        assertNever(a)
    }
  }
  return requeueAfterMs === undefined ? {} : { requeueAfterMs }
}

/** `rs` with `annotations` merged in and `spec` fields replaced (a copy: cached objects stay untouched). */
function withAnnotations(
  rs: ReplicaSet,
  annotations: Record<string, string>,
  spec: Partial<ReplicaSet['spec']>,
): ReplicaSet {
  return {
    ...rs,
    metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, ...annotations } },
    spec: { ...rs.spec, ...spec },
  }
}

/**
 * Creates the new ReplicaSet. A name taken by a ReplicaSet this Deployment does not control
 * is a hash collision: as in Kubernetes, status.collisionCount is bumped (the next hash
 * differs) and the sync fails so it is retried.
 */
function createReplicaSet(deps: ControllerDeps, d: Deployment, rs: ReplicaSet): ReplicaSet {
  try {
    return deps.store.create<'ReplicaSet'>(rs)
  } catch (err) {
    if (!(isBatonError(err) && err.code === 'BATON_ALREADY_EXISTS')) throw err
    const status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 }
    deps.store.updateStatus<'Deployment'>({ ...d, status })
    throw err
  }
}

function adoptOrphans(deps: ControllerDeps, d: Deployment): void {
  if (isEmptySelector(d.spec.selector) || d.metadata.deletionTimestamp) return
  const namespace = d.metadata.namespace ?? 'default'
  for (const rs of deps.cache.uncontrolled('ReplicaSet', namespace)) {
    if (rs.metadata.deletionTimestamp) continue
    if (!matchesSelector(d.spec.selector, rs.metadata.labels)) continue
    const ownerReferences = [...(rs.metadata.ownerReferences ?? []), controllerRef('apps/v1', 'Deployment', d.metadata)]
    deps.store.update<'ReplicaSet'>({ ...rs, metadata: { ...rs.metadata, ownerReferences } })
  }
}

function assertNever(x: never): never {
  throw new TerminalError(`unhandled deployment action ${JSON.stringify(x)}`)
}
