/**
 * @module
 * The clock port. platform/ is the only place that reads global time: everything else gets
 * a Clock, so logic tests drive time with FakeClock and never sleep.
 */

export interface TimerHandle {
  cancel(): void
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Runs `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  /**
   * Resolves after `ms` milliseconds of this clock's time, or as soon as `signal` aborts (at
   * once if it already has), without an error: the caller asks `signal.aborted` when it
   * cares. An aborted sleep cancels its timer, so a sleep raced against something else and
   * aborted when that wins leaves nothing pending.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Clock.sleep on top of a clock's setTimeout. */
function sleepOn(clock: Pick<Clock, 'setTimeout'>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const onAbort = () => {
      timer.cancel()
      resolve()
    }
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    // Ref'd like any setTimeout: a process awaiting a clock sleep must not exit under it.
    const t = setTimeout(fn, Math.max(0, ms))
    return { cancel: () => clearTimeout(t) }
  },
  sleep(ms, signal) {
    return sleepOn(systemClock, ms, signal)
  },
}

interface PendingTimer {
  at: number
  seq: number
  fn: () => void
  /** Cancelled, or fired: either way it must not fire (again). */
  done: boolean
}

/** Due-time order, ties in scheduling order. */
const before = (a: PendingTimer, b: PendingTimer) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer due in that span,
 * in due-time order (ties in scheduling order), with `now()` set to each timer's due time.
 *
 * Timers sit in a binary min-heap, so a simulation with thousands of pending timers (one per
 * fake container, one per work queue...) pays O(log n) per timer, not a scan of all of them.
 * A cancelled timer stays in the heap until it reaches the top or until cancelled ones
 * outnumber the live ones, when the heap is rebuilt without them.
 *
 * @example
 * const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
 * clock.setTimeout(() => console.log('fired'), 1000)
 * clock.advance(1000) // prints "fired"
 */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #heap: PendingTimer[] = []
  #live = 0

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, done: false }
    this.#push(timer)
    this.#live++
    return {
      cancel: () => {
        if (timer.done) return
        timer.done = true
        this.#live--
        if (this.#heap.length > 64 && this.#heap.length > 2 * this.#live) this.#rebuild()
      },
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal)
  }

  /** Moves time forward by `ms`, firing due timers (including ones they schedule) in order. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      const next = this.#peek()
      if (!next || next.at > end) break
      this.#pop()
      next.done = true
      this.#live--
      this.#now = next.at
      next.fn()
    }
    this.#now = end
  }

  /** Time of the earliest pending timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#peek()?.at
  }

  pendingTimers(): number {
    return this.#live
  }

  /** The earliest timer still to fire, dropping cancelled ones off the top. */
  #peek(): PendingTimer | undefined {
    while (this.#heap.length > 0 && this.#heap[0]!.done) this.#pop()
    return this.#heap[0]
  }

  #push(timer: PendingTimer): void {
    const h = this.#heap
    let i = h.push(timer) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(timer, h[parent]!)) break
      h[i] = h[parent]!
      i = parent
    }
    h[i] = timer
  }

  #pop(): void {
    const h = this.#heap
    const last = h.pop()!
    if (h.length === 0) return
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= h.length) break
      const c = l + 1 < h.length && before(h[l + 1]!, h[l]!) ? l + 1 : l
      if (!before(h[c]!, last)) break
      h[i] = h[c]!
      i = c
    }
    h[i] = last
  }

  #rebuild(): void {
    const live = this.#heap.filter((t) => !t.done)
    this.#heap = []
    for (const t of live) this.#push(t)
  }
}

export function fromTimestamp(ts: string): number {
  return Date.parse(ts)
}

/**
 * The system clock with sub-millisecond `now()`: loopback latencies are often below 1 ms,
 * and whole milliseconds would round most of them to 0 or 1.
 */
export const preciseClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms),
  sleep: (ms, signal) => systemClock.sleep(ms, signal),
}

/** Monotonic milliseconds (not wall time), for measuring short intervals such as latencies. */
export const monotonicNow = (): number => performance.now()

/**
 * Keeps the process alive until the returned release is called: a CLI run that waits only on
 * sockets another layer may unref must not exit under a bounded load run.
 */
export function holdProcessOpen(): () => void {
  const lifeline = setInterval(() => {}, 1 << 30)
  return () => clearInterval(lifeline)
}

/**
 * Runs `fn` in the event loop's check phase, right after the poll phase has handled pending I/O
 * (accepted every connection queued so far): the moment with the least unaccepted work.
 */
export function afterIo(fn: () => void): void {
  setImmediate(fn)
}
