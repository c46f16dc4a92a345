/**
 * @module
 * The RollingUpdate strategy (rolling.go). One sync moves in one direction only: first try to
 * scale the new RS up (or clamp it down); only if that changed nothing, scale old RSs down;
 * only if nothing changed at all and the stored status is complete, clean up history.
 *
 * Worked trace (D = 10, maxSurge 25% → 3, maxUnavailable 25% → 2, so minAvailable 8; old RS at
 * 10, all available; the template changes):
 *   sync 1: new RS created at 3 (10 + 3 − 10); in the same sync the old step runs:
 *           13 − 8 − (3 − 0) = 2 → old 10 → 8.
 *   sync 2: new 3 → 5 (maxTotal 13 − current 11).
 *   sync 3: 13 − 8 − (5 − 0) = 0 → nothing until new pods become available.
 *   once 3 new pods are available: 13 − 8 − (5 − 3) = 3 → old 8 → 5; then new 5 → 8; …
 */
import type { ReplicaSet } from '../../api/types.ts'
import { deploymentComplete } from '../../rollout/deployment-status.ts'
import { maxUnavailable } from '../../rollout/fenceposts.ts'
import { newRSNewReplicas } from '../../rollout/new-replicas.ts'
import { compareByCreation, isActive, specReplicaSum, availableReplicaSum } from '../../rollout/replica-sets.ts'
import { desiredReplicas, rsReplicas } from '../../rollout/spec-defaults.ts'
import { warmReturnSize } from '../../rollout/warm-window.ts'
import { cleanupDeployment } from './cleanup.ts'
import { createNewReplicaSet, type ReplicaSetView } from './new-replica-set.ts'
import { syncRolloutStatus } from './progress.ts'
import { scaleReplicaSetTo, type SyncState } from './sync-state.ts'

/** Scales the new RS toward D: straight down if above it, else up as far as surge allows. */
export function reconcileNewReplicaSet(s: SyncState, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): boolean {
  const desired = desiredReplicas(s.d)
  const current = rsReplicas(newRS)
  if (current === desired) return false
  if (current > desired) return scaleReplicaSetTo(s, newRS, desired).scaled
  return scaleReplicaSetTo(s, newRS, newRSNewReplicas(s.d, allRSs, newRS)).scaled
}

/**
 * Removes old pods that are already unavailable, oldest RS first, up to `maxCleanup`.
 * Returns the old RSs as updated and how many replicas were removed, or 'invalid' when an RS
 * reports more available pods than its spec (Kubernetes' "invalid request to scale down"
 * error: the old-RS step then stops, keeping what it already did).
 */
export function cleanupUnhealthyReplicas(
  s: SyncState,
  oldRSs: readonly ReplicaSet[],
  maxCleanup: number,
): { oldRSs: ReplicaSet[]; cleaned: number | 'invalid' } {
  const sorted = [...oldRSs].sort(compareByCreation)
  let total = 0
  for (let i = 0; i < sorted.length; i++) {
    const rs = sorted[i] as ReplicaSet
    if (total >= maxCleanup) break
    const replicas = rsReplicas(rs)
    const available = rs.status?.availableReplicas ?? 0
    if (replicas === 0 || replicas === available) continue
    const count = Math.min(maxCleanup - total, replicas - available)
    if (count < 0) return { oldRSs: sorted, cleaned: 'invalid' }
    sorted[i] = scaleReplicaSetTo(s, rs, replicas - count).rs
    total += count
  }
  return { oldRSs: sorted, cleaned: total }
}

/**
 * Scales old RSs down, oldest first, by as many pods as are available beyond minAvailable.
 * Availability comes from RS status (`allRSs` = old RSs + new RS), not from spec counts.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(
  s: SyncState,
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
): number {
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d)
  const available = availableReplicaSum(allRSs)
  if (available <= minAvailable) return 0
  const budget = available - minAvailable
  let total = 0
  for (const rs of [...oldRSs].sort(compareByCreation)) {
    if (total >= budget) break
    const replicas = rsReplicas(rs)
    if (replicas === 0) continue
    const count = Math.min(replicas, budget - total)
    scaleReplicaSetTo(s, rs, replicas - count)
    total += count
  }
  return total
}

/**
 * Scales old RSs down. The budget subtracts the new RS's unavailable pods, so available old
 * pods are never traded for new pods that are not available yet. Source example: D 10,
 * maxUnavailable 2, maxSurge 3, new pods crash-looping → 13 − 8 − 5 = 0: nothing more goes.
 */
export function reconcileOldReplicaSets(
  s: SyncState,
  allRSs: readonly ReplicaSet[],
  activeOldRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
): boolean {
  if (specReplicaSum(activeOldRSs) === 0) return false
  const allPods = specReplicaSum(allRSs)
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d)
  const newUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0)
  const maxScaledDown = allPods - minAvailable - newUnavailable
  if (maxScaledDown <= 0) return false
  const cleanup = cleanupUnhealthyReplicas(s, activeOldRSs, maxScaledDown)
  if (cleanup.cleaned === 'invalid') return false
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(s, [...cleanup.oldRSs, newRS], cleanup.oldRSs)
  return cleanup.cleaned + scaledDown > 0
}

/**
 * One RollingUpdate sync (rolloutRolling). `warmReady(rs)` counts the RS's warm, ready pods
 * (a Deployment's warm window, rollout/warm-window.ts): a new RS that has some, as after a
 * `rollout undo` inside the window, first takes all of them back into service in one step.
 */
export function rolloutRolling(
  s: SyncState,
  view: ReplicaSetView,
  namespaceRSs: readonly ReplicaSet[],
  warmReady: (rs: ReplicaSet) => number = () => 0,
): void {
  let newRS = view.newRS
  if (!newRS) {
    const created = createNewReplicaSet(s, view, namespaceRSs)
    if (created === 'collision') return
    newRS = created
  }
  const allRSs = [...view.oldRSs, newRS]
  const back = warmReturnSize(desiredReplicas(s.d), rsReplicas(newRS), warmReady(newRS))
  if (back > newRSNewReplicas(s.d, allRSs, newRS) && scaleReplicaSetTo(s, newRS, back).scaled)
    return syncRolloutStatus(s, allRSs, newRS)
  if (reconcileNewReplicaSet(s, allRSs, newRS)) return syncRolloutStatus(s, allRSs, newRS)
  if (reconcileOldReplicaSets(s, allRSs, view.oldRSs.filter(isActive), newRS))
    return syncRolloutStatus(s, allRSs, newRS)
  if (deploymentComplete(s.d, s.d.status ?? {})) cleanupDeployment(s, view.oldRSs)
  syncRolloutStatus(s, allRSs, newRS)
}
