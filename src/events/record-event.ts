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
 * Events that differ only in their message are aggregated as client-go's EventAggregator
 * does: once 10 distinct messages about the same object, type, reason and source have been
 * recorded within 10 minutes of each other, each further one goes into a single Event whose
 * message is "(combined from similar events): " and the latest message, and whose count grows.
 * That is the "(x12 over 40s) ... (combined from similar events): Scaled down replica set ..."
 * line of seed 001's `kubectl describe`; it also keeps a 100-replica ReplicaSet at 10
 * SuccessfulCreate Events instead of 100.
 *
 * Then client-go's spam filter: each source may record 25 events about one object at once
 * (aggregated updates included), then one more every 5 minutes (a token bucket per source and
 * object, refilled at 1/300 per second); what goes beyond is dropped, not written. A
 * ReplicaSet of 100 thus keeps 25 SuccessfulCreate records of its scale-up, and a pod whose
 * readiness keeps failing stops writing an Unhealthy update per probe. Unlike client-go, a
 * dropped repeat does not add to the count of the next one that is written.
 */
import type { Event, KObject } from '../api/types.ts'
import { isBatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import type { ObjectStore } from '../store/types.ts'
import { formatTimestamp } from '../api/timestamps.ts'

export type EventType = 'Normal' | 'Warning'
export type EventSource = string | { component: string; host?: string }

/** client-go's defaultSpamBurst and defaultSpamQPS (one event per 300 s). */
const SPAM_BURST = 25
const SPAM_REFILL_MS = 300_000

/** client-go's maxLruCacheEntries. */
const MAX_REMEMBERED = 4096
/** client-go's defaultAggregateMaxEvents and defaultAggregateIntervalInSeconds. */
const AGGREGATE_MAX_EVENTS = 10
const AGGREGATE_INTERVAL_MS = 600_000
const COMBINED_PREFIX = '(combined from similar events): '

interface SimilarEvents {
  /** Distinct messages seen, at most AGGREGATE_MAX_EVENTS − 1 kept. */
  messages: Set<string>
  lastMs: number
}

interface Correlator {
  /** Event key (an identical event, or an aggregate) → name of the Event that recorded it. */
  seen: Map<string, string>
  /** Key without the message → the messages recently seen under it. */
  similar: Map<string, SimilarEvents>
  /** Source and object → its token bucket (client-go's EventSourceObjectSpamFilter). */
  spam: Map<string, TokenBucket>
  /** Disambiguates events created within the same millisecond. */
  seq: number
  options: Required<CorrelatorOptions>
}

/** client-go's CorrelatorOptions (BurstSize, MaxEvents), per store. */
export interface CorrelatorOptions {
  /** Events a source may record about one object at once (default 25). */
  spamBurst?: number
  /** Distinct messages under one reason before they are combined (default 10). */
  aggregateMaxEvents?: number
}

interface TokenBucket {
  tokens: number
  lastMs: number
}

const correlators = new WeakMap<ObjectStore, Correlator>()

function correlatorFor(store: ObjectStore): Correlator {
  let c = correlators.get(store)
  if (!c) {
    const options = { spamBurst: SPAM_BURST, aggregateMaxEvents: AGGREGATE_MAX_EVENTS }
    correlators.set(store, (c = { seen: new Map(), similar: new Map(), spam: new Map(), seq: 0, options }))
  }
  return c
}

/**
 * Changes the filter and aggregation limits for the events recorded into `store`, as client-go
 * lets a broadcaster do. The rollout preview sets both to Infinity: it reads every scaling
 * event off its simulation, where a cluster would drop or combine them.
 */
export function configureEventCorrelation(store: ObjectStore, options: CorrelatorOptions): void {
  const c = correlatorFor(store)
  c.options = { ...c.options, ...options }
}

/**
 * Records an Event about `involved` and returns it (created or aggregated), or undefined when
 * the spam filter dropped it.
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
): Event | undefined {
  const src = typeof source === 'string' ? { component: source } : source
  const namespace = involved.metadata.namespace ?? 'default'
  const uid = involved.metadata.uid ?? ''
  const spamKey = [involved.kind, namespace, involved.metadata.name, uid, src.component, src.host ?? ''].join('\u0000')
  const similarKey = `${spamKey}\u0000${type}\u0000${reason}`
  const nowMs = clock.now()
  const now = formatTimestamp(nowMs)
  const c = correlatorFor(store)
  // client-go aggregates first, then filters: a dropped event still counts as a similar one.
  const { key, message: text } = aggregate(c, similarKey, message, nowMs)
  if (!takeToken(c, spamKey, nowMs)) return undefined

  const previousName = c.seen.get(key)
  if (previousName !== undefined) {
    const previous = store.get('Event', namespace, previousName)
    if (previous) {
      remember(c.seen, key, previousName)
      try {
        return store.update<'Event'>({
          ...previous,
          count: (previous.count ?? 1) + 1,
          lastTimestamp: now,
          message: text,
        })
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
    message: text,
    type,
    source: src,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  }
  const created = store.create<'Event'>(event)
  // The key may still name an Event the EventReaper deleted: re-insert so it counts as fresh.
  remember(c.seen, key, created.metadata.name)
  return created
}

/**
 * client-go's EventAggregator: the key and message an event is recorded under. Below the
 * threshold, the event itself (key with its message: identical repeats are counted); from the
 * tenth distinct message within AGGREGATE_INTERVAL_MS on, the one aggregate Event of the
 * similar key. client-go then drops an arbitrary message from the set to keep it below the
 * threshold; this drops the oldest, so the outcome is deterministic.
 */
function aggregate(
  c: Correlator,
  similarKey: string,
  message: string,
  nowMs: number,
): { key: string; message: string } {
  let record = c.similar.get(similarKey)
  if (!record || nowMs - record.lastMs > AGGREGATE_INTERVAL_MS) record = { messages: new Set(), lastMs: nowMs }
  record.messages.add(message)
  record.lastMs = nowMs
  remember(c.similar, similarKey, record)
  if (record.messages.size < c.options.aggregateMaxEvents) return { key: `${similarKey}\u0000${message}`, message }
  record.messages.delete(record.messages.values().next().value as string)
  return { key: `${similarKey}\u0000\u0000aggregate`, message: COMBINED_PREFIX + message }
}

/**
 * The spam filter's token bucket for one source and object: full (SPAM_BURST) when first
 * seen, refilled continuously at one token per SPAM_REFILL_MS. Example: 25 events at t = 0
 * take every token; the 26th at t = 100 s is dropped; one at t = 300 s is recorded.
 */
function takeToken(c: Correlator, spamKey: string, nowMs: number): boolean {
  const burst = c.options.spamBurst
  const bucket = c.spam.get(spamKey) ?? { tokens: burst, lastMs: nowMs }
  bucket.tokens = Math.min(burst, bucket.tokens + (nowMs - bucket.lastMs) / SPAM_REFILL_MS)
  bucket.lastMs = nowMs
  remember(c.spam, spamKey, bucket)
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}

/** Sets `key` as the most recently used entry of a bounded LRU map. */
function remember<V>(lru: Map<string, V>, key: string, value: V): void {
  lru.delete(key)
  lru.set(key, value)
  if (lru.size > MAX_REMEMBERED) lru.delete(lru.keys().next().value as string)
}
