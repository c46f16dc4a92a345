/**
 * @module
 * Waiting for a pod to drain: it must be out of every route (no new requests can reach it)
 * AND have nothing in flight. Both halves matter: a pod the daemon has just deleted may
 * still be in the proxy's table for a moment (the route push is in flight), and a pod out of
 * the table may still be answering requests it got before.
 */
import type { Clock, TimerHandle } from '../platform/clock.ts'

export interface PodLoad {
  routed: boolean
  inflight: number
}

interface Waiter {
  resolve: (drained: boolean) => void
  timer: TimerHandle
}

export class DrainWaiters {
  readonly #clock: Clock
  readonly #waiters = new Map<string, Set<Waiter>>()

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** Resolves true once drained, false at `deadlineMs` (epoch ms). */
  wait(podUid: string, pod: PodLoad | undefined, deadlineMs: number): Promise<boolean> {
    if (isDrained(pod)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const set = this.#waiters.get(podUid) ?? new Set<Waiter>()
      this.#waiters.set(podUid, set)
      const w: Waiter = {
        resolve,
        timer: this.#clock.setTimeout(() => {
          set.delete(w)
          if (set.size === 0) this.#waiters.delete(podUid)
          resolve(false)
        }, deadlineMs - this.#clock.now()),
      }
      set.add(w)
    })
  }

  /** Called when a pod's load or routing changed. */
  check(podUid: string, pod: PodLoad | undefined): void {
    const set = this.#waiters.get(podUid)
    if (!set || !isDrained(pod)) return
    this.#waiters.delete(podUid)
    for (const w of set) {
      w.timer.cancel()
      w.resolve(true)
    }
  }

  /** Resolves every waiter (proxy shutting down). */
  releaseAll(): void {
    for (const [uid, set] of this.#waiters) {
      this.#waiters.delete(uid)
      for (const w of set) {
        w.timer.cancel()
        w.resolve(false)
      }
    }
  }
}

export function isDrained(pod: PodLoad | undefined): boolean {
  return pod === undefined || (!pod.routed && pod.inflight === 0)
}
