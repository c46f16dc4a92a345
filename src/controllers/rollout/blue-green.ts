/**
 * @module
 * Argo Rollouts' blueGreen strategy (rollout/bluegreen.go) for one sync: the new revision runs
 * beside the active one behind `previewService` (at `previewReplicaCount` pods), is promoted
 * at once, after `autoPromotionSeconds`, or by `baton rollout promote` when
 * `autoPromotionEnabled: false`; promotion scales it to full size, then points `activeService`
 * at it in one write. The previous revision stays up for `scaleDownDelaySeconds` (default 30),
 * so going back inside that window is a switch of the active Service, not a new rollout.
 */
import { formatTimestamp, parseTimestamp } from '../../api/timestamps.ts'
import { SCALE_DOWN_DEADLINE_ANNOTATION } from '../../rollout/argo-history.ts'
import type { ReplicaSet } from '../../api/types.ts'
import { available, event, requeue, revisionOf, scale, type Sync, weights, pauseStartedAt } from './sync.ts'
import { type AnalysisView, abortFromAnalysis, ensureRun, failed, inconclusivePause, terminate } from './analysis.ts'

export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30
export const DEFAULT_BLUE_GREEN_ABORT_DELAY_SECONDS = 30
export { SCALE_DOWN_DEADLINE_ANNOTATION }

export interface BlueGreenView {
  newRS: ReplicaSet
  stableRS: ReplicaSet
  others: readonly ReplicaSet[]
  hash: string
  replicas: number
}

/** Scales `rs` to 0 once its deadline (set now + `delaySeconds` on first sight) has passed. */
function scaleDownLater(s: Sync, rs: ReplicaSet, delaySeconds: number): void {
  if ((rs.spec.replicas ?? 0) === 0) return
  const deadline = rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION]
  if (delaySeconds === 0 || (deadline && s.now >= parseTimestamp(deadline))) {
    scale(s, rs, 0)
    return
  }
  if (!deadline) {
    const annotations = { [SCALE_DOWN_DEADLINE_ANNOTATION]: formatTimestamp(s.now + delaySeconds * 1000) }
    s.actions.push({ type: 'annotateReplicaSet', name: rs.metadata.name, annotations })
    requeue(s, delaySeconds * 1000)
    return
  }
  requeue(s, parseTimestamp(deadline) - s.now)
}

/** A revision that serves again (undo inside the window) must not be scaled down on an old deadline. */
function keep(s: Sync, rs: ReplicaSet, replicas: number): void {
  if (rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION]) {
    s.actions.push({
      type: 'annotateReplicaSet',
      name: rs.metadata.name,
      annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: '' },
    })
  }
  scale(s, rs, replicas)
}

/** Whether the preview may be promoted now: the pause protocol of the canary's pause step. */
function released(s: Sync): boolean {
  const bg = s.r.spec.strategy.blueGreen!
  const st = s.st
  if (s.r.spec.paused) return false
  if (bg.autoPromotionEnabled !== false && bg.autoPromotionSeconds === undefined) return true
  const conditions = st.pauseConditions ?? []
  if (st.controllerPause && conditions.length === 0) return true
  if (conditions.length === 0) {
    st.pauseConditions = [{ reason: 'BlueGreenPause', startTime: formatTimestamp(s.now) }]
    st.controllerPause = true
    event(s, 'RolloutPaused', 'Rollout is paused (BlueGreenPause): the preview waits for promotion')
  }
  if (bg.autoPromotionSeconds === undefined) return false
  const endsAt = pauseStartedAt(s) + bg.autoPromotionSeconds * 1000
  if (s.now >= endsAt) return true
  requeue(s, endsAt - s.now)
  return false
}

/** What a promotion analysis says about going on. */
type Judgement = 'passed' | 'promoted' | 'waiting' | 'aborted'

const RUN_STATUS = {
  PrePromotion: 'prePromotionAnalysisRunStatus',
  PostPromotion: 'postPromotionAnalysisRunStatus',
} as const

/**
 * A promotion analysis's run made or read, and its verdict: Successful passes; Failed or Error
 * aborts; Inconclusive pauses until `promote` ('promoted': the user let it through).
 */
function judge(s: Sync, v: AnalysisView, kind: 'PrePromotion' | 'PostPromotion'): Judgement {
  const field = kind === 'PrePromotion' ? 'prePromotionAnalysis' : 'postPromotionAnalysis'
  const ref = s.r.spec.strategy.blueGreen![field]!
  const bg = (s.st.blueGreen ??= {})
  const verdict = ensureRun(s, v, ref, bg[RUN_STATUS[kind]], kind)
  if ('invalid' in verdict) {
    abortFromAnalysis(s, `spec.strategy.blueGreen.${field}: ${verdict.invalid}`)
    return 'aborted'
  }
  bg[RUN_STATUS[kind]] = verdict.status
  if (verdict.phase === 'Successful') return 'passed'
  if (failed(verdict.phase)) {
    const { name, message } = verdict.status
    abortFromAnalysis(s, `analysis run '${name}' ${verdict.phase}${message ? `: ${message}` : ''}`)
    return 'aborted'
  }
  if (verdict.phase === 'Inconclusive') return inconclusivePause(s, verdict.status) ? 'promoted' : 'waiting'
  return 'waiting'
}

