/**
 * @module
 * The ReplicaSet planner (pure): how many pods to create and which to delete so that the
 * number of active pods equals spec.replicas, and the pod a ReplicaSet creates.
 *
 * Active pods are those not terminating (no deletionTimestamp) and not finished
 * (Succeeded/Failed), as in Kubernetes' FilterActivePods: a pod being shut down is already
 * replaced, so a scale-down never waits for graceful termination.
 *
 * One sync creates or deletes at most BURST_REPLICAS (500) pods, as Kubernetes' manageReplicas
 * does; the next sync, woken by those pods' events, does the rest.
 *
 * Warm pods (api/warm-window.ts) are not the set's replicas: a scale-down with a warm window
 * parks ready pods (out of service, still running) instead of deleting them, a scale-up brings
 * parked pods back before it creates any, and a pod whose window has ended is deleted.
 *
 * @example
 * // spec.replicas 3, pods: 2 running + 1 terminating → create 2
 * planReplicaSet(rs, pods) // { create: 2, delete: [] }
 */
import { controllerRef } from '../../api/owner-refs.ts'
import type { KObject, Pod, ReplicaSet } from '../../api/types.ts'
import { isPodReady, podReadyCondition } from '../../api/pod-readiness.ts'
import { isPodActive, isPodTerminating } from '../../rollout/availability.ts'
import { isPodWarm, warmUntil } from '../../api/warm-window.ts'
import { podsToDelete } from './delete-order.ts'
import { BURST_REPLICAS } from './slow-start.ts'

export interface ReplicaSetPlan {
  /** Pods to create; the executor names them `<rs>-<suffix>`. */
  create: number
  /** Pods to delete, cheapest first (delete-order.ts). */
  delete: Pod[]
  /** Pods to keep running out of service until `parkUntil` (epoch ms; api/warm-window.ts). */
  park: Pod[]
  parkUntil?: number
  /** Warm pods to bring back into service instead of creating new ones. */
  unpark: Pod[]
  /** When the next warm pod's window ends (epoch ms), for a requeue; undefined when none waits. */
  nextExpiry?: number
}

/** How a ReplicaSet treats the pods it gives up (the owning Deployment's warm window). */
export interface WarmWindow {
  now: number
  /** Seconds a given-up pod stays warm; 0: it is deleted, as in Kubernetes. */
  delaySeconds: number
}

const NO_WINDOW: WarmWindow = { now: 0, delaySeconds: 0 }

/**
 * Warm pods first the ready ones, then those with the most time left: the pods that can take
 * traffic now and keep it longest.
 */
function unparkOrder(a: Pod, b: Pod): number {
  return Number(isPodReady(b)) - Number(isPodReady(a)) || warmUntil(b) - warmUntil(a)
}

export function planReplicaSet(rs: ReplicaSet, pods: readonly Pod[], window: WarmWindow = NO_WINDOW): ReplicaSetPlan {
  const none: ReplicaSetPlan = { create: 0, delete: [], park: [], unpark: [] }
  if (rs.metadata.deletionTimestamp) return none
  const active: Pod[] = []
  const warm: Pod[] = []
  const expired: Pod[] = []
  for (const pod of pods) {
    if (!isPodActive(pod)) continue
    if (!isPodWarm(pod)) active.push(pod)
    else if (warmUntil(pod) <= window.now) expired.push(pod)
    else warm.push(pod)
  }
  const diff = active.length - (rs.spec.replicas ?? 1)
  const plan: ReplicaSetPlan = { ...none, delete: expired }
  if (diff < 0) {
    plan.unpark = [...warm].sort(unparkOrder).slice(0, -diff)
    plan.create = Math.min(-diff - plan.unpark.length, BURST_REPLICAS)
  } else if (diff > 0) {
    const chosen = podsToDelete(active, Math.min(diff, BURST_REPLICAS))
    // A pod that is not ready could not take traffic back at once: it goes, as without a window.
    const keep = window.delaySeconds > 0 ? chosen.filter(isPodReady) : []
    plan.park = keep
    if (keep.length > 0) plan.parkUntil = window.now + window.delaySeconds * 1000
    plan.delete = [...expired, ...chosen.filter((p) => !keep.includes(p))]
  }
  const left = warm.filter((p) => !plan.unpark.includes(p)).map(warmUntil)
  if (plan.parkUntil !== undefined) left.push(plan.parkUntil)
  if (left.length > 0) plan.nextExpiry = Math.min(...left)
  return plan
}

/**
 * Whether a pod change can change what the ReplicaSet does or reports: the pod appeared or
 * went, or its activity (terminating, finished), whether it is still shutting down
 * (terminatingReplicas), readiness, Ready transition time, labels or
 * controller changed. A container going from Pending to Running without becoming ready, or a
 * terminating pod's last status writes, change nothing: skipping them halves the syncs.
 */
export function podChangeMatters(ev: { type: string; object: KObject; old?: KObject }): boolean {
  if (ev.type !== 'MODIFIED' || !ev.old) return true
  const [a, b] = [ev.old as Pod, ev.object as Pod]
  if (!isPodActive(a) && !isPodActive(b)) return isPodTerminating(a) !== isPodTerminating(b)
  // The Ready transition time only matters while ready (minReadySeconds counts from it).
  const readySince = (p: Pod) => (isPodReady(p) ? podReadyCondition(p)?.lastTransitionTime : undefined)
  return (
    isPodActive(a) !== isPodActive(b) ||
    isPodReady(a) !== isPodReady(b) ||
    isPodWarm(a) !== isPodWarm(b) ||
    readySince(a) !== readySince(b) ||
    JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels) ||
    JSON.stringify(a.metadata.ownerReferences) !== JSON.stringify(b.metadata.ownerReferences)
  )
}

/**
 * The pod a ReplicaSet creates: the template's labels, annotations and spec, a controller
 * ownerReference (so deleting the ReplicaSet collects it) and the node it is bound to (Baton
 * has no scheduler: every pod lands on the local node agent).
 *
 * The pod shares the template's nodes instead of copying them: for a stored (frozen)
 * ReplicaSet the store keeps them shared, so its 100 pods hold one containers list between
 * them, not 100 (store/frozen-copy.ts). Treat the result as read-only until it is stored.
 */
export function podFromTemplate(rs: ReplicaSet, name: string, nodeName: string): Pod {
  const template = rs.spec.template
  const labels = template.metadata?.labels
  const annotations = template.metadata?.annotations
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: rs.metadata.namespace ?? 'default',
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ownerReferences: [controllerRef('apps/v1', 'ReplicaSet', rs.metadata)],
    },
    spec: { ...template.spec, nodeName },
  }
}
