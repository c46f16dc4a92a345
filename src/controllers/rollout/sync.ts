/**
 * @module
 * One sync's working state and the writes both strategies share (resizes, events, requeues).
 */
import type {
  ReplicaSet,
  Rollout,
  RolloutAnalysisRunStatus,
  RolloutHeaderRoute,
  RolloutStatus,
} from '../../api/types.ts'
import type { RolloutAction } from './actions.ts'
import { formatTimestamp, parseTimestamp } from '../../api/timestamps.ts'
import { ROLLOUT_HASH_LABEL } from '../../rollout/argo-history.ts'

export { ROLLOUT_HASH_LABEL }
/** Baton's route table reads each pod's revision from this label (route-sync.ts). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash'
export const ROLLOUT_REVISION_ANNOTATION = 'rollout.argoproj.io/revision'
export const hashOf = (rs: ReplicaSet): string => rs.metadata.labels?.[ROLLOUT_HASH_LABEL] ?? ''
export const revisionOf = (rs: ReplicaSet): number =>
  Number(rs.metadata.annotations?.[ROLLOUT_REVISION_ANNOTATION] ?? 0) || 0
export const available = (rs: ReplicaSet | undefined): number => rs?.status?.availableReplicas ?? 0

export interface Sync {
  r: Rollout
  now: number
  actions: RolloutAction[]
  st: RolloutStatus
  requeueMs?: number
  /** The current analysis step's run and the background run, written into status.canary at the end. */
  stepRun?: RolloutAnalysisRunStatus
  backgroundRun?: RolloutAnalysisRunStatus
  /** The header routes in force (setHeaderRoute steps), written into status.canary at the end. */
  headerRoutes?: RolloutHeaderRoute[]
}

export function requeue(s: Sync, ms: number): void {
  s.requeueMs = Math.min(s.requeueMs ?? Number.POSITIVE_INFINITY, Math.max(0, ms))
}

/**
 * When the pause in force began. A pause condition without a readable startTime (written by
 * hand, or by a client that dropped it) is stamped now, so a timed pause runs its full length
 * from here instead of ending at once (a missing time reads as the epoch).
 */
export function pauseStartedAt(s: Sync): number {
  const first = s.st.pauseConditions?.[0]
  if (first === undefined) return s.now
  const started = parseTimestamp(first.startTime)
  if (started > 0) return started
  first.startTime = formatTimestamp(s.now)
  return s.now
}

export function scale(s: Sync, rs: ReplicaSet | undefined, replicas: number): void {
  if (!rs || (rs.spec.replicas ?? 0) === replicas) return
  const verb = (rs.spec.replicas ?? 0) < replicas ? 'up' : 'down'
  s.actions.push({ type: 'scaleReplicaSet', name: rs.metadata.name, replicas })
  s.actions.push({
    type: 'event',
    eventType: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled ${verb} ReplicaSet ${rs.metadata.name} (revision ${revisionOf(rs)}) from ${rs.spec.replicas ?? 0} to ${replicas}`,
  })
}

export function event(s: Sync, reason: string, message: string, eventType: 'Normal' | 'Warning' = 'Normal'): void {
  s.actions.push({ type: 'event', eventType, reason, message })
}

export function weights(stable: string, canary: string, canaryWeight: number): RolloutStatus['canary'] {
  return {
    weights: {
      canary: { podTemplateHash: canary, weight: canaryWeight },
      stable: { podTemplateHash: stable, weight: 100 - canaryWeight },
    },
  }
}
