/**
 * @module
 * An informer's list-and-watch over the HTTP API, with resume, for every client of the API (the
 * CLI's `get -w` and `rollout status`, the dashboard's live lists). The resume rules live here
 * only, so the callers cannot drift apart:
 *
 * | what happened                                   | what follows                                 |
 * | ----------------------------------------------- | -------------------------------------------- |
 * | start without a resourceVersion                 | list, yield `SYNC`, watch from the list's    |
 * | start from a resourceVersion                    | watch from it                                |
 * | the server ended the stream (timeoutSeconds)    | watch again from the last version seen       |
 * | the body broke (undici's `terminated`)          | the same, up to 3 times in a row without an  |
 * |                                                 | event; then throw                            |
 * | that version left the history (`BATON_GONE`)    | list again, yield `SYNC`, watch from there   |
 * | `signal` aborted                                | return                                       |
 * | any other error (daemon unreachable, 401 ...)   | throw it                                     |
 *
 * Each watch asks the server to end it after WATCH_TIMEOUT_SECONDS: Node's fetch (undici) cuts a
 * response body that stays silent for 300 s with `TypeError: terminated`, so an idle `rollout
 * status` or `get -w` would otherwise die after five quiet minutes. A clean end of stream just
 * before that is resumed like any other.
 *
 * It waits for nothing by itself: a caller that retries after an error decides when.
 */
import type { Kind, KindMap } from '../api/types.ts'
import { isBatonError } from '../errors/baton-error.ts'
import type { ApiClient, ListQuery, WatchEvent } from './api-client.ts'

/** The whole current list: the caller's cache starts over from it. */
export interface SyncEvent<K extends Kind = Kind> {
  type: 'SYNC'
  items: KindMap[K][]
}

export type ListWatchEvent<K extends Kind = Kind> = SyncEvent<K> | WatchEvent<K>

export interface ListAndWatchOptions {
  /** Watch from this version instead of listing first (the caller has just read the objects). */
  resourceVersion?: string
  signal?: AbortSignal
}

const isAbort = (err: unknown, signal: AbortSignal | undefined) =>
  signal?.aborted === true || (err as Error)?.name === 'AbortError'

/** Below undici's 300 s body timeout, with room for a slow answer. */
export const WATCH_TIMEOUT_SECONDS = 240
/** A stream that keeps breaking before it delivers anything is a real failure, not an idle one. */
const MAX_BROKEN_IN_A_ROW = 3

/** Undici's error for a response body that was cut (idle timeout, connection reset). */
export function isBrokenStream(err: unknown): boolean {
  return err instanceof TypeError && err.message === 'terminated'
}

export async function* listAndWatch<K extends Kind>(
  client: ApiClient,
  kind: K,
  q: ListQuery,
  opts: ListAndWatchOptions = {},
): AsyncGenerator<ListWatchEvent<K>> {
  const { signal } = opts
  let rv = opts.resourceVersion
  let brokenInARow = 0
  try {
    while (!signal?.aborted) {
      if (rv === undefined) {
        const list = await client.list(kind, q)
        rv = list.resourceVersion
        yield { type: 'SYNC', items: list.items }
        continue
      }
      let received = false
      try {
        for await (const ev of client.watch(
          kind,
          { ...q, resourceVersion: rv, timeoutSeconds: WATCH_TIMEOUT_SECONDS },
          signal,
        )) {
          received = true
          rv = ev.object.metadata.resourceVersion ?? rv
          yield ev
        }
      } catch (err) {
        if (isBatonError(err) && err.code === 'BATON_GONE') rv = undefined
        else if (!isBrokenStream(err) || signal?.aborted) throw err
        else if ((brokenInARow = received ? 1 : brokenInARow + 1) > MAX_BROKEN_IN_A_ROW) throw err
      }
    }
  } catch (err) {
    if (!isAbort(err, signal)) throw err
  }
}

/**
 * listAndWatch's changes one object at a time, for a caller that prints changes rather than
 * keeping a cache: a list after BATON_GONE comes out as one ADDED event per object, as a watch
 * without a resourceVersion begins.
 */
export async function* watchResuming<K extends Kind>(
  client: ApiClient,
  kind: K,
  q: ListQuery,
  opts: ListAndWatchOptions = {},
): AsyncGenerator<WatchEvent<K>> {
  for await (const ev of listAndWatch(client, kind, q, opts)) {
    if (ev.type !== 'SYNC') yield ev
    else for (const object of ev.items) yield { type: 'ADDED', object }
  }
}
