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
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    // Ref'd like any setTimeout: a process awaiting a clock sleep must not exit under it.
    const t = setTimeout(fn, Math.max(0, ms))
    return { cancel: () => clearTimeout(t) }
  },
}

interface PendingTimer {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer due in that span,
 * in due-time order (ties in scheduling order), with `now()` set to each timer's due time.
 *
 * @example
 * const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
 * clock.setTimeout(() => console.log('fired'), 1000)
 * clock.advance(1000) // prints "fired"
 */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #timers: PendingTimer[] = []

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false }
    this.#timers.push(timer)
    return { cancel: () => void (timer.cancelled = true) }
  }

  /** Moves time forward by `ms`, firing due timers (including ones they schedule) in order. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      const next = this.#nextDue(end)
      if (!next) break
      this.#timers = this.#timers.filter((t) => t !== next)
      this.#now = next.at
      next.fn()
    }
    this.#now = end
  }

  /** Time of the earliest pending timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#nextDue(Number.POSITIVE_INFINITY)?.at
  }

  pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length
  }

  #nextDue(end: number): PendingTimer | undefined {
    let best: PendingTimer | undefined
    for (const t of this.#timers) {
      if (t.cancelled || t.at > end) continue
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t
    }
    return best
  }
}

/** Formats epoch milliseconds as Kubernetes does: RFC 3339, second precision, UTC. */
export function toTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
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
