/**
 * @module
 * Which pods a ReplicaSet deletes first when it scales down: Kubernetes' ActivePods ordering
 * (controller_utils.go, used by getPodsToDelete). The first pod in the order is the cheapest
 * to lose:
 *
 * 1. unscheduled before scheduled (no spec.nodeName);
 * 2. Pending before Unknown before Running;
 * 3. not ready before ready;
 * 4. lower `controller.kubernetes.io/pod-deletion-cost` first;
 * 5. (co-location rank: every Baton pod shares one node, so it never decides);
 * 6. both ready: the more recently ready first;
 * 7. higher restart count first;
 * 8. newer creation first.
 *
 * Baton adds a last tie-break on the name (descending) so equal pods, common under a fake
 * clock with second-precision timestamps, still sort deterministically.
 */
import type { Pod } from '../../api/types.ts'
import { parseTimestamp } from '../../api/timestamps.ts'
import { isPodReady, podReadyCondition } from '../../api/pod-readiness.ts'

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost'

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

function phaseOrder(pod: Pod): number {
  // An empty phase is a just-created pod: as cheap as Pending.
  return PHASE_ORDER[pod.status?.phase ?? 'Pending'] ?? 0
}

function readySince(pod: Pod): number {
  const t = podReadyCondition(pod)?.lastTransitionTime
  return t ? parseTimestamp(t) : 0
}

function restarts(pod: Pod): number {
  let max = 0
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount)
  return max
}

function deletionCost(pod: Pod): number {
  const n = Number(pod.metadata.annotations?.[POD_DELETION_COST] ?? 0)
  return Number.isFinite(n) ? n : 0
}

function created(pod: Pod): number {
  const t = pod.metadata.creationTimestamp
  return t ? parseTimestamp(t) : 0
}

/** The ordering criteria of one pod, computed once per sort (timestamps parse slowly). */
interface Rank {
  pod: Pod
  scheduled: number
  phase: number
  ready: number
  cost: number
  readySince: number
  restarts: number
  created: number
}

function rankOf(pod: Pod): Rank {
  const ready = isPodReady(pod)
  return {
    pod,
    scheduled: Number(Boolean(pod.spec.nodeName)),
    phase: phaseOrder(pod),
    ready: Number(ready),
    cost: deletionCost(pod),
    readySince: ready ? readySince(pod) : 0,
    restarts: restarts(pod),
    created: created(pod),
  }
}

function compareRanks(a: Rank, b: Rank): number {
  return (
    a.scheduled - b.scheduled ||
    a.phase - b.phase ||
    a.ready - b.ready ||
    a.cost - b.cost ||
    // readySince is 0 unless both are ready, so this only orders ready pods
    b.readySince - a.readySince ||
    b.restarts - a.restarts ||
    b.created - a.created ||
    (a.pod.metadata.name < b.pod.metadata.name ? 1 : a.pod.metadata.name > b.pod.metadata.name ? -1 : 0)
  )
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod): number {
  return compareRanks(rankOf(a), rankOf(b))
}

/** The `count` pods to delete, cheapest first. */
export function podsToDelete(pods: readonly Pod[], count: number): Pod[] {
  if (count <= 0) return []
  return pods
    .map(rankOf)
    .sort(compareRanks)
    .slice(0, count)
    .map((r) => r.pod)
}
