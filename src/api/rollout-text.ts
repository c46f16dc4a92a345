/**
 * @module
 * Argo Rollouts' words for a Rollout, as the kubectl-argo-rollouts plugin prints them: the
 * table's columns (`baton get rollout`) and the one-line status (`baton rollout status`).
 */
import type { Rollout } from './types.ts'

/** "3/5" of the steps done, or "-" with no steps. */
export function stepText(r: Rollout): string {
  const steps = r.spec.strategy.canary?.steps ?? []
  if (steps.length === 0) return '-'
  return `${Math.min(r.status?.currentStepIndex ?? 0, steps.length)}/${steps.length}`
}

/** The weight the steps ask for now (Argo's "SetWeight"). */
export function setWeightText(r: Rollout): string {
  if (r.spec.strategy.blueGreen) return '-'
  const steps = r.spec.strategy.canary?.steps ?? []
  const index = r.status?.currentStepIndex ?? steps.length
  if (r.status?.abort) return '0'
  if (r.status?.stableRS !== undefined && r.status.stableRS === r.status.currentPodHash) return '100'
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const w = steps[i]?.setWeight
    if (w !== undefined) return String(w)
  }
  return index >= steps.length ? '100' : '0'
}

/**
 * The canary's share the load balancer applies now (Argo's "ActualWeight"). As the plugin's
 * rollout_info.go: with no current step (no steps, or every step done: fully promoted) it is
 * 100, the new revision taking every request; otherwise the weight in status.canary.weights
 * ("-" before the controller wrote one). An aborted rollout keeps its weight (0) even past the
 * steps, where Argo would still print 100.
 */
export function actualWeightText(r: Rollout): string {
  const canary = r.spec.strategy.canary
  if (!canary) return '-'
  const steps = canary.steps ?? []
  if (!r.status?.abort && (r.status?.currentStepIndex ?? 0) >= steps.length) return '100'
  const w = r.status?.canary?.weights
  if (!w) return '-'
  return w.canary.podTemplateHash === w.stable.podTemplateHash ? '0' : String(w.canary.weight)
}

export const ROLLOUT_HEADERS = [
  'DESIRED',
  'CURRENT',
  'UP-TO-DATE',
  'AVAILABLE',
  'STATUS',
  'STEP',
  'SETWEIGHT',
  'ACTUALWEIGHT',
]

export function rolloutCells(r: Rollout): string[] {
  const s = r.status
  return [
    String(r.spec.replicas ?? 1),
    String(s?.replicas ?? 0),
    String(s?.updatedReplicas ?? 0),
    String(s?.availableReplicas ?? 0),
    s?.phase ?? 'Progressing',
    stepText(r),
    setWeightText(r),
    actualWeightText(r),
  ]
}

/** The status command's line: "Healthy", "Paused - CanaryPauseStep", "Degraded - RolloutAborted: …". */
export function rolloutStatusLine(r: Rollout): string {
  const phase = r.status?.phase ?? 'Progressing'
  const message = r.status?.message
  return message ? `${phase} - ${message}` : phase
}

/**
 * Whether `r`'s status speaks of its current spec: the controller has seen this generation
 * (a status from before a `set image` would still say Healthy).
 */
export function statusIsCurrent(r: Rollout): boolean {
  return r.status?.observedGeneration === String(r.metadata.generation ?? 0)
}
