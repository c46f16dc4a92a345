import { describe, expect, it } from 'vitest'
import { aDeployment } from '../../test/support/builders.ts'
import type { Event } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import type { Logger } from '../platform/logger.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { EventReaper } from './event-reaper.ts'
import { recordEvent } from './record-event.ts'
import { recorded } from './testing.ts'

const MINUTE = 60_000

function setup() {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  const d = store.create<'Deployment'>(aDeployment({ name: 'web' }))
  const record = (message: string) =>
    recorded(recordEvent(store, clock, d, 'Normal', 'ScalingReplicaSet', message, 'deployment-controller'))
  const messages = () =>
    store
      .list('Event')
      .items.map((e) => `${e.message} x${e.count}`)
      .sort()
  return { clock, store, record, messages, d }
}

/** The store, with `delete` replaced: lets a test act between the reaper's list and its delete. */
function withDelete(store: ObjectStore, del: ObjectStore['delete']): ObjectStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'delete') return del
      const v: unknown = Reflect.get(target, prop, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

describe('EventReaper', () => {
  it('sweeps every minute and deletes only the Events last seen over a TTL ago', () => {
    const { clock, store, record, messages } = setup()
    const reaper = new EventReaper({ store, clock, ttlMs: 60 * MINUTE })
    reaper.start()
    record('early') // 00:00
    clock.advance(50 * MINUTE)
    record('late') // 00:50
    clock.advance(10 * MINUTE) // 01:00: "early" is exactly a TTL old, still kept
    expect(messages()).toEqual(['early x1', 'late x1'])
    clock.advance(1 * MINUTE) // the 01:01 sweep
    expect(messages()).toEqual(['late x1'])
    clock.advance(50 * MINUTE) // 01:51: "late" expired at 01:50
    expect(messages()).toEqual([])
    reaper.stop()
  })

  it('keeps a repeated Event whose count was bumped within the TTL', () => {
    const { clock, store, record, messages } = setup()
    const reaper = new EventReaper({ store, clock, ttlMs: 60 * MINUTE })
    reaper.start()
    record('flapping') // 00:00
    clock.advance(55 * MINUTE)
    record('flapping') // 00:55, count 2
    clock.advance(60 * MINUTE) // 01:55: first seen ~2h ago, last seen 1h ago
    expect(messages()).toEqual(['flapping x2'])
    clock.advance(1 * MINUTE)
    expect(messages()).toEqual([])
    reaper.stop()
  })

  it('a repeat of a reaped Event records a new Event, not an update of the deleted one', () => {
    const { clock, store, record, messages } = setup()
    const reaper = new EventReaper({ store, clock, ttlMs: 60 * MINUTE })
    const first = record('boom')
    clock.advance(61 * MINUTE)
    expect(reaper.sweep()).toEqual({ deleted: 1, skipped: 0 })
    const again = record('boom')
    expect(again.metadata.name).not.toBe(first.metadata.name)
    expect(again).toMatchObject({ count: 1, firstTimestamp: '2026-01-01T01:01:00Z' })
    record('boom')
    expect(messages()).toEqual(['boom x2'])
  })

  it('the recreated Event counts as recently used in the recorder cache (not evicted first)', () => {
    const { clock, store, record, d } = setup()
    record('boom')
    record('older')
    clock.advance(61 * MINUTE)
    new EventReaper({ store, clock }).sweep()
    record('boom') // recreated: now more recent than the cache's "older" entry
    // 4097 keys: the least recently used one goes. Distinct reasons, as ten messages under one
    // reason would be aggregated into a single Event, and distinct sources, as one source may
    // record only 25 events about an object at once (the spam filter).
    for (let i = 0; i < 4095; i++) recordEvent(store, clock, d, 'Normal', `Other${i}`, 'other', `controller-${i}`)
    expect(record('boom').count).toBe(2)
  })

  it('skips an expired Event someone else deleted between its list and its delete', () => {
    const { clock, store, record, messages } = setup()
    record('a')
    record('b')
    clock.advance(61 * MINUTE)
    let raced = false
    const racing = withDelete(store, (kind, ns, name, opts) => {
      if (!raced) {
        raced = true
        store.delete(kind, ns, name) // `baton delete event` got there first
      }
      return store.delete(kind, ns, name, opts)
    })
    const reaper = new EventReaper({ store: racing, clock, ttlMs: 60 * MINUTE })
    expect(reaper.sweep()).toEqual({ deleted: 1, skipped: 1 })
    expect(messages()).toEqual([])
  })

  it('spares an expired Event renewed by a repeat between its list and its delete', () => {
    const { clock, store, record, messages } = setup()
    record('renewed')
    clock.advance(61 * MINUTE)
    const racing = withDelete(store, (kind, ns, name, opts) => {
      record('renewed') // count 2, lastTimestamp now: a new resourceVersion
      return store.delete(kind, ns, name, opts)
    })
    const reaper = new EventReaper({ store: racing, clock, ttlMs: 60 * MINUTE })
    expect(reaper.sweep()).toEqual({ deleted: 0, skipped: 1 })
    expect(messages()).toEqual(['renewed x2'])
  })

  it('logs a failed sweep and keeps sweeping; stop() leaves no timer behind', () => {
    const { clock, store, record, messages } = setup()
    record('x')
    let failures = 0
    const failOnce = withDelete(store, (kind, ns, name, opts) => {
      if (failures++ === 0) throw new Error('disk full')
      return store.delete(kind, ns, name, opts)
    })
    const errors: string[] = []
    const logger: Logger = { info() {}, debug() {}, error: (msg) => void errors.push(msg), with: () => logger }
    const reaper = new EventReaper({ store: failOnce, clock, ttlMs: 60 * MINUTE, intervalMs: 5 * MINUTE, logger })
    reaper.start()
    reaper.start() // idempotent: still one timer
    expect(clock.pendingTimers()).toBe(1)
    clock.advance(65 * MINUTE) // the 01:05 sweep fails
    expect(errors).toEqual(['event sweep failed'])
    expect(messages()).toEqual(['x x1'])
    clock.advance(5 * MINUTE) // 01:10 retries
    expect(messages()).toEqual([])
    reaper.stop()
    expect(clock.pendingTimers()).toBe(0)
  })

  it('refuses a TTL or interval that is not positive', () => {
    const { clock, store } = setup()
    expect(() => new EventReaper({ store, clock, ttlMs: 0 })).toThrow(/positive ttlMs/)
    expect(() => new EventReaper({ store, clock, intervalMs: -1 })).toThrow(/positive ttlMs/)
  })

  it('sweeps across namespaces', () => {
    const { clock, store } = setup()
    const ev = (namespace: string): Event => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `e-${namespace}`, namespace },
      involvedObject: { kind: 'Deployment', name: 'web', namespace },
      reason: 'R',
      message: 'm',
      type: 'Normal',
      lastTimestamp: '2026-01-01T00:00:00Z',
    })
    store.create(ev('default'))
    store.create(ev('shop'))
    clock.advance(61 * MINUTE)
    expect(new EventReaper({ store, clock }).sweep()).toEqual({ deleted: 2, skipped: 0 })
    expect(store.list('Event').items).toEqual([])
  })
})
