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
import type { ReplicaSet } from '../../api/types.ts'
import { available, event, requeue, revisionOf, scale, type Sync, weights } from './sync.ts'

export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30
export const DEFAULT_BLUE_GREEN_ABORT_DELAY_SECONDS = 30
/** When a previous revision's pods go (Argo's annotation, RFC 3339). */
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'argo-rollouts.argoproj.io/scale-down-deadline'

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
  const started = parseTimestamp(st.pauseConditions?.[0]?.startTime)
  const endsAt = (Number.isNaN(started) ? s.now : started) + bg.autoPromotionSeconds * 1000
  if (s.now >= endsAt) return true
  requeue(s, endsAt - s.now)
  return false
}

/** Plans the blueGreen part of one sync; returns whether the Rollout is Healthy. */
export function planBlueGreen(s: Sync, v: BlueGreenView): boolean {
  const bg = s.r.spec.strategy.blueGreen!
  const st = s.st
  const { newRS, stableRS, others, hash, replicas } = v
  const delay = bg.scaleDownDelaySeconds ?? DEFAULT_SCALE_DOWN_DELAY_SECONDS
  if (st.stableRS === hash) {
    delete st.pauseConditions
    delete st.controllerPause
    delete st.promoteFull
    st.canary = weights(hash, hash, 0)
    keep(s, newRS, replicas)
    for (const rs of others) scaleDownLater(s, rs, delay)
    if (stableRS !== newRS) scaleDownLater(s, stableRS, delay)
    return (newRS.spec.replicas ?? 0) === replicas && available(newRS) >= replicas
  }
  st.canary = weights(st.stableRS ?? hash, hash, 0)
  for (const rs of others) scaleDownLater(s, rs, delay)
  keep(s, stableRS, replicas)
  if (st.abort) {
    if (!st.abortedAt) {
      st.abortedAt = formatTimestamp(s.now)
      st.message = `RolloutAborted: Rollout aborted update to revision ${revisionOf(newRS)}`
      event(s, 'RolloutAborted', `${st.message}: the active Service stays on ${st.stableRS}`, 'Warning')
    }
    delete st.pauseConditions
    delete st.controllerPause
    delete st.promoteFull
    const abortDelay = bg.abortScaleDownDelaySeconds ?? DEFAULT_BLUE_GREEN_ABORT_DELAY_SECONDS
    if (abortDelay > 0) {
      const at = parseTimestamp(st.abortedAt) + abortDelay * 1000
      if (s.now >= at) scale(s, newRS, 0)
      else requeue(s, at - s.now)
    }
    return false
  }
  const preview = Math.min(bg.previewReplicaCount ?? replicas, replicas)
  const ready = (n: number) => (newRS.spec.replicas ?? 0) >= n && available(newRS) >= n
  if (!st.promoteFull && ready(preview) && released(s)) {
    delete st.pauseConditions
    st.controllerPause = false
    st.promoteFull = true
  }
  keep(s, newRS, st.promoteFull ? replicas : preview)
  if (st.promoteFull && ready(replicas)) {
    st.stableRS = hash
    delete st.promoteFull
    delete st.pauseConditions
    delete st.controllerPause
    st.canary = weights(hash, hash, 0)
    event(s, 'RolloutPromoted', `Rollout promoted revision ${revisionOf(newRS)} (${hash}) to active`)
    scaleDownLater(s, stableRS, delay)
  }
  return false
}
