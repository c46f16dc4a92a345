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
 * | the server ended the stream (timeout, idle cut) | watch again from the last version seen       |
 * | that version left the history (`BATON_GONE`)    | list again, yield `SYNC`, watch from there   |
 * | `signal` aborted                                | return                                       |
 * | any other error (daemon unreachable, 401 ...)   | throw it                                     |
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

const isAbort = (err: unknown, signal: AbortSignal | undefined) => signal?.aborted === true || (err as Error)?.name === 'AbortError'

export async function* listAndWatch<K extends Kind>(client: ApiClient, kind: K, q: ListQuery, opts: ListAndWatchOptions = {}): AsyncGenerator<ListWatchEvent<K>> {
  const { signal } = opts
  let rv = opts.resourceVersion
  try {
    while (!signal?.aborted) {
      if (rv === undefined) {
        const list = await client.list(kind, q)
        rv = list.resourceVersion
        yield { type: 'SYNC', items: list.items }
        continue
      }
      try {
        for await (const ev of client.watch(kind, { ...q, resourceVersion: rv }, signal)) {
          rv = ev.object.metadata.resourceVersion ?? rv
          yield ev
        }
      } catch (err) {
        if (!(isBatonError(err) && err.code === 'BATON_GONE')) throw err
        rv = undefined
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
export async function* watchResuming<K extends Kind>(client: ApiClient, kind: K, q: ListQuery, opts: ListAndWatchOptions = {}): AsyncGenerator<WatchEvent<K>> {
  for await (const ev of listAndWatch(client, kind, q, opts)) {
    if (ev.type !== 'SYNC') yield ev
    else for (const object of ev.items) yield { type: 'ADDED', object }
  }
}
