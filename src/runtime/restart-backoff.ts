/**
 * @module
 * The kubelet's restart and image-pull back-off, as pure arithmetic.
 *
 * Crash back-off: the first exit restarts at once; each later exit waits the current delay,
 * which starts at 10 s and doubles up to 5 min. A container that ran 10 min before exiting
 * starts over (restart at once). Worked sequence for a container that exits every second:
 *
 *   exit #   waits    restartCount after    waiting reason while it waits
 *   1        0 s      1                     -
 *   2        10 s     2                     CrashLoopBackOff (back-off 10s)
 *   3        20 s     3                     CrashLoopBackOff (back-off 20s)
 *   4        40 s     4
 *   5        80 s     5
 *   6        160 s    6
 *   7        300 s    7                     (capped: 320 s > 5 min)
 *
 * Image-pull back-off: after failed pull n (1-based) the next attempt waits 10 s · 2^(n-1),
 * capped at 5 min.
 */

export const BACKOFF_INITIAL_MS = 10_000
export const BACKOFF_MAX_MS = 300_000
/** A container that ran this long before exiting is healthy again: its back-off resets. */
export const BACKOFF_RESET_AFTER_MS = 600_000

export interface RestartDecision {
  /** How long to wait before the restart (0: restart at once). */
  delayMs: number
  /** The delay the next exit will wait, to be stored with the container. */
  nextDelayMs: number
}

/**
 * @param pendingDelayMs the `nextDelayMs` stored after the previous exit (0 for none)
 * @param ranForMs how long the container ran before this exit
 */
export function restartDelay(pendingDelayMs: number, ranForMs: number): RestartDecision {
  const current = ranForMs >= BACKOFF_RESET_AFTER_MS ? 0 : pendingDelayMs
  return {
    delayMs: current,
    nextDelayMs: current === 0 ? BACKOFF_INITIAL_MS : Math.min(current * 2, BACKOFF_MAX_MS),
  }
}

/** Wait before pull attempt n+1 after n failed pulls. */
export function imagePullDelay(failedPulls: number): number {
  return Math.min(BACKOFF_INITIAL_MS * 2 ** Math.max(0, failedPulls - 1), BACKOFF_MAX_MS)
}

/** "10s", "5m0s": Go's duration format, which Kubernetes messages use. */
export function formatDelay(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`
}
