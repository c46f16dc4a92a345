/**
 * @module
 * Deletes expired Events (event-expiry.ts) every minute, standing in for the etcd lease that
 * makes kube-apiserver forget an Event one --event-ttl after its last write. Without it a
 * long-lived daemon's store only grows: after a 100-Deployment × 100-replica rollout Events
 * were ~40% of the memory store's live heap.
 *
 * A sweep is one list and a delete per expired Event, each with the listed resourceVersion
 * as a precondition, so a repeat recorded in between (which renews the Event) is not lost.
 * An Event someone else deleted or renewed first is skipped, not an error.
 */
import { isBatonError } from '../errors/baton-error.ts'
import type { Clock, TimerHandle } from '../platform/clock.ts'
import { type Logger, silentLogger } from '../platform/logger.ts'
import type { ObjectStore } from '../store/types.ts'
import { DEFAULT_EVENT_SWEEP_MS, DEFAULT_EVENT_TTL_MS, expiredEvents } from './event-expiry.ts'

export interface EventReaperOptions {
  store: ObjectStore
  clock: Clock
  /** How long after its last occurrence an Event is deleted (default 1h, as kube-apiserver). */
  ttlMs?: number
  /** Time between sweeps (default 1 minute). */
  intervalMs?: number
  logger?: Logger
}

export interface SweepResult {
  /** Events this sweep deleted. */
  deleted: number
  /** Expired Events that were gone or renewed by the time of the delete. */
  skipped: number
}

/**
 * @example
 * const reaper = new EventReaper({ store, clock, ttlMs: 30 * 60_000 })
 * reaper.start() // sweeps every minute until reaper.stop()
 */
export class EventReaper {
  readonly ttlMs: number
  readonly intervalMs: number
  #store: ObjectStore
  #clock: Clock
  #logger: Logger
  #timer: TimerHandle | undefined

  constructor(opts: EventReaperOptions) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_EVENT_TTL_MS
    this.intervalMs = opts.intervalMs ?? DEFAULT_EVENT_SWEEP_MS
    if (!(this.ttlMs > 0) || !(this.intervalMs > 0)) {
      throw new RangeError(
        `EventReaper needs a positive ttlMs and intervalMs, got ${this.ttlMs} and ${this.intervalMs}`,
      )
    }
    this.#store = opts.store
    this.#clock = opts.clock
    this.#logger = opts.logger ?? silentLogger
  }

  /** Sweeps every intervalMs, the first one interval from now (never in the way of a start-up). */
  start(): void {
    if (this.#timer) return
    this.#schedule()
  }

  stop(): void {
    this.#timer?.cancel()
    this.#timer = undefined
  }

  /** Deletes every Event expired at the clock's current time. */
  sweep(): SweepResult {
    const expired = expiredEvents(this.#store.list('Event').items, this.#clock.now(), this.ttlMs)
    const result: SweepResult = { deleted: 0, skipped: 0 }
    for (const ev of expired) {
      try {
        this.#store.delete(
          'Event',
          ev.namespace,
          ev.name,
          ev.resourceVersion !== undefined ? { resourceVersion: ev.resourceVersion } : {},
        )
        result.deleted++
      } catch (err) {
        if (!isBatonError(err) || (err.code !== 'BATON_NOT_FOUND' && err.code !== 'BATON_CONFLICT')) throw err
        result.skipped++
      }
    }
    if (expired.length > 0) this.#logger.debug('expired events deleted', { ...result, ttlms: this.ttlMs })
    return result
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      try {
        this.sweep()
      } catch (err) {
        // A failed sweep (a store error) must not end the daemon: the next one retries.
        this.#logger.error('event sweep failed', { err })
      }
      if (this.#timer) this.#schedule()
    }, this.intervalMs)
  }
}
