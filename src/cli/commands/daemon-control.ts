/**
 * @module
 * What `up` and `down` share: polling with a deadline on the injected clock.
 */
import type { Clock } from '../../platform/clock.ts'

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms))
}

/** Calls `probe` every `everyMs` until it returns a value or `timeoutMs` passes (then undefined). */
export async function pollUntil<T>(clock: Clock, timeoutMs: number, everyMs: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = clock.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (clock.now() >= deadline) return undefined
    await sleep(clock, everyMs)
  }
}
