/**
 * @module
 * A watch that lasts as long as the command wants it, as client-go's reflector keeps one: each
 * request asks the server to end it after WATCH_TIMEOUT_SECONDS, and a stream that ends (that
 * timeout, a daemon restart) or breaks is opened again from the last resourceVersion seen.
 *
 * Why the timeout: Node's fetch (undici) aborts a response body that stays silent for 300 s
 * with `TypeError: terminated`, so an idle `rollout status` or `get -w` used to die after five
 * quiet minutes. A server-side end just below that is a clean end of stream; a body that
 * breaks anyway is resumed the same way.
 */
import type { Kind } from '../../api/types.ts'
import { type ApiClient, type ListQuery, ServerError, type WatchEvent } from '../client.ts'

/** Below undici's 300 s body timeout, with room for a slow answer. */
export const WATCH_TIMEOUT_SECONDS = 240
const MAX_BROKEN_IN_A_ROW = 3

export interface ResumableWatchOptions extends ListQuery {
  resourceVersion?: string
  /**
   * The version to resume from has left the daemon's watch history (it restarted, or many
   * writes went by): called before watching again without a version, which begins with the
   * current objects as ADDED events (a relist).
   */
  onGone?: () => void
}

/** Undici's error for a response body that was cut (idle timeout, connection reset). */
export function isBrokenStream(err: unknown): boolean {
  return err instanceof TypeError && err.message === 'terminated'
}

/** Watch events until `signal` aborts (or the consumer stops), resuming across stream ends. */
export async function* resumableWatch<K extends Kind>(
  client: ApiClient,
  kind: K,
  opts: ResumableWatchOptions,
  signal: AbortSignal,
): AsyncGenerator<WatchEvent<K>> {
  const { onGone, resourceVersion, ...q } = opts
  let rv = resourceVersion
  // A stream that keeps breaking before it delivers anything is a real failure, not an idle one.
  let brokenInARow = 0
  while (!signal.aborted) {
    let received = false
    try {
      const events = client.watch(kind, { ...q, ...(rv ? { resourceVersion: rv } : {}), timeoutSeconds: WATCH_TIMEOUT_SECONDS }, signal)
      for await (const ev of events) {
        received = true
        rv = ev.object.metadata.resourceVersion ?? rv
        yield ev
      }
    } catch (err) {
      if (err instanceof ServerError && err.code === 'BATON_GONE') {
        onGone?.()
        rv = undefined
      } else if (!isBrokenStream(err) || signal.aborted) throw err
      else if ((brokenInARow = received ? 1 : brokenInARow + 1) > MAX_BROKEN_IN_A_ROW) throw err
    }
  }
}
