import { describe, expect, it } from 'vitest'
import { aDeployment } from '../../test/support/builders.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { configureEventCorrelation, recordEvent } from './record-event.ts'
import { recorded } from './testing.ts'

describe('recordEvent', () => {
  const setup = () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    const d = store.create<'Deployment'>(aDeployment({ name: 'busy' }))
    return { clock, store, d }
  }

  it('creates a v1 Event about the object, from the source', () => {
    const { store, clock, d } = setup()
    const ev = recordEvent(
      store,
      clock,
      d,
      'Normal',
      'ScalingReplicaSet',
      'Scaled up replica set busy-1 to 1',
      'deployment-controller',
    )
    expect(ev).toMatchObject({
      kind: 'Event',
      metadata: { namespace: 'default', name: expect.stringMatching(/^busy\.[0-9a-f]+$/) },
      involvedObject: {
        kind: 'Deployment',
        name: 'busy',
        namespace: 'default',
        uid: d.metadata.uid,
        apiVersion: 'apps/v1',
      },
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      source: { component: 'deployment-controller' },
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
      count: 1,
    })
  })

  it('aggregates identical repeats into count and lastTimestamp; a different message is a new event', () => {
    const { store, clock, d } = setup()
    recordEvent(store, clock, d, 'Warning', 'Failed', 'boom', 'kubelet')
    clock.advance(5000)
    recordEvent(store, clock, d, 'Warning', 'Failed', 'boom', 'kubelet')
    recordEvent(store, clock, d, 'Warning', 'Failed', 'other', 'kubelet')
    const events = store.list('Event').items.map((e) => [e.message, e.count, e.firstTimestamp, e.lastTimestamp])
    expect(events).toEqual(
      expect.arrayContaining([
        ['boom', 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z'],
        ['other', 1, '2026-01-01T00:00:05Z', '2026-01-01T00:00:05Z'],
      ]),
    )
    expect(events).toHaveLength(2)
  })

  describe('similar events (client-go EventAggregator)', () => {
    const messages = (store: ReturnType<typeof setup>['store']) =>
      store
        .list('Event')
        .items.map((e) => `${e.message} x${e.count}`)
        .sort()
    const scale = (s: ReturnType<typeof setup>, n: number) =>
      recorded(
        recordEvent(
          s.store,
          s.clock,
          s.d,
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set busy-1 to ${n}`,
          'deployment-controller',
        ),
      )

    it('records 9 distinct messages apart, then combines every further one into one Event', () => {
      const s = setup()
      for (let n = 1; n <= 9; n++) scale(s, n)
      expect(s.store.list('Event').items).toHaveLength(9)
      const first = scale(s, 10)
      expect(first.message).toBe('(combined from similar events): Scaled up replica set busy-1 to 10')
      expect(first.count).toBe(1)
      s.clock.advance(5_000)
      const later = scale(s, 11)
      expect(later.metadata.name).toBe(first.metadata.name)
      expect(later).toMatchObject({
        message: '(combined from similar events): Scaled up replica set busy-1 to 11',
        count: 2,
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: '2026-01-01T00:00:05Z',
      })
      expect(s.store.list('Event').items).toHaveLength(10)
    })

    it('keeps counting an identical repeat below the threshold on its own Event', () => {
      const s = setup()
      for (let n = 1; n <= 5; n++) scale(s, n)
      expect(scale(s, 3).count).toBe(2)
      expect(messages(s.store)).toContain('Scaled up replica set busy-1 to 3 x2')
    })

    it('starts over after 10 minutes without a similar event', () => {
      const s = setup()
      for (let n = 1; n <= 9; n++) scale(s, n)
      s.clock.advance(600_001)
      expect(scale(s, 10).message).toBe('Scaled up replica set busy-1 to 10')
    })

    it('does not mix objects, reasons or types', () => {
      const s = setup()
      const other = s.store.create<'Deployment'>(aDeployment({ name: 'other' }))
      for (let n = 1; n <= 9; n++) scale(s, n)
      recordEvent(
        s.store,
        s.clock,
        other,
        'Normal',
        'ScalingReplicaSet',
        'Scaled up replica set other-1 to 1',
        'deployment-controller',
      )
      recordEvent(
        s.store,
        s.clock,
        s.d,
        'Normal',
        'DeploymentPaused',
        'Deployment busy paused',
        'deployment-controller',
      )
      recordEvent(
        s.store,
        s.clock,
        s.d,
        'Warning',
        'ScalingReplicaSet',
        'Failed to scale busy-1',
        'deployment-controller',
      )
      expect(messages(s.store).filter((m) => m.startsWith('(combined'))).toEqual([])
    })
  })

  describe('spam filter (client-go EventSourceObjectSpamFilter)', () => {
    const created = (s: ReturnType<typeof setup>, n: number, source = 'replicaset-controller') =>
      recordEvent(s.store, s.clock, s.d, 'Normal', 'SuccessfulCreate', `Created pod: busy-1-${n}`, source)
    const written = (s: ReturnType<typeof setup>) =>
      s.store.list('Event').items.reduce((sum, e) => sum + (e.count ?? 1), 0)

    it('lets a source record 25 events about an object, then drops them until its bucket refills', () => {
      const s = setup()
      for (let n = 1; n <= 25; n++) recorded(created(s, n))
      // 9 Events apart, then one combined Event counting the other 16.
      expect(written(s)).toBe(25)
      s.clock.advance(100_000)
      const rv = s.store.currentResourceVersion()
      expect(created(s, 26)).toBeUndefined()
      expect(s.store.currentResourceVersion()).toBe(rv) // nothing written
      s.clock.advance(200_000) // 300 s after the 25th: one token back
      expect(recorded(created(s, 27)).message).toBe('(combined from similar events): Created pod: busy-1-27')
      expect(created(s, 28)).toBeUndefined()
      expect(written(s)).toBe(26)
    })

    it('keeps one bucket per source and object', () => {
      const s = setup()
      for (let n = 1; n <= 25; n++) created(s, n)
      expect(created(s, 26)).toBeUndefined()
      expect(created(s, 26, 'another-controller')).toBeDefined()
      const other = s.store.create<'Deployment'>(aDeployment({ name: 'other' }))
      expect(
        recordEvent(
          s.store,
          s.clock,
          other,
          'Normal',
          'SuccessfulCreate',
          'Created pod: other-1',
          'replicaset-controller',
        ),
      ).toBeDefined()
    })
  })

  it('with the limits lifted (the rollout preview), every event is written apart and in full', () => {
    const s = setup()
    configureEventCorrelation(s.store, {
      spamBurst: Number.POSITIVE_INFINITY,
      aggregateMaxEvents: Number.POSITIVE_INFINITY,
    })
    for (let n = 1; n <= 40; n++)
      recordEvent(
        s.store,
        s.clock,
        s.d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set busy-1 to ${n}`,
        'deployment-controller',
      )
    const messages = s.store.list('Event').items.map((e) => e.message)
    expect(messages).toHaveLength(40)
    expect(messages.filter((m) => m.startsWith('(combined'))).toEqual([])
  })
})
