/**
 * @module
 * The Deployment planner: one pure sync of Kubernetes' Deployment controller
 * (deployment_controller.go syncDeployment). Input is the Deployment, the ReplicaSets of its
 * namespace and the pods of those ReplicaSets, exactly as the store holds them; output is the
 * ordered list of writes and events (actions.ts) for reconcile.ts to apply.
 *
 * Order of decisions:
 *  1. empty selector → Warning "SelectingAll", only observedGeneration is recorded;
 *  2. being deleted → status only;
 *  3. pause/resume bookkeeping of the Progressing condition;
 *  4. paused → proportional scaling + history clean-up + status (never a new RS);
 *  5. scaling event (an active RS was sized for another spec.replicas) → proportional scaling;
 *  6. a template whose config snapshot is not stamped yet (api/config-snapshot.ts) → status only;
 *  7. otherwise the strategy: RollingUpdate or Recreate.
 * The planner sees RS objects as stored: after it asks for a resize, the next sync sees the new
 * spec.replicas, and availability arrives through RS status written by the RS controller.
 */
import { DEFAULT_FEATURE_GATES, type FeatureGates } from '../../api/feature-gates.ts'
import { awaitsConfigStamp } from '../../api/config-snapshot.ts'
import { isEmptySelector } from '../../api/labels.ts'
import type { Deployment, Pod, ReplicaSet } from '../../api/types.ts'
import { checkPausedConditions } from '../../rollout/conditions.ts'
import { controllerOf, isControlledBy } from '../../api/owner-refs.ts'
import { isRollingUpdate } from '../../rollout/spec-defaults.ts'
import { isPodActive } from '../../rollout/availability.ts'
import { isPodReady } from '../../api/pod-readiness.ts'
import { isPodWarm } from '../../api/warm-window.ts'
import type { DeploymentAction } from './actions.ts'
import { cleanupDeployment } from './cleanup.ts'
import { syncRevision, type ReplicaSetView } from './new-replica-set.ts'
import { syncDeploymentStatus } from './progress.ts'
import { rolloutRecreate } from './recreate.ts'
import { rolloutRolling } from './rolling.ts'
import { isScalingEvent, scaleDeployment } from './scale.ts'
import { finishPlan, newSyncState, recordEvent, setWorkingStatus, type SyncState } from './sync-state.ts'

export interface DeploymentPlanInput {
  deployment: Deployment
  /** ReplicaSets of the Deployment's namespace; the planner keeps those it controls. */
  replicaSets: ReplicaSet[]
  /**
   * Pods of those ReplicaSets (matched to them by controller reference). Recreate needs them,
   * and a warm window (its warm pods); otherwise they may be left out.
   */
  pods: Pod[]
  /** Kubernetes feature gates (api/feature-gates.ts); their defaults when absent. */
  features?: FeatureGates
}

/** Pods grouped by the name of the owned RS that controls them. */
function podsByReplicaSet(owned: readonly ReplicaSet[], pods: readonly Pod[]): Map<string, Pod[]> {
  const map = new Map<string, Pod[]>()
  for (const rs of owned) map.set(rs.metadata.name, [])
  for (const pod of pods) {
    const ref = controllerOf(pod)
    if (ref?.kind !== 'ReplicaSet') continue
    const rs = owned.find((r) => isControlledBy(pod, r))
    if (rs) map.get(rs.metadata.name)?.push(pod)
  }
  return map
}

/** Warm pods (api/warm-window.ts) that are ready: those that can take traffic back at once. */
function countWarmReady(pods: readonly Pod[] | undefined): number {
  let n = 0
  for (const pod of pods ?? []) if (isPodWarm(pod) && isPodActive(pod) && isPodReady(pod)) n++
  return n
}

function allOf(view: ReplicaSetView): ReplicaSet[] {
  return view.newRS ? [...view.oldRSs, view.newRS] : [...view.oldRSs]
}

/** The scaling / paused path (sync.go sync): proportional scale, clean-up when paused, status. */
function syncScale(s: SyncState, view: ReplicaSetView): void {
  scaleDeployment(s, view)
  if (s.d.spec.paused) cleanupDeployment(s, view.oldRSs)
  syncDeploymentStatus(s, allOf(view), view.newRS)
}

/**
 * Plans one sync of `input.deployment` at time `now` (epoch ms).
 *
 * @example
 * const actions = planDeployment({ deployment, replicaSets, pods }, clock.now())
 * // [{ type: 'createReplicaSet', … }, { type: 'event', reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-5d4f8c7b9 to 3' }, …]
 */
export function planDeployment(input: DeploymentPlanInput, now: number): DeploymentAction[] {
  const features = input.features ?? DEFAULT_FEATURE_GATES
  const s = newSyncState(input.deployment, now, features.DeploymentReplicaSetTerminatingReplicas)
  const d = s.d
  if (isEmptySelector(d.spec.selector ?? {})) {
    recordEvent(
      s,
      'Warning',
      'SelectingAll',
      'This deployment is selecting all pods. A non-empty selector is required.',
    )
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
      setWorkingStatus(s, { ...d.status, observedGeneration: d.metadata.generation ?? 0 })
    }
    return finishPlan(s)
  }
  const owned = input.replicaSets.filter((rs) => isControlledBy(rs, d))
  const podsByRS = podsByReplicaSet(owned, input.pods)

  if (d.metadata.deletionTimestamp !== undefined) {
    const view = syncRevision(s, owned)
    syncDeploymentStatus(s, allOf(view), view.newRS)
    return finishPlan(s)
  }

  const paused = checkPausedConditions(d, now)
  if (paused) setWorkingStatus(s, paused)

  const view = syncRevision(s, owned)
  if (!view.newRS && awaitsConfigStamp(s.d.metadata.annotations, s.d.spec.template)) {
    // The config-revision controller is about to stamp the template: a ReplicaSet made now
    // would run without its config snapshot and be replaced at once. Its write wakes us.
    syncDeploymentStatus(s, allOf(view), view.newRS)
    return finishPlan(s)
  }
  if (s.d.spec.paused || isScalingEvent(s.d, view)) {
    syncScale(s, view)
  } else if (isRollingUpdate(s.d)) {
    rolloutRolling(s, view, input.replicaSets, (rs) => countWarmReady(podsByRS.get(rs.metadata.name)))
  } else {
    rolloutRecreate(s, view, input.replicaSets, podsByRS)
  }
  return finishPlan(s)
}
