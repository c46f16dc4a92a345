/**
 * @module
 * When a Job has failed too often: the Job controller's BackoffLimitExceeded, pure. Two counts,
 * as kube-controller-manager's job controller keeps them:
 *
 * - **failed pods** (phase Failed): the Job fails when `failed > backoffLimit`, so with
 *   restartPolicy Never a pod is retried `backoffLimit` times and the next failure ends it;
 * - **container restarts**, restartPolicy OnFailure only (`pastBackoffLimitOnFailure`): the
 *   restartCounts of every container of the pods still active (Pending or Running), summed; the
 *   Job fails when the sum reaches `backoffLimit` (`>= backoffLimit`, or `> 0` for backoffLimit 0).
 *   A succeeded or failed pod's restarts no longer count.
 *
 * The two rules are not symmetric (Kubernetes' own): with Never, backoffLimit 1 allows one retry;
 * with OnFailure it ends the Job at the first restart. Worked, backoffLimit 2, OnFailure, a
 * container that exits 1 every time (the kubelet restarts the first exit at once, the second
 * after 10 s):
 *
 *   exit #   restartCount after its restart   sum ≥ 2?
 *   1        1                                no: it runs again
 *   2        2 (10 s later)                   yes: BackoffLimitExceeded, the pod is stopped
 */
import type { Pod, RestartPolicy } from '../../api/types.ts'

export interface BackoffCount {
  /** Pods in phase Failed. */
  failed: number
  /** Container restarts of the active pods (OnFailure only; 0 otherwise). */
  restarts: number
  /** BackoffLimitExceeded: too many failed pods, or (OnFailure) too many restarts. */
  exceeded: boolean
}

const active = (p: Pod): boolean => p.status?.phase === 'Running' || p.status?.phase === 'Pending'

/** The summed restartCount of the active pods' containers (the kubelet's restarts in place). */
export function activeRestarts(pods: readonly Pod[]): number {
  let sum = 0
  for (const p of pods.filter(active)) for (const c of p.status?.containerStatuses ?? []) sum += c.restartCount ?? 0
  return sum
}

/** The Job controller's pastBackoffLimitOnFailure: OnFailure pods restarted too often in place. */
export function pastBackoffLimitOnFailure(
  policy: RestartPolicy | undefined,
  backoffLimit: number,
  pods: readonly Pod[],
): boolean {
  if (policy !== 'OnFailure') return false
  const restarts = activeRestarts(pods)
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit
}

/** Both counts of a Job's pods and whether either has passed `backoffLimit`. */
export function backoffCount(
  policy: RestartPolicy | undefined,
  backoffLimit: number,
  pods: readonly Pod[],
): BackoffCount {
  const failed = pods.filter((p) => p.status?.phase === 'Failed').length
  return {
    failed,
    restarts: policy === 'OnFailure' ? activeRestarts(pods) : 0,
    exceeded: failed > backoffLimit || pastBackoffLimitOnFailure(policy, backoffLimit, pods),
  }
}
