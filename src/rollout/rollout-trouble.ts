/**
 * @module
 * Why a rollout is stuck or failing, and what to do next, for the dashboard's banner on a
 * Deployment's page and for `baton rollout status`: a healthy rollout and a stuck one must not
 * look the same. Read from the Deployment's
 * conditions and the new revision's pods (pure; `now` for how long a pod has not been ready).
 *
 * | reason | when | next step |
 * | --- | --- | --- |
 * | ProgressDeadlineExceeded | the Progressing condition says so | undo, or fix and set the image again |
 * | ImagePullBackOff / ErrImagePull | a new pod waits for an artifact | `baton push IMAGE DIR` |
 * | CrashLoopBackOff / RunContainerError | a new pod's container keeps exiting or cannot start | its log, then undo or fix |
 * | ReadinessFailing | a new pod has run, not ready, for READINESS_GRACE_MS | its probe and log, then undo or fix |
 *
 * Start-up probe failures within the grace are normal and give no banner.
 */
import type { Deployment, Pod } from '../api/types.ts'
import { getDeploymentCondition, REASON_PROGRESS_DEADLINE_EXCEEDED } from './conditions.ts'

export interface RolloutTrouble {
  reason: string
  message: string
  next: string
}

/** How long a running new pod may stay unready before the banner calls it failing. */
export const READINESS_GRACE_MS = 60_000

const PULL = new Set(['ImagePullBackOff', 'ErrImagePull'])
const CRASH = new Set(['CrashLoopBackOff', 'RunContainerError'])

export function rolloutTrouble(d: Deployment, newPods: readonly Pod[], now: number): RolloutTrouble | undefined {
  const name = d.metadata.name
  const undo = `undo to the last good revision (baton rollout undo deployment/${name})`
  const progressing = getDeploymentCondition(d.status ?? {}, 'Progressing')
  for (const pod of newPods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      const waiting = cs.state?.waiting
      if (waiting?.reason && PULL.has(waiting.reason)) {
        return {
          reason: waiting.reason,
          message: `pod ${pod.metadata.name} waits for image ${cs.image}: ${waiting.message ?? 'no artifact of that name'}`,
          next: `push it (baton push ${cs.image} DIR), or ${undo}`,
        }
      }
      if (waiting?.reason && CRASH.has(waiting.reason)) {
        return {
          reason: waiting.reason,
          message: `container ${cs.name} of pod ${pod.metadata.name} ${waiting.reason === 'CrashLoopBackOff' ? `keeps exiting (${cs.restartCount} restarts)` : `cannot start: ${waiting.message ?? ''}`}`,
          next: `read its log (baton logs ${pod.metadata.name} -c ${cs.name} -p), then ${undo} or fix the version`,
        }
      }
    }
  }
  if (progressing?.reason === REASON_PROGRESS_DEADLINE_EXCEEDED) {
    return {
      reason: progressing.reason,
      message: progressing.message ?? 'the rollout made no progress',
      next: `${undo}, or fix the version and set its image again`,
    }
  }
  for (const pod of newPods) {
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')
    const since = ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : Number.NaN
    if (pod.status?.phase === 'Running' && ready?.status === 'False' && now - since >= READINESS_GRACE_MS) {
      return {
        reason: 'ReadinessFailing',
        message: `pod ${pod.metadata.name} has run for ${Math.round((now - since) / 1000)}s without passing its readiness probe`,
        next: `check the probe and the log (baton logs ${pod.metadata.name}), then ${undo} or fix the version`,
      }
    }
  }
  return undefined
}
