/**
 * @module
 * How far a Deployment's new ReplicaSet may grow in one step (deployment_util.go NewRSNewReplicas).
 */
import type { Deployment, ReplicaSet } from '../api/types.ts'
import { scaledValue } from './intstr.ts'
import { specReplicaSum } from './replica-sets.ts'
import { desiredReplicas, isRollingUpdate, rollingUpdateParams, rsReplicas } from './spec-defaults.ts'

/**
 * The size the new RS may grow to now (NewRSNewReplicas). Only spec counts matter: surge is
 * resolved directly (rounded up, no both-zero rule) and `allRSs` includes every RS.
 * Example: D 10, surge 2, old 5, new 0 → 0 + min(12 − 5, 10 − 0) = 7. Recreate: simply D.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const desired = desiredReplicas(d)
  if (!isRollingUpdate(d)) return desired
  const surge = scaledValue(rollingUpdateParams(d).maxSurge, desired, true)
  const current = specReplicaSum(allRSs)
  const maxTotal = desired + surge
  const newReplicas = rsReplicas(newRS)
  if (current >= maxTotal) return newReplicas
  return newReplicas + Math.min(maxTotal - current, desired - newReplicas)
}
