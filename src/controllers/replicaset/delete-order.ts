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
import { fromTimestamp } from '../../platform/clock.ts'

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost'

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

function phaseOrder(pod: Pod): number {
  // An empty phase is a just-created pod: as cheap as Pending.
  return PHASE_ORDER[pod.status?.phase ?? 'Pending'] ?? 0
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')
}

function isReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True'
}

function readySince(pod: Pod): number {
  const t = readyCondition(pod)?.lastTransitionTime
  return t ? fromTimestamp(t) : 0
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
  return t ? fromTimestamp(t) : 0
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod): number {
  const scheduled = Number(Boolean(a.spec.nodeName)) - Number(Boolean(b.spec.nodeName))
  if (scheduled !== 0) return scheduled
  const phase = phaseOrder(a) - phaseOrder(b)
  if (phase !== 0) return phase
  const ready = Number(isReady(a)) - Number(isReady(b))
  if (ready !== 0) return ready
  const cost = deletionCost(a) - deletionCost(b)
  if (cost !== 0) return cost
  if (isReady(a) && isReady(b)) {
    const since = readySince(b) - readySince(a)
    if (since !== 0) return since
  }
  const restart = restarts(b) - restarts(a)
  if (restart !== 0) return restart
  const age = created(b) - created(a)
  if (age !== 0) return age
  return a.metadata.name < b.metadata.name ? 1 : a.metadata.name > b.metadata.name ? -1 : 0
}

/** The `count` pods to delete, cheapest first. */
export function podsToDelete(pods: readonly Pod[], count: number): Pod[] {
  if (count <= 0) return []
  return [...pods].sort(compareForDeletion).slice(0, count)
}
