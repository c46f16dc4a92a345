/**
 * @module
 * Events, as Kubernetes' event recorder writes them: a v1 Event per distinct occurrence,
 * named `<object>.<hex nanoseconds>`, and a repeat of an identical event (same object,
 * type, reason, message and source) increments `count` and moves `lastTimestamp` instead of
 * creating another object (client-go's EventCorrelator, whose LRU cache also lives in memory:
 * after a restart the first repeat starts a new Event, as in Kubernetes). A repeat of an Event
 * the EventReaper has deleted also starts a new one; a repeat of a live one renews its TTL, as
 * an update renews an Event's etcd lease.
 *
 * Not reproduced: the "(combined from similar events)" aggregation of events that differ
 * only in their message.
 */
import type { Event, KObject } from '../api/types.ts'
import { isBatonError } from '../errors/baton-error.ts'
import { type Clock, toTimestamp } from '../platform/clock.ts'
import type { ObjectStore } from '../store/types.ts'

export type EventType = 'Normal' | 'Warning'
export type EventSource = string | { component: string; host?: string }

/** client-go's maxLruCacheEntries. */
const MAX_REMEMBERED = 4096

interface Correlator {
  /** Aggregation key → name of the Event that recorded it. */
  seen: Map<string, string>
  /** Disambiguates events created within the same millisecond. */
  seq: number
}

const correlators = new WeakMap<ObjectStore, Correlator>()

function correlatorFor(store: ObjectStore): Correlator {
  let c = correlators.get(store)
  if (!c) correlators.set(store, (c = { seen: new Map(), seq: 0 }))
  return c
}

/**
 * Records an Event about `involved` and returns it (created or aggregated).
 *
 * @example
 * recordEvent(store, clock, deployment, 'Normal', 'ScalingReplicaSet',
 *   'Scaled up replica set web-6d4f8 to 3', 'deployment-controller')
 */
export function recordEvent(
  store: ObjectStore,
  clock: Clock,
  involved: KObject,
  type: EventType,
  reason: string,
  message: string,
  source: EventSource,
): Event {
  const src = typeof source === 'string' ? { component: source } : source
  const namespace = involved.metadata.namespace ?? 'default'
  const uid = involved.metadata.uid ?? ''
  const key = [involved.kind, namespace, involved.metadata.name, uid, type, reason, message, src.component, src.host ?? ''].join('\u0000')
  const now = toTimestamp(clock.now())
  const c = correlatorFor(store)

  const previousName = c.seen.get(key)
  if (previousName !== undefined) {
    const previous = store.get('Event', namespace, previousName)
    if (previous) {
      c.seen.delete(key)
      c.seen.set(key, previousName) // most recently used last
      try {
        return store.update<'Event'>({ ...previous, count: (previous.count ?? 1) + 1, lastTimestamp: now })
      } catch (err) {
        // A concurrent writer (or a deleted event) loses nothing important: record afresh.
        if (!isBatonError(err)) throw err
      }
    }
  }

  const nanos = BigInt(clock.now()) * 1_000_000n + BigInt(c.seq++ % 1_000_000)
  const event: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${nanos.toString(16)}`, namespace },
    involvedObject: {
      kind: involved.kind,
      name: involved.metadata.name,
      namespace,
      ...(involved.metadata.uid !== undefined ? { uid: involved.metadata.uid } : {}),
      apiVersion: involved.apiVersion,
      ...(involved.metadata.resourceVersion !== undefined
        ? { resourceVersion: involved.metadata.resourceVersion }
        : {}),
    },
    reason,
    message,
    type,
    source: src,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  }
  const created = store.create<'Event'>(event)
  // The key may still name an Event the EventReaper deleted: re-insert so it counts as fresh.
  c.seen.delete(key)
  c.seen.set(key, created.metadata.name)
  if (c.seen.size > MAX_REMEMBERED) c.seen.delete(c.seen.keys().next().value as string)
  return created
}
