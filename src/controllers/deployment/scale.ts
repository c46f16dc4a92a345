/**
 * @module
 * Proportional scaling (sync.go scale, deployment_util.go GetProportion): when spec.replicas
 * changes in the middle of a rollout, or while paused, every active RS grows or shrinks in
 * proportion to its size, so the rollout keeps its shape.
 *
 * Each RS's share is round(replicas × (D + surge) / A) − replicas, where A is the RS's
 * max-replicas annotation (the total it was sized against). Shares are taken largest RS first
 * and capped by what is left to add; the leftover goes to the first (largest) RS.
 * Example: 5 → 10 replicas, new RS 2, old RS 3 (both annotated max 5, surge 0): toAdd = 10 − 5;
 * old share round(3·10/5) − 3 = 3, new share min(round(2·10/5) − 2, 5 − 3) = 2 → old 6, new 4.
 */
import type { Deployment, ReplicaSet } from '../../api/types.ts'
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, replicasAnnotation } from '../../rollout/annotations.ts'
import { maxSurge } from '../../rollout/fenceposts.ts'
import {
  compareByCreation,
  compareBySizeNewer,
  compareBySizeOlder,
  isActive,
  specReplicaSum,
} from '../../rollout/replica-sets.ts'
import { desiredReplicas, isRollingUpdate, rsReplicas } from '../../rollout/spec-defaults.ts'
import type { ReplicaSetView } from './new-replica-set.ts'
import { scaleReplicaSet, scaleReplicaSetTo, type SyncState } from './sync-state.ts'

/** A replica-count change: some active RS was last sized for a different spec.replicas. */
export function isScalingEvent(d: Deployment, view: ReplicaSetView): boolean {
  const all = view.newRS ? [...view.oldRSs, view.newRS] : view.oldRSs
  return all.filter(isActive).some((rs) => {
    const desired = replicasAnnotation(rs.metadata.annotations, DESIRED_REPLICAS_ANNOTATION)
    return desired !== undefined && desired !== desiredReplicas(d)
  })
}

/** The only active RS; with none active, the new RS or else the newest old one; undefined if several are active. */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): ReplicaSet | undefined {
  const newestFirst = [...oldRSs].sort((a, b) => compareByCreation(b, a))
  const active = [...newestFirst, ...(newRS ? [newRS] : [])].filter(isActive)
  if (active.length === 1) return active[0]
  if (active.length === 0) return newRS ?? newestFirst[0]
  return undefined
}

/** The new RS is at full size, was sized for this D, and all its pods are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false
  const desired = replicasAnnotation(rs.metadata.annotations, DESIRED_REPLICAS_ANNOTATION)
  const D = desiredReplicas(d)
  return rsReplicas(rs) === D && desired === D && (rs.status?.availableReplicas ?? 0) === D
}

/** This RS's proportional change; falls back to status.replicas when max-replicas is unusable. */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -rsReplicas(rs)
  const deploymentMax = desiredReplicas(d) + maxSurge(d)
  let before = replicasAnnotation(rs.metadata.annotations, MAX_REPLICAS_ANNOTATION)
  if (before === undefined || before === 0) {
    before = d.status?.replicas ?? 0
    if (before === 0) return 0
  }
  // Only non-negative values are rounded, where Math.round and Go's half-away-from-zero agree.
  return Math.round((rsReplicas(rs) * deploymentMax) / before) - rsReplicas(rs)
}

/** The share of `toAdd` this RS takes, given `added` so far (GetProportion). */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0
  const fraction = replicaSetFraction(rs, d)
  const allowed = toAdd - added
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed)
}

/** The scaling-event / paused sync: resize RSs to the new spec.replicas. */
export function scaleDeployment(s: SyncState, view: ReplicaSetView): void {
  const d = s.d
  const D = desiredReplicas(d)
  const single = findActiveOrLatest(view.newRS, view.oldRSs)
  if (single) {
    if (rsReplicas(single) !== D) scaleReplicaSetTo(s, single, D)
    return
  }
  if (isSaturated(d, view.newRS)) {
    for (const rs of view.oldRSs.filter(isActive)) scaleReplicaSetTo(s, rs, 0)
    return
  }
  if (!isRollingUpdate(d)) return
  const active = [...view.oldRSs, ...(view.newRS ? [view.newRS] : [])].filter(isActive)
  const allowed = D > 0 ? D + maxSurge(d) : 0
  const toAdd = allowed - specReplicaSum(active)
  const operation = toAdd > 0 ? 'up' : toAdd < 0 ? 'down' : ''
  if (toAdd > 0) active.sort(compareBySizeNewer)
  if (toAdd < 0) active.sort(compareBySizeOlder)
  let added = 0
  const sizes = active.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs)
    const share = proportion(rs, d, toAdd, added)
    added += share
    return rsReplicas(rs) + share
  })
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, (sizes[0] ?? 0) + toAdd - added)
  for (const [i, rs] of active.entries()) scaleReplicaSet(s, rs, sizes[i] ?? rsReplicas(rs), operation)
}
