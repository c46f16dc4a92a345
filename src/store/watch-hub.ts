/**
 * @module
 * In-process watch fan-out. The engine publishes each committed change once, as one deeply
 * frozen object; the hub hands that same object to every matching subscriber, in
 * resourceVersion order. (A copy per subscriber was most of the store's garbage.)
 *
 * Order holds even when a handler breaks the "only enqueue work" rule and writes to the store:
 * that write's events queue behind the ones being delivered instead of overtaking them. A
 * subscriber added while events are queued skips those at or below the resourceVersion it
 * started from, since its initial list or replay already covered them.
 */
import type { AnyObject, Kind } from '../api/types.ts'
import type { LabelFilter } from './object-rules.ts'
import type { WatchEvent, WatchEventType } from './types.ts'

/** One committed change: where it happened, and the version written (deeply frozen, shared). */
export interface HubEvent {
  resourceVersion: number
  type: WatchEventType
  kind: Kind
  namespace: string
  object: AnyObject
}

export interface WatchFilter {
  kind: Kind | undefined
  namespace: string | undefined
  labels: LabelFilter
}

interface Subscriber {
  filter: WatchFilter
  handler: (ev: WatchEvent) => void
  /** Events at or below this resourceVersion were already delivered or replayed. */
  seen: number
  active: boolean
}

export function matchesFilter(
  f: WatchFilter,
  kind: Kind,
  namespace: string,
  labels: Record<string, string> | undefined,
): boolean {
  return (
    (f.kind === undefined || f.kind === kind) &&
    (f.namespace === undefined || f.namespace === namespace) &&
    f.labels(labels)
  )
}

/**
 * Runs a handler. Handlers must not throw; if one does, the error is rethrown outside the
 * store's call stack (an uncaught exception, as for any bug) so that the write that already
 * committed neither fails nor skips the other subscribers.
 */
export function deliver(handler: (ev: WatchEvent) => void, ev: WatchEvent): void {
  try {
    handler(ev)
  } catch (err) {
    queueMicrotask(() => {
      throw err
    })
  }
}

export class WatchHub {
  #subs = new Set<Subscriber>()
  #queue: HubEvent[] = []
  #draining = false

  /** Adds a subscriber that has already seen everything up to `seen`. */
  subscribe(filter: WatchFilter, handler: (ev: WatchEvent) => void, seen: number): () => void {
    const sub: Subscriber = { filter, handler, seen, active: true }
    this.#subs.add(sub)
    return () => {
      sub.active = false
      this.#subs.delete(sub)
    }
  }

  publish(events: readonly HubEvent[]): void {
    this.#queue.push(...events)
    this.hold(() => undefined)
  }

  /**
   * Runs `fn` with delivery held: events published meanwhile (by a handler that writes) queue
   * and go out after it, in order. The engine replays a new watch inside `hold`.
   */
  hold<T>(fn: () => T): T {
    if (this.#draining) return fn()
    this.#draining = true
    try {
      return fn()
    } finally {
      try {
        for (let i = 0; i < this.#queue.length; i++) this.#fanOut(this.#queue[i] as HubEvent)
      } finally {
        this.#queue = []
        this.#draining = false
      }
    }
  }

  close(): void {
    for (const sub of this.#subs) sub.active = false
    this.#subs.clear()
  }

  #fanOut(ev: HubEvent): void {
    for (const sub of [...this.#subs]) {
      if (!sub.active || ev.resourceVersion <= sub.seen) continue
      if (!matchesFilter(sub.filter, ev.kind, ev.namespace, ev.object.metadata.labels)) continue
      sub.seen = ev.resourceVersion
      deliver(sub.handler, { type: ev.type, object: ev.object })
    }
  }
}
