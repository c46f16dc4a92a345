/**
 * @module
 * The Recreate strategy (recreate.go): scale every old RS to 0, wait until no old pod is left
 * running (terminated, not merely marked for deletion), and only then create the new RS,
 * directly at full size. Old and new pods never overlap.
 */
import type { Pod, ReplicaSet } from '../../api/types.ts'
import { deploymentComplete } from '../../rollout/deployment-status.ts'
import { actualReplicaSum, isActive } from '../../rollout/replica-sets.ts'
import { desiredReplicas } from '../../rollout/spec-defaults.ts'
import { cleanupDeployment } from './cleanup.ts'
import { createNewReplicaSet, type ReplicaSetView } from './new-replica-set.ts'
import { syncRolloutStatus } from './progress.ts'
import { scaleReplicaSetTo, type SyncState } from './sync-state.ts'

/**
 * True while any old RS still reports pods, or any pod of a non-new RS is in a phase other than
 * Succeeded/Failed (Pending, Running, Unknown, or none yet — a terminating pod still counts).
 */
export function oldPodsRunning(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  podsByRS: ReadonlyMap<string, readonly Pod[]>,
): boolean {
  if (actualReplicaSum(oldRSs) > 0) return true
  for (const [rsName, pods] of podsByRS) {
    if (rsName === newRS?.metadata.name) continue
    if (pods.some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) return true
  }
  return false
}

/** One Recreate sync (rolloutRecreate). */
export function rolloutRecreate(
  s: SyncState,
  view: ReplicaSetView,
  namespaceRSs: readonly ReplicaSet[],
  podsByRS: ReadonlyMap<string, readonly Pod[]>,
): void {
  let newRS = view.newRS
  let allRSs = newRS ? [...view.oldRSs, newRS] : [...view.oldRSs]
  let scaledDown = false
  for (const rs of view.oldRSs.filter(isActive)) scaledDown = scaleReplicaSetTo(s, rs, 0).scaled || scaledDown
  if (scaledDown) return syncRolloutStatus(s, allRSs, newRS)
  if (oldPodsRunning(newRS, view.oldRSs, podsByRS)) return syncRolloutStatus(s, allRSs, newRS)
  if (!newRS) {
    const created = createNewReplicaSet(s, view, namespaceRSs)
    if (created === 'collision') return
    newRS = created
    allRSs = [...view.oldRSs, newRS]
  }
  scaleReplicaSetTo(s, newRS, desiredReplicas(s.d))
  if (deploymentComplete(s.d, s.d.status ?? {})) cleanupDeployment(s, view.oldRSs)
  syncRolloutStatus(s, allRSs, newRS)
}