/**
 * The abort: the active Service on the stable revision (back on it, after a failed
 * post-promotion analysis), the runs stopped, the new revision scaled down after
 * abortScaleDownDelaySeconds.
 */
function abortBlueGreen(s: Sync, v: AnalysisView, newRS: ReplicaSet, stableRS: ReplicaSet, replicas: number): void {
  const bg = s.r.spec.strategy.blueGreen!
  const st = s.st
  if (!st.abortedAt) {
    st.abortedAt = formatTimestamp(s.now)
    st.message = `RolloutAborted: Rollout aborted update to revision ${revisionOf(newRS)}`
    event(s, 'RolloutAborted', `${st.message}: the active Service stays on ${st.stableRS}`, 'Warning')
  }
  if (st.blueGreen) delete st.blueGreen.activeSelector
  terminate(s, v, st.blueGreen?.prePromotionAnalysisRunStatus)
  terminate(s, v, st.blueGreen?.postPromotionAnalysisRunStatus)
  st.canary = weights(st.stableRS ?? v.hash, v.hash, 0)
  keep(s, stableRS, replicas)
  delete st.pauseConditions
  delete st.controllerPause
  delete st.promoteFull
  const abortDelay = bg.abortScaleDownDelaySeconds ?? DEFAULT_BLUE_GREEN_ABORT_DELAY_SECONDS
  if (abortDelay > 0) {
    const at = parseTimestamp(st.abortedAt) + abortDelay * 1000
    if (s.now >= at) scale(s, newRS, 0)
    else requeue(s, at - s.now)
  }
}

/**
 * Plans the blueGreen part of one sync; returns whether the Rollout is Healthy.
 *
 * With `prePromotionAnalysis` the preview is judged once it is available, and promotion waits
 * for its run to succeed. With `postPromotionAnalysis` the switch points the active Service at
 * the new revision (status.blueGreen.activeSelector) while the previous one stays stable and at
 * full size; the new revision becomes stable when the run succeeds, and a failure switches the
 * active Service back (Argo's semantics).
 */
export function planBlueGreen(s: Sync, v: AnalysisView, view: BlueGreenView): boolean {
  const bg = s.r.spec.strategy.blueGreen!
  const st = s.st
  const { newRS, stableRS, others, hash, replicas } = view
  const delay = bg.scaleDownDelaySeconds ?? DEFAULT_SCALE_DOWN_DELAY_SECONDS
  if (st.stableRS === hash) {
    delete st.pauseConditions
    delete st.controllerPause
    delete st.promoteFull
    if (st.blueGreen) delete st.blueGreen.activeSelector
    st.canary = weights(hash, hash, 0)
    keep(s, newRS, replicas)
    for (const rs of others) scaleDownLater(s, rs, delay)
    if (stableRS !== newRS) scaleDownLater(s, stableRS, delay)
    return (newRS.spec.replicas ?? 0) === replicas && available(newRS) >= replicas
  }
  for (const rs of others) scaleDownLater(s, rs, delay)
  if (!st.abort && st.blueGreen?.activeSelector === hash) {
    // Switched: the post-promotion analysis decides, the previous revision kept at full size.
    st.canary = weights(hash, hash, 0)
    keep(s, newRS, replicas)
    keep(s, stableRS, replicas)
    const verdict = judge(s, v, 'PostPromotion')
    if (verdict === 'passed' || verdict === 'promoted') {
      st.stableRS = hash
      delete st.blueGreen.activeSelector
      event(s, 'RolloutCompleted', `Post-promotion analysis passed: revision ${revisionOf(newRS)} (${hash}) is stable`)
      scaleDownLater(s, stableRS, delay)
    }
    if (verdict !== 'aborted') return false
  }
  st.canary = weights(st.stableRS ?? hash, hash, 0)
  keep(s, stableRS, replicas)
  if (st.abort) {
    abortBlueGreen(s, v, newRS, stableRS, replicas)
    return false
  }
  const preview = Math.min(bg.previewReplicaCount ?? replicas, replicas)
  const ready = (n: number) => (newRS.spec.replicas ?? 0) >= n && available(newRS) >= n
  let pre: Judgement = 'passed'
  if (bg.prePromotionAnalysis && !st.promoteFull && ready(preview)) pre = judge(s, v, 'PrePromotion')
  if (pre === 'aborted') {
    abortBlueGreen(s, v, newRS, stableRS, replicas)
    return false
  }
  if (!st.promoteFull && ready(preview) && (pre === 'promoted' || (pre === 'passed' && released(s)))) {
    delete st.pauseConditions
    st.controllerPause = false
    st.promoteFull = true
  }
  keep(s, newRS, st.promoteFull ? replicas : preview)
  if (st.promoteFull && ready(replicas)) {
    delete st.promoteFull
    delete st.pauseConditions
    delete st.controllerPause
    if (bg.postPromotionAnalysis) {
      ;(st.blueGreen ??= {}).activeSelector = hash
      st.canary = weights(hash, hash, 0)
      event(
        s,
        'RolloutPromoted',
        `Rollout switched the active Service to revision ${revisionOf(newRS)} (${hash}); post-promotion analysis runs`,
      )
      return false
    }
    st.stableRS = hash
    st.canary = weights(hash, hash, 0)
    event(s, 'RolloutPromoted', `Rollout promoted revision ${revisionOf(newRS)} (${hash}) to active`)
    scaleDownLater(s, stableRS, delay)
  }
  return false
}
