import { describe, expect, it } from 'vitest'
import type { Event } from '../api/types.ts'
import { DEFAULT_EVENT_TTL_MS, eventLastSeen, expiredEvents } from './event-expiry.ts'

const HOUR = 60 * 60_000
const T = (hhmmss: string) => Date.parse(`2026-01-01T${hhmmss}Z`)
const ts = (hhmmss: string) => `2026-01-01T${hhmmss}Z`

function anEvent(
  name: string,
  times: { first?: string; last?: string; created?: string; count?: number; namespace?: string },
): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name,
      ...(times.namespace !== undefined ? { namespace: times.namespace } : {}),
      resourceVersion: '7',
      ...(times.created !== undefined ? { creationTimestamp: times.created } : {}),
    },
    involvedObject: { kind: 'Deployment', name: 'web', namespace: 'default' },
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set web-1 to 1',
    type: 'Normal',
    ...(times.first !== undefined ? { firstTimestamp: times.first } : {}),
    ...(times.last !== undefined ? { lastTimestamp: times.last } : {}),
    count: times.count ?? 1,
  }
}

describe('expiredEvents', () => {
  // Every case is judged at 12:00:00 with a 1h TTL unless it says otherwise.
  const cases: { name: string; event: Event; now?: number; ttlMs?: number; expired: boolean }[] = [
    {
      name: 'last seen more than a TTL ago',
      event: anEvent('old', { first: ts('10:00:00'), last: ts('10:59:59') }),
      expired: true,
    },
    {
      name: 'last seen exactly a TTL ago is kept (expiry is strictly after)',
      event: anEvent('edge', { first: ts('11:00:00'), last: ts('11:00:00') }),
      expired: false,
    },
    {
      name: 'last seen within the TTL',
      event: anEvent('fresh', { first: ts('11:30:00'), last: ts('11:30:00') }),
      expired: false,
    },
    {
      name: 'a repeat bumped count recently: first seen long ago, kept by its lastTimestamp',
      event: anEvent('repeated', { first: ts('02:00:00'), last: ts('11:59:00'), count: 57 }),
      expired: false,
    },
    {
      name: 'a repeated event whose last repeat is over a TTL old',
      event: anEvent('repeated-stale', { first: ts('02:00:00'), last: ts('10:30:00'), count: 57 }),
      expired: true,
    },
    {
      name: 'no lastTimestamp: firstTimestamp decides',
      event: anEvent('first-only', { first: ts('10:00:00') }),
      expired: true,
    },
    { name: 'only creationTimestamp, old', event: anEvent('created-only', { created: ts('09:00:00') }), expired: true },
    {
      name: 'only creationTimestamp, recent',
      event: anEvent('created-recent', { created: ts('11:59:00') }),
      expired: false,
    },
    {
      name: 'an unreadable lastTimestamp falls back to firstTimestamp',
      event: anEvent('garbled', { first: ts('09:00:00'), last: 'yesterday' }),
      expired: true,
    },
    { name: 'no readable timestamp at all is kept', event: anEvent('ageless', { last: 'soon' }), expired: false },
    {
      name: 'a shorter TTL (--event-ttl=30m)',
      event: anEvent('short', { last: ts('11:29:00') }),
      ttlMs: 30 * 60_000,
      expired: true,
    },
    {
      name: 'a clock behind the event (future timestamp) keeps it',
      event: anEvent('future', { last: ts('13:00:00') }),
      expired: false,
    },
  ]

  it.each(cases)('$name', ({ event, now, ttlMs, expired }) => {
    const got = expiredEvents([event], now ?? T('12:00:00'), ttlMs ?? DEFAULT_EVENT_TTL_MS)
    expect(got).toEqual(expired ? [{ namespace: 'default', name: event.metadata.name, resourceVersion: '7' }] : [])
  })

  it('keeps the input order and each event namespace', () => {
    const events = [
      anEvent('a', { last: ts('09:00:00'), namespace: 'shop' }),
      anEvent('b', { last: ts('11:45:00') }),
      anEvent('c', { last: ts('08:00:00') }),
    ]
    expect(expiredEvents(events, T('12:00:00'), HOUR).map((e) => `${e.namespace}/${e.name}`)).toEqual([
      'shop/a',
      'default/c',
    ])
  })

  it('eventLastSeen prefers lastTimestamp', () => {
    expect(eventLastSeen(anEvent('x', { first: ts('01:00:00'), last: ts('02:00:00'), created: ts('00:30:00') }))).toBe(
      T('02:00:00'),
    )
  })

  it('the default TTL is kube-apiserver --event-ttl default of one hour', () => {
    expect(DEFAULT_EVENT_TTL_MS).toBe(HOUR)
  })
})
