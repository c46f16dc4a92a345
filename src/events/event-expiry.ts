/**
 * @module
 * When an Event expires. kube-apiserver stores each Event with an etcd lease of --event-ttl
 * (default 1h) that every write renews, so an Event disappears one TTL after it last
 * occurred; a repeat that bumped `count` a minute ago keeps a day-old Event alive. Baton has
 * no leases: the EventReaper sweeps with this pure rule instead.
 *
 * Worked example (TTL 1h): an Event first seen at 10:00 and repeated at 10:40 (count 2) is
 * kept at 11:30 (10:40 + 1h = 11:40 is still ahead) and removed by the first sweep after 11:40.
 */
import type { Event } from '../api/types.ts'
import { fromTimestamp } from '../platform/clock.ts'

/** kube-apiserver's --event-ttl default. */
export const DEFAULT_EVENT_TTL_MS = 60 * 60_000

/**
 * How often the reaper sweeps. An Event outlives its TTL by at most this much, and a
 * sweep lists every Event, so it is not worth running more often.
 */
export const DEFAULT_EVENT_SWEEP_MS = 60_000

export interface ExpiredEvent {
  namespace: string
  name: string
  /** The version judged expired: deleting with it as a precondition spares a fresh repeat. */
  resourceVersion?: string
}

/**
 * Epoch ms the Event last occurred: lastTimestamp, else firstTimestamp, else the object's
 * creationTimestamp (the first of them that parses); undefined when none does.
 */
export function eventLastSeen(ev: Event): number | undefined {
  for (const ts of [ev.lastTimestamp, ev.firstTimestamp, ev.metadata.creationTimestamp]) {
    if (ts === undefined) continue
    const ms = fromTimestamp(ts)
    if (Number.isFinite(ms)) return ms
  }
  return undefined
}

/**
 * The Events whose last occurrence plus `ttlMs` is before `now`. An Event without any
 * readable timestamp is kept: nothing says how old it is, and deleting history on a guess
 * is worse than keeping one object.
 *
 * @example
 * expiredEvents(store.list('Event').items, clock.now(), DEFAULT_EVENT_TTL_MS)
 * // [{ namespace: 'default', name: 'web-7c9f.18a2b3c4d5e6f708', resourceVersion: '412' }]
 */
export function expiredEvents(events: readonly Event[], now: number, ttlMs: number): ExpiredEvent[] {
  const expired: ExpiredEvent[] = []
  for (const ev of events) {
    const seen = eventLastSeen(ev)
    if (seen === undefined || seen + ttlMs >= now) continue
    expired.push({
      namespace: ev.metadata.namespace ?? 'default',
      name: ev.metadata.name,
      ...(ev.metadata.resourceVersion !== undefined ? { resourceVersion: ev.metadata.resourceVersion } : {}),
    })
  }
  return expired
}
