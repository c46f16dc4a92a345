/**
 * @module
 * A keyed work queue with client-go's semantics, driven by an injected Clock.
 *
 * - Level-triggered and deduplicated: a key waits in the queue at most once, however many
 *   changes were observed; the reconciler re-reads the world, it never sees the events.
 * - A key is never handed out twice at once: a key added while it is being processed is
 *   marked dirty and queued again when `done(key)` is called.
 * - `addAfter` (requeueAfter) keeps only the earliest pending time per key.
 * - `addRateLimited` backs off per key exponentially, 5 ms doubling up to 1000 s
 *   (controller-runtime's default item rate limiter); `forget` resets the count on success.
 *
 * Delayed keys share ONE clock timer armed for the earliest due key, so a FakeClock with
 * thousands of requeued keys stays cheap to advance.
 *
 * @example
 * const q = new WorkQueue(clock)
 * q.add('default/web'); q.add('default/web')   // deduplicated
 * const key = q.get()                           // 'default/web', now processing
 * q.addRateLimited(key!)                        // failed: back in 5 ms, then 10, 20…
 * q.done(key!)
 */
import type { Clock, TimerHandle } from '../platform/clock.ts'

export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number
  /** The delay doubles per consecutive failure up to this cap. */
  maxMs: number
}

/** controller-runtime's DefaultTypedItemBasedRateLimiter: 5 ms × 2^failures, capped at 1000 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5, maxMs: 1_000_000 }

export class WorkQueue {
  readonly #clock: Clock
  readonly #backoff: BackoffPolicy
  /** FIFO of keys ready to hand out; every entry is also in #dirty. */
  #queue: string[] = []
  #head = 0
  /** Keys that need processing (queued, or re-added while processing). */
  readonly #dirty = new Set<string>()
  readonly #processing = new Set<string>()
  readonly #failures = new Map<string, number>()
  /** Key → epoch ms at which it becomes ready (the earliest requested). */
  readonly #delayed = new Map<string, number>()
  #timer: { at: number; handle: TimerHandle } | undefined
  #listener: (() => void) | undefined
  #shutDown = false

  constructor(clock: Clock, backoff: BackoffPolicy = DEFAULT_BACKOFF) {
    this.#clock = clock
    this.#backoff = backoff
  }

  /** Called (synchronously) whenever a key becomes ready to be taken. */
  onReady(listener: () => void): void {
    this.#listener = listener
  }

  add(key: string): void {
    if (this.#shutDown || this.#dirty.has(key)) return
    this.#dirty.add(key)
    if (this.#processing.has(key)) return // queued again by done()
    this.#queue.push(key)
    this.#listener?.()
  }

  /** Adds `key` after `ms` of clock time; an earlier pending time for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.#shutDown) return
    if (ms <= 0) return this.add(key)
    const at = this.#clock.now() + ms
    const pending = this.#delayed.get(key)
    if (pending !== undefined && pending <= at) return
    this.#delayed.set(key, at)
    this.#arm()
  }

  /** Adds `key` after its per-key exponential back-off delay and counts the failure. */
  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0
    this.#failures.set(key, failures + 1)
    this.addAfter(key, this.backoffMs(failures))
  }

  /** The back-off delay after `failures` previous consecutive failures. */
  backoffMs(failures: number): number {
    // 2^failures overflows to Infinity long after the cap; Math.min handles that.
    return Math.min(this.#backoff.baseMs * 2 ** failures, this.#backoff.maxMs)
  }

  /** Clears the failure count of `key` (call after a successful reconcile). */
  forget(key: string): void {
    this.#failures.delete(key)
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0
  }

  /** Takes the next ready key and marks it processing, or undefined when none is ready. */
  get(): string | undefined {
    if (this.#head >= this.#queue.length) return undefined
    const key = this.#queue[this.#head++] as string
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
    this.#dirty.delete(key)
    this.#processing.add(key)
    return key
  }

  /** Marks `key` finished; if it was added meanwhile it becomes ready again. */
  done(key: string): void {
    this.#processing.delete(key)
    if (this.#dirty.has(key) && !this.#shutDown) {
      this.#queue.push(key)
      this.#listener?.()
    }
  }

  /** Keys ready to be taken now. */
  len(): number {
    return this.#queue.length - this.#head
  }

  /** Keys waiting for a delay (requeueAfter or back-off). */
  delayedLen(): number {
    return this.#delayed.size
  }

  isProcessing(key: string): boolean {
    return this.#processing.has(key)
  }

  shutdown(): void {
    this.#shutDown = true
    this.#timer?.handle.cancel()
    this.#timer = undefined
    this.#delayed.clear()
    this.#queue = []
    this.#head = 0
    this.#dirty.clear()
  }

  #arm(): void {
    let earliest = Number.POSITIVE_INFINITY
    for (const at of this.#delayed.values()) if (at < earliest) earliest = at
    if (earliest === Number.POSITIVE_INFINITY) {
      this.#timer?.handle.cancel()
      this.#timer = undefined
      return
    }
    if (this.#timer && this.#timer.at <= earliest) return
    this.#timer?.handle.cancel()
    this.#timer = { at: earliest, handle: this.#clock.setTimeout(() => this.#fire(), earliest - this.#clock.now()) }
  }

  #fire(): void {
    this.#timer = undefined
    const now = this.#clock.now()
    const due = [...this.#delayed].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1])
    for (const [key] of due) this.#delayed.delete(key)
    for (const [key] of due) this.add(key)
    this.#arm()
  }
}
