/**
 * @module
 * Harness for the store conformance suite (store*.case.test.ts): store openers cleaned up after
 * each test, a clock that fails mid-write and a watch recorder; the objects come from
 * test/support/builders.ts. Test-only; nothing in the daemon imports this.
 */
import { afterEach } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import type { ObjectStore, WatchEvent } from './types.ts'

export interface StoreHarness {
  store: ObjectStore
  clock: FakeClock
  cleanup?: () => void
}

/**
 * Makes a fresh, empty store; `historyLimit` as in createMemoryStore/openSqliteStore, `clock`
 * to use instead of a new FakeClock.
 */
export type MakeStore = (opts?: { historyLimit?: number; clock?: FakeClock }) => StoreHarness

/** Returns an opener whose stores are closed and cleaned up after each test. */
export function useStores(make: MakeStore): MakeStore {
  const opened: StoreHarness[] = []
  afterEach(() => {
    for (const h of opened.splice(0)) {
      h.store.close()
      h.cleanup?.()
    }
  })
  return (opts) => {
    const h = make(opts)
    opened.push(h)
    return h
  }
}

/** A FakeClock that throws from now() once `trip(n)` has allowed n more reads: a failure mid-write. */
export class TrippingClock extends FakeClock {
  #reads: number | undefined
  trip(afterReads: number): void {
    this.#reads = afterReads
  }
  override now(): number {
    if (this.#reads !== undefined && this.#reads-- <= 0) throw new Error('clock tripped')
    return super.now()
  }
}

/** Records watch events; `lines()` renders them as "TYPE Kind namespace/name rv". */
export function recorder() {
  const events: WatchEvent[] = []
  return {
    events,
    handler: (ev: WatchEvent) => void events.push(ev),
    lines: () =>
      events.map(
        ({ type, object: o }) =>
          `${type} ${o.kind} ${o.metadata.namespace}/${o.metadata.name} ${o.metadata.resourceVersion}`,
      ),
  }
}
