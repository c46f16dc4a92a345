/**
 * @module
 * The READY, STATUS and RESTARTS cells of `get pods`, derived the way kubectl's printPod
 * does: the phase, overridden by the pod's reason, then by the last container (in reverse
 * order, so the first container wins) that is waiting or terminated with a reason;
 * "Terminating" once the pod has a deletionTimestamp.
 *
 * | pod                                                  | STATUS            |
 * | ---------------------------------------------------- | ----------------- |
 * | phase Running, container running and ready           | Running           |
 * | phase Pending, container waiting ContainerCreating   | ContainerCreating |
 * | container waiting CrashLoopBackOff                   | CrashLoopBackOff  |
 * | container terminated, reason Completed               | Completed         |
 * | container terminated, no reason, exit code 2         | ExitCode:2        |
 * | deletionTimestamp set                                | Terminating       |
 */
import { isPodReady } from './pod-readiness.ts'
import type { Pod } from './types.ts'
import { humanDuration } from './age.ts'

export function podStatus(pod: Pod): string {
  const status = pod.status ?? {}
  let reason: string = status.reason || status.phase || 'Pending'
  let hasRunning = false
  const containers = status.containerStatuses ?? []
  for (let i = containers.length - 1; i >= 0; i--) {
    const c = containers[i]
    if (!c) continue
    const { waiting, terminated, running } = c.state ?? {}
    if (waiting?.reason) reason = waiting.reason
    else if (terminated?.reason) reason = terminated.reason
    else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`
    else if (c.ready && running) hasRunning = true
  }
  // A completed sidecar must not hide containers that still run.
  if (reason === 'Completed' && hasRunning) {
    reason = isPodReady(pod) ? 'Running' : 'NotReady'
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating'
  return reason
}

/** "1/1": ready containers out of the containers the pod declares. */
export function podReady(pod: Pod): string {
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready && c.state?.running).length
  return `${ready}/${pod.spec.containers.length}`
}

/** "0", or "3 (42s ago)" when the last restart time is known. */
export function podRestarts(pod: Pod, now: number): string {
  let restarts = 0
  let last: number | undefined
  for (const c of pod.status?.containerStatuses ?? []) {
    restarts += c.restartCount ?? 0
    const finished = c.lastState?.terminated?.finishedAt
    if (finished) last = Math.max(last ?? 0, Date.parse(finished))
  }
  return restarts > 0 && last !== undefined ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts)
}
