/**
 * @module
 * The state one planning pass carries: the Deployment as this sync sees it (its status and
 * annotations change as the sync goes, as they do in memory in Kubernetes' controller), the
 * status as stored (to decide whether a write is needed), and the actions planned so far.
 *
 * ReplicaSet writes go through `scaleReplicaSet` so every resize carries refreshed
 * desired/max annotations and the ScalingReplicaSet event in Kubernetes' words.
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../api/types.ts'
import { maxSurge } from '../../rollout/fenceposts.ts'
import { setReplicasAnnotations } from '../../rollout/annotations.ts'
import { statusEquals } from '../../rollout/deployment-status.ts'
import { desiredReplicas, rsReplicas } from '../../rollout/spec-defaults.ts'
import type { DeploymentAction } from './actions.ts'

export interface SyncState {
  /** The Deployment as this sync sees it; status and annotations are replaced as it goes, never written into. */
  d: Deployment
  readonly storedStatus: DeploymentStatus | undefined
  readonly now: number
  /** The DeploymentReplicaSetTerminatingReplicas gate (api/feature-gates.ts). */
  readonly countTerminating: boolean
  readonly actions: DeploymentAction[]
  /** Set by the rollout status step: sync again after this many ms (progress deadline). */
  requeueAfterMs?: number
}

/**
 * No copy of `d`: every step replaces `s.d` (and what it changes inside) with spread copies
 * and never writes into it, so the stored, frozen Deployment can be the starting point: a
 * clone would cost CPU on every sync and defeat the template comparisons' memo, which works on
 * the store's frozen objects (docs/benchmarks.md, "Control plane").
 */
export function newSyncState(d: Deployment, now: number, countTerminating = false): SyncState {
  return { d, storedStatus: d.status, now, countTerminating, actions: [] }
}

export function recordEvent(s: SyncState, eventType: 'Normal' | 'Warning', reason: string, message: string): void {
  s.actions.push({ type: 'event', eventType, reason, message })
}

export function setWorkingStatus(s: SyncState, status: DeploymentStatus): void {
  s.d = { ...s.d, status }
}

/**
 * Resizes `rs` to `newScale` (or only refreshes its desired/max annotations) — Kubernetes'
 * scaleReplicaSet. Emits "Scaled <operation> replica set <name> to <new> from <old>" when the
 * size changes. Returns whether it resized and the RS as written.
 */
export function scaleReplicaSet(
  s: SyncState,
  rs: ReplicaSet,
  newScale: number,
  operation: 'up' | 'down' | '',
): { scaled: boolean; rs: ReplicaSet } {
  const oldScale = rsReplicas(rs)
  const desired = desiredReplicas(s.d)
  const update = setReplicasAnnotations(rs.metadata.annotations, desired, desired + maxSurge(s.d))
  if (oldScale === newScale && !update.changed) return { scaled: false, rs }
  s.actions.push({
    type: 'scaleReplicaSet',
    name: rs.metadata.name,
    replicas: newScale,
    annotations: update.annotations,
  })
  const written: ReplicaSet = {
    ...rs,
    metadata: { ...rs.metadata, annotations: update.annotations },
    spec: { ...rs.spec, replicas: newScale },
  }
  if (oldScale === newScale) return { scaled: false, rs: written }
  const message = `Scaled ${operation} replica set ${rs.metadata.name} to ${newScale} from ${oldScale}`
  recordEvent(s, 'Normal', 'ScalingReplicaSet', message)
  return { scaled: true, rs: written }
}

/** scaleReplicaSetAndRecordEvent: nothing when the size already matches, else up or down. */
export function scaleReplicaSetTo(s: SyncState, rs: ReplicaSet, newScale: number): { scaled: boolean; rs: ReplicaSet } {
  const current = rsReplicas(rs)
  if (current === newScale) return { scaled: false, rs }
  return scaleReplicaSet(s, rs, newScale, current > newScale ? 'down' : 'up')
}

/** The plan's actions, with the status write (when the status changed) and requeue last. */
export function finishPlan(s: SyncState): DeploymentAction[] {
  const actions = [...s.actions]
  const status = s.d.status
  if (status !== undefined && !statusEquals(s.storedStatus, status))
    actions.push({ type: 'updateDeploymentStatus', status })
  if (s.requeueAfterMs !== undefined) actions.push({ type: 'requeue', afterMs: s.requeueAfterMs })
  return actions
}
