import { describe, expect, it } from 'vitest'
import { aDeployment } from '../../test/support/builders.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { recordEvent } from './record-event.ts'

describe('recordEvent', () => {
  const setup = () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    const d = store.create<'Deployment'>(aDeployment({ name: 'busy' }))
    return { clock, store, d }
  }

  it('creates a v1 Event about the object, from the source', () => {
    const { store, clock, d } = setup()
    const ev = recordEvent(store, clock, d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set busy-1 to 1', 'deployment-controller')
    expect(ev).toMatchObject({
      kind: 'Event',
      metadata: { namespace: 'default', name: expect.stringMatching(/^busy\.[0-9a-f]+$/) },
      involvedObject: { kind: 'Deployment', name: 'busy', namespace: 'default', uid: d.metadata.uid, apiVersion: 'apps/v1' },
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
})
