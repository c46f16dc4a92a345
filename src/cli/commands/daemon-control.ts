/**
 * @module
 * What `up` and `down` share: polling with a deadline on the injected clock.
 */
import type { Clock } from '../../platform/clock.ts'

/** Calls `probe` every `everyMs` until it returns a value or `timeoutMs` passes (then undefined). */
export async function pollUntil<T>(
  clock: Clock,
  timeoutMs: number,
  everyMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = clock.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (clock.now() >= deadline) return undefined
    await clock.sleep(everyMs)
  }
}
