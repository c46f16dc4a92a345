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
 * @example
 * // spec.replicas 3, pods: 2 running + 1 terminating → create 2
 * planReplicaSet(rs, pods) // { create: 2, delete: [] }
 */
import type { KObject, Pod, ReplicaSet } from '../../api/types.ts'
import { isPodReady, podReadyCondition } from '../../api/pod-readiness.ts'
import { isPodActive, isPodTerminating } from '../../rollout/availability.ts'
import { podsToDelete } from './delete-order.ts'
import { BURST_REPLICAS } from './slow-start.ts'

export interface ReplicaSetPlan {
  /** Pods to create; the executor names them `<rs>-<suffix>`. */
  create: number
  /** Pods to delete, cheapest first (delete-order.ts). */
  delete: Pod[]
}

export function planReplicaSet(rs: ReplicaSet, pods: readonly Pod[]): ReplicaSetPlan {
  if (rs.metadata.deletionTimestamp) return { create: 0, delete: [] }
  const active = pods.filter(isPodActive)
  const diff = active.length - (rs.spec.replicas ?? 1)
  return diff < 0
    ? { create: Math.min(-diff, BURST_REPLICAS), delete: [] }
    : { create: 0, delete: podsToDelete(active, Math.min(diff, BURST_REPLICAS)) }
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
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...template.spec, nodeName },
  }
}
