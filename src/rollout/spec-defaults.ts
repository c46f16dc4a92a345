/**
 * @module
 * The apps/v1 defaults, applied on read. Manifests may leave these fields out; the planner
 * must still see what Kubernetes' defaulting would have stored. The values are api/defaults.ts'
 * (pkg/apis/apps/v1/defaults.go), the one place they are written.
 */
import {
  DEFAULT_MAX_SURGE,
  DEFAULT_MAX_UNAVAILABLE,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REPLICAS,
  DEFAULT_REVISION_HISTORY_LIMIT,
} from '../api/defaults.ts'
import type { Deployment, IntOrString, ReplicaSet } from '../api/types.ts'
/** Kubernetes spells "no limit" / "no deadline" as the largest int32. */
export const MAX_INT32 = 2147483647

export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? DEFAULT_REPLICAS
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
}

/** maxSurge / maxUnavailable as defaulting leaves them (both "25%" when unset). */
export function rollingUpdateParams(d: Deployment): { maxSurge: IntOrString; maxUnavailable: IntOrString } {
  const ru = d.spec.strategy?.rollingUpdate
  return {
    maxSurge: ru?.maxSurge ?? DEFAULT_MAX_SURGE,
    maxUnavailable: ru?.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE,
  }
}

export function minReadySeconds(d: Deployment): number {
  return d.spec.minReadySeconds ?? 0
}

/** The deadline in seconds, or undefined when the Deployment has none (MaxInt32). */
export function progressDeadlineSeconds(d: Deployment): number | undefined {
  const pds = d.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS
  return pds === MAX_INT32 ? undefined : pds
}

export function hasProgressDeadline(d: Deployment): boolean {
  return progressDeadlineSeconds(d) !== undefined
}

/** How many old ReplicaSets to keep, or undefined for "keep all" (MaxInt32). */
export function revisionHistoryLimit(d: Deployment): number | undefined {
  const limit = d.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT
  return limit === MAX_INT32 ? undefined : limit
}

/** A ReplicaSet's spec.replicas (1 when unset, as for Deployments). */
export function rsReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? DEFAULT_REPLICAS
}
