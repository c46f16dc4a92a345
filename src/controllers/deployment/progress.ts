/**
 * @module
 * The status step that ends every sync. Rollout paths (syncRolloutStatus) also maintain the
 * Progressing condition and, when nothing changed, schedule a requeue for the moment the
 * progress deadline would pass; that is how a stuck rollout is noticed without any event.
 * Scaling/paused paths (syncDeploymentStatus) only recount.
 */
import type { ReplicaSet } from '../../api/types.ts'
import { calculateStatus, progressRequeueAfter, rolloutStatus, statusEquals } from '../../rollout/deployment-status.ts'
import { setWorkingStatus, type SyncState } from './sync-state.ts'

/** Kubernetes adds a second so the requeue lands after the deadline, not on it. */
const REQUEUE_SLACK_MS = 1000

export function syncRolloutStatus(s: SyncState, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): void {
  const status = rolloutStatus(s.d, allRSs, newRS, s.now, s.countTerminating)
  if (statusEquals(s.d.status, status)) {
    const after = progressRequeueAfter(s.d, status, s.now)
    if (after !== undefined) s.requeueAfterMs = after === 0 ? 0 : after + REQUEUE_SLACK_MS
    return
  }
  setWorkingStatus(s, status)
}

export function syncDeploymentStatus(s: SyncState, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): void {
  setWorkingStatus(s, calculateStatus(allRSs, newRS, s.d, s.now, s.countTerminating))
}
