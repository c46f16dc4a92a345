/**
 * @module
 * A canary Rollout's steps as the Rollout page lists them: each step in words and where the
 * rollout is with it. The controller (controllers/rollout/plan.ts) keeps
 * status.currentStepIndex at the step it waits in; every step before it has run.
 *
 * Example: steps [setWeight 10, pause {}, setWeight 50] at index 1, paused →
 *   done "Set weight 10%", current "Pause until promoted" (waiting for promote), pending "Set weight 50%".
 */
import { pauseSeconds } from '../../api/rollout-duration.ts'
import { parseTimestamp } from '../../api/timestamps.ts'
import type { Rollout, RolloutCanaryStep } from '../../api/types.ts'

/** done: has run; current: the rollout waits in it; aborted: it was current when the rollout was aborted. */
export type StepState = 'done' | 'current' | 'pending' | 'aborted'

export interface StepView {
  text: string
  state: StepState
  /** For the current step: what it waits for. */
  detail?: string
}

/** A step in words, as the plugin's `get rollout` tree names them. */
export function stepText(step: RolloutCanaryStep): string {
  if (step.setWeight !== undefined) return `Set weight ${step.setWeight}%`
  if (step.analysis) return `Analysis: ${step.analysis.templates.map((t) => t.templateName).join(', ')}`
  if (step.setHeaderRoute) {
    const r = step.setHeaderRoute
    return r.match && r.match.length > 0
      ? `Header route ${r.name}: ${r.match.map((m) => m.headerName).join(', ')}`
      : `Remove header route ${r.name}`
  }
  const d = step.pause?.duration
  return d === undefined ? 'Pause until promoted' : `Pause ${typeof d === 'number' ? `${d}s` : d}`
}

/** What the current step waits for, from the status the controller wrote. */
function waitingFor(r: Rollout, step: RolloutCanaryStep, now: number): string | undefined {
  const st = r.status ?? {}
  if (r.spec.paused) return 'held: spec.paused is true (Promote resumes)'
  if (step.setWeight !== undefined) return 'waiting for the canary’s pods to be available'
  if (step.analysis) {
    const run = st.canary?.currentStepAnalysisRunStatus
    return run ? `analysis run ${run.name}: ${run.status}` : 'starting its analysis run'
  }
  if (step.pause) {
    const pause = st.pauseConditions?.[0]
    if (step.pause.duration === undefined) return 'waiting for Promote'
    const seconds = pauseSeconds(step.pause.duration)
    const started = parseTimestamp(pause?.startTime)
    if (seconds === undefined || started === 0) return undefined
    const left = Math.max(0, Math.ceil((started + seconds * 1000 - now) / 1000))
    return `resumes by itself in ${left}s (or Promote)`
  }
  return undefined
}

/**
 * Whether a canary is under way: a new template not yet the stable revision. Outside one (the
 * first version, or fully promoted) every step has run.
 */
export function canaryRunning(r: Rollout): boolean {
  const st = r.status
  return st?.stableRS !== undefined && st.currentPodHash !== undefined && st.currentPodHash !== st.stableRS
}

export function stepViews(r: Rollout, now: number): StepView[] {
  const steps = r.spec.strategy.canary?.steps ?? []
  const running = canaryRunning(r)
  const index = running ? (r.status?.currentStepIndex ?? 0) : steps.length
  const aborted = running && r.status?.abort === true
  return steps.map((step, i) => {
    const text = stepText(step)
    if (i < index) return { text, state: 'done' }
    if (i > index) return { text, state: 'pending' }
    if (aborted) return { text, state: 'aborted', detail: r.status?.message ?? 'aborted' }
    const detail = waitingFor(r, step, now)
    return detail === undefined ? { text, state: 'current' } : { text, state: 'current', detail }
  })
}
