/**
 * @module
 * What the overview says about a Deployment in one line each: the images, the strategy with
 * its budget, and the condition that matters most (a failed rollout before anything else).
 */
import type { Deployment } from '../../api/types.ts'
import { getDeploymentCondition, REASON_PROGRESS_DEADLINE_EXCEEDED } from '../../rollout/conditions.ts'
import { maxSurge, maxUnavailable } from '../../rollout/fenceposts.ts'
import { isRollingUpdate } from '../../rollout/spec-defaults.ts'

export const images = (d: Deployment): string => d.spec.template.spec.containers.map((c) => c.image).join(', ')

/** "RollingUpdate (surge 1, unavailable 0)" or "Recreate". */
export function strategyText(d: Deployment): string {
  return isRollingUpdate(d) ? `RollingUpdate (surge ${maxSurge(d)}, unavailable ${maxUnavailable(d)})` : 'Recreate'
}

export interface ConditionSummary {
  text: string
  tone: 'ok' | 'busy' | 'bad' | 'idle'
}

export function conditionSummary(d: Deployment): ConditionSummary {
  const s = d.status ?? {}
  const progressing = getDeploymentCondition(s, 'Progressing')
  const available = getDeploymentCondition(s, 'Available')
  if (progressing?.reason === REASON_PROGRESS_DEADLINE_EXCEEDED)
    return { text: 'Progress deadline exceeded', tone: 'bad' }
  if (getDeploymentCondition(s, 'ReplicaFailure')?.status === 'True') return { text: 'Replica failure', tone: 'bad' }
  if (d.spec.paused) return { text: 'Paused', tone: 'idle' }
  const desired = d.spec.replicas ?? 1
  const rolling =
    (s.updatedReplicas ?? 0) < desired ||
    (s.replicas ?? 0) > (s.updatedReplicas ?? 0) ||
    (s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0)
  if (rolling) return { text: 'Rolling out', tone: 'busy' }
  if (available?.status === 'False') return { text: 'Unavailable', tone: 'bad' }
  return { text: 'Available', tone: 'ok' }
}
