/**
 * @module
 * The ReplicaSet controller's executor: read the ReplicaSet and its pods from the cache,
 * create or delete pods as planReplicaSet says, then write the status computed from the pods
 * as they are now, and come back when a ready pod crosses minReadySeconds (availability
 * changes with time alone, so no watch event would announce it).
 *
 * The cache is updated synchronously by every store write, so pods created here are visible
 * to the next line: no "expectations" bookkeeping as in Kubernetes' informer-lagged
 * controller.
 */
import { generateName, podsPrefix } from '../../api/names.ts'
import { DEFAULT_FEATURE_GATES } from '../../api/feature-gates.ts'
import type { Deployment, Pod, ReplicaSet, ReplicaSetStatus } from '../../api/types.ts'
import { controllerOf } from '../../api/owner-refs.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import { WARM_UNTIL_ANNOTATION } from '../../api/warm-window.ts'
import { warmDelayFor } from '../../rollout/warm-window.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import {
  type Controller,
  type ReconcileResult,
  enqueueController,
  enqueueSelf,
  specChanged,
} from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import { DEFAULT_NODE_NAME } from '../../api/node-name.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { countReplicaSetPods } from '../../rollout/availability.ts'
import { recordEvent } from '../../events/record-event.ts'
import { planReplicaSet, podChangeMatters, podFromTemplate } from './plan.ts'
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './slow-start.ts'

export const REPLICASET_CONTROLLER = 'replicaset-controller'

export function createReplicaSetController(deps: ControllerDeps): Controller {
  return {
    name: REPLICASET_CONTROLLER,
    // The ReplicaSet's status is computed from its pods, so its own status writes (and the
    // Deployment's annotation updates) need no sync; pods changes are filtered the same way.
    watches: [enqueueSelf('ReplicaSet', specChanged), enqueueController('Pod', 'ReplicaSet', podChangeMatters)],
    reconcile: (key) => reconcileReplicaSet(deps, key),
  }
}

export function reconcileReplicaSet(deps: ControllerDeps, key: string): ReconcileResult {
  const { cache, clock, store } = deps
  const { namespace, name } = parseKey(key)
  const rs = cache.get('ReplicaSet', namespace, name)
  if (!rs?.metadata.uid) return {}
  const uid = rs.metadata.uid

  let pods = cache.ownedBy('Pod', uid)
  const now = clock.now()
  const plan = planReplicaSet(rs, pods, { now, delaySeconds: warmDelayFor(rs, owningDeployment(deps, rs)) })
  // Back into service first: those pods are ready now, new ones are not.
  for (const pod of plan.unpark) setWarm(deps, rs, pod, undefined)
  const warmUntil = formatTimestamp(plan.parkUntil ?? now)
  for (const pod of plan.park) setWarm(deps, rs, pod, warmUntil)
  // Creates ramp up 1, 2, 4, … and stop at the first batch with a failure (slow-start.ts).
  const created = slowStartBatch(plan.create, SLOW_START_INITIAL_BATCH_SIZE, () => void createPod(deps, rs))
  for (const pod of plan.delete) deletePod(deps, rs, pod)
  if (plan.create + plan.delete.length + plan.park.length + plan.unpark.length > 0) pods = cache.ownedBy('Pod', uid)

  // As syncReplicaSet: the status is written from what exists, then a failed create is retried with back-off.
  const countTerminating = (deps.features ?? DEFAULT_FEATURE_GATES).DeploymentReplicaSetTerminatingReplicas
  const { status, recheckAfterMs } = countReplicaSetPods(rs, pods, now, countTerminating)
  if (!sameStatus(rs.status, status)) store.updateStatus<'ReplicaSet'>({ ...rs, status })
  if (created.error !== undefined) throw created.error
  const expiry = plan.nextExpiry === undefined ? undefined : Math.max(plan.nextExpiry - now + 1, 1)
  const after = [recheckAfterMs, expiry].filter((ms) => ms !== undefined)
  return after.length === 0 ? {} : { requeueAfterMs: Math.min(...after) }
}

/** The Deployment that controls `rs`, if one does (only a Deployment has a warm window). */
function owningDeployment(deps: ControllerDeps, rs: ReplicaSet): Deployment | undefined {
  const ref = controllerOf(rs)
  // A cache built for ReplicaSets and pods alone (a test's) holds no Deployment to ask.
  if (ref?.kind !== 'Deployment' || !deps.cache.kinds().has('Deployment')) return undefined
  const d = deps.cache.get('Deployment', rs.metadata.namespace ?? 'default', ref.name)
  return d?.metadata.uid === ref.uid ? d : undefined
}

/**
 * Marks a pod warm until `until` (out of every Service, still running), or back in service
 * (`until` undefined). A pod gone meanwhile needs nothing; a conflict requeues the sync.
 */
function setWarm(deps: ControllerDeps, rs: ReplicaSet, pod: Pod, until: string | undefined): void {
  const annotations = { ...pod.metadata.annotations }
  if (until === undefined) delete annotations[WARM_UNTIL_ANNOTATION]
  else annotations[WARM_UNTIL_ANNOTATION] = until
  try {
    deps.store.update<'Pod'>({ ...pod, metadata: { ...pod.metadata, annotations } })
  } catch (err) {
    if (isBatonError(err) && err.code === 'BATON_NOT_FOUND') return
    throw err
  }
  const message =
    until === undefined
      ? `Returned warm pod to service: ${pod.metadata.name}`
      : `Kept pod warm until ${until}: ${pod.metadata.name}`
  recordEvent(
    deps.store,
    deps.clock,
    rs,
    'Normal',
    until === undefined ? 'WarmPodReturned' : 'WarmPodKept',
    message,
    REPLICASET_CONTROLLER,
  )
}

/** Pod names are `<rs>-<5 chars>`, cut as generateName cuts them (api/names.ts); a clash is retried with a new suffix. */
function createPod(deps: ControllerDeps, rs: ReplicaSet): Pod {
  const nodeName = deps.nodeName ?? DEFAULT_NODE_NAME
  for (let attempt = 0; ; attempt++) {
    try {
      const pod = deps.store.create<'Pod'>(
        podFromTemplate(rs, generateName(podsPrefix(rs.metadata.name), deps.ids.suffix()), nodeName),
      )
      recordEvent(
        deps.store,
        deps.clock,
        rs,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata.name}`,
        REPLICASET_CONTROLLER,
      )
      return pod
    } catch (err) {
      if (!(isBatonError(err) && err.code === 'BATON_ALREADY_EXISTS') || attempt >= 4) throw err
    }
  }
}

function deletePod(deps: ControllerDeps, rs: ReplicaSet, pod: Pod): void {
  try {
    deps.store.delete('Pod', pod.metadata.namespace ?? 'default', pod.metadata.name)
  } catch (err) {
    if (isBatonError(err) && err.code === 'BATON_NOT_FOUND') return // already gone: the goal is met
    throw err
  }
  recordEvent(
    deps.store,
    deps.clock,
    rs,
    'Normal',
    'SuccessfulDelete',
    `Deleted pod: ${pod.metadata.name}`,
    REPLICASET_CONTROLLER,
  )
}

function sameStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  return (
    a !== undefined &&
    a.replicas === b.replicas &&
    a.fullyLabeledReplicas === b.fullyLabeledReplicas &&
    a.readyReplicas === b.readyReplicas &&
    a.availableReplicas === b.availableReplicas &&
    a.terminatingReplicas === b.terminatingReplicas &&
    a.observedGeneration === b.observedGeneration &&
    JSON.stringify(a.conditions) === JSON.stringify(b.conditions)
  )
}
