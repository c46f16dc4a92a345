/**
 * @module
 * Deployment conditions: reasons, messages and the bookkeeping rules of
 * deployment_util.go (SetDeploymentCondition) and sync.go (checkPausedConditions).
 */
import type { Deployment, DeploymentCondition, DeploymentStatus } from '../api/types.ts'
import { hasProgressDeadline } from './spec-defaults.ts'
import { formatTimestamp } from '../api/timestamps.ts'

export type DeploymentConditionType = DeploymentCondition['type']

/** Progressing=True reasons. */
export const REASON_NEW_REPLICA_SET_CREATED = 'NewReplicaSetCreated'
export const REASON_FOUND_NEW_REPLICA_SET = 'FoundNewReplicaSet'
export const REASON_REPLICA_SET_UPDATED = 'ReplicaSetUpdated'
export const REASON_NEW_REPLICA_SET_AVAILABLE = 'NewReplicaSetAvailable'
/** Progressing=False reasons. */
export const REASON_PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded'
export const REASON_REPLICA_SET_CREATE_ERROR = 'ReplicaSetCreateError'
/** Progressing=Unknown reasons. */
export const REASON_DEPLOYMENT_PAUSED = 'DeploymentPaused'
export const REASON_DEPLOYMENT_RESUMED = 'DeploymentResumed'
/** Available reasons. */
export const REASON_MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable'
export const REASON_MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable'

export function newDeploymentCondition(
  type: DeploymentConditionType,
  status: DeploymentCondition['status'],
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const ts = formatTimestamp(now)
  return { type, status, lastUpdateTime: ts, lastTransitionTime: ts, reason, message }
}

export function getDeploymentCondition(
  status: DeploymentStatus | undefined,
  type: DeploymentConditionType,
): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type)
}

/**
 * Sets a condition. Same type with the same status and reason: no change at all (timestamps
 * kept). Otherwise the old one is removed and the new one appended; if only the reason changed,
 * the old lastTransitionTime is kept.
 */
export function setDeploymentCondition(status: DeploymentStatus, condition: DeploymentCondition): DeploymentStatus {
  const current = getDeploymentCondition(status, condition.type)
  if (current && current.status === condition.status && current.reason === condition.reason) return status
  const next = { ...condition }
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime
  return { ...status, conditions: [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next] }
}

export function removeDeploymentCondition(status: DeploymentStatus, type: DeploymentConditionType): DeploymentStatus {
  if (!getDeploymentCondition(status, type)) return status
  const { conditions, ...rest } = status
  const kept = (conditions ?? []).filter((c) => c.type !== type)
  return kept.length > 0 ? { ...rest, conditions: kept } : rest
}

/**
 * Pause/resume bookkeeping (only with a progress deadline, and never over a
 * ProgressDeadlineExceeded condition): pausing sets Progressing=Unknown/DeploymentPaused,
 * resuming sets Progressing=Unknown/DeploymentResumed, which restarts the deadline clock so
 * time spent paused never counts. Returns the new status, or undefined when nothing changes.
 */
export function checkPausedConditions(d: Deployment, now: number): DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined
  const status = d.status ?? {}
  const cond = getDeploymentCondition(status, 'Progressing')
  if (cond?.reason === REASON_PROGRESS_DEADLINE_EXCEEDED) return undefined
  const pausedCondExists = cond?.reason === REASON_DEPLOYMENT_PAUSED
  if (d.spec.paused && !pausedCondExists) {
    const c = newDeploymentCondition('Progressing', 'Unknown', REASON_DEPLOYMENT_PAUSED, 'Deployment is paused', now)
    return setDeploymentCondition(status, c)
  }
  if (!d.spec.paused && pausedCondExists) {
    const c = newDeploymentCondition('Progressing', 'Unknown', REASON_DEPLOYMENT_RESUMED, 'Deployment is resumed', now)
    return setDeploymentCondition(status, c)
  }
  return undefined
}
