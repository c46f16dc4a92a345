/**
 * @module
 * revisionHistoryLimit clean-up (sync.go cleanupDeployment): keep the newest `limit` old
 * ReplicaSets. Candidates are old RSs not already being deleted, lowest revision first; of the
 * first (count − limit) only fully drained, fully observed ones are deleted, and skipped ones
 * are not replaced by later ones. Example: limit 1, revisions 1 (still 1 replica), 2, 3 (both
 * drained) → excess 2 → rev 1 is skipped, rev 2 deleted, rev 3 kept.
 */
import type { Deployment, ReplicaSet } from '../../api/types.ts'
import { compareByRevision } from '../../rollout/replica-sets.ts'
import { revisionHistoryLimit, rsReplicas } from '../../rollout/spec-defaults.ts'
import type { SyncState } from './sync-state.ts'

/** Names of the old RSs to delete now. */
export function replicaSetsToDelete(d: Deployment, oldRSs: readonly ReplicaSet[]): string[] {
  const limit = revisionHistoryLimit(d)
  if (limit === undefined) return []
  const candidates = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined).sort(compareByRevision)
  const excess = candidates.length - limit
  if (excess <= 0) return []
  return candidates
    .slice(0, excess)
    .filter(
      (rs) =>
        (rs.status?.replicas ?? 0) === 0 &&
        rsReplicas(rs) === 0 &&
        (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0),
    )
    .map((rs) => rs.metadata.name)
}

export function cleanupDeployment(s: SyncState, oldRSs: readonly ReplicaSet[]): void {
  for (const name of replicaSetsToDelete(s.d, oldRSs)) s.actions.push({ type: 'deleteReplicaSet', name })
}
