import { describe, expect, it } from 'vitest'
import { aPod, at } from '../../../test/support/builders.ts'
import type { Event } from '../../api/types.ts'
import { groupStartupProbeEvents, type EventRow } from './startup-probe-events.ts'

const ev = (pod: string, reason: string, message: string, s: number, count = 1): Event => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${pod}.${s}`, namespace: 'default' },
  involvedObject: { kind: 'Pod', name: pod, namespace: 'default' },
  reason,
  message,
  type: reason === 'Unhealthy' ? 'Warning' : 'Normal',
  count,
  lastTimestamp: at(s),
})

const readyPod = (name: string) => aPod({ name, readySince: 0 })
const unreadyPod = (name: string) => aPod({ name })

const text = (rows: EventRow[]) =>
  rows.map((r) => ('folded' in r ? `folded ×${r.folded.count}: ${r.folded.message}` : r.event.metadata.name))

describe('groupStartupProbeEvents', () => {
  it.each([
    {
      name: 'failures of pods that are ready now fold into one row where the newest was',
      events: [
        ev('b', 'Started', 'Started container', 9),
        ev('b', 'Unhealthy', 'Readiness probe failed: connection refused', 8, 2),
        ev('a', 'Unhealthy', 'Readiness probe failed: connection refused', 7, 3),
      ],
      pods: [readyPod('a'), readyPod('b')],
      rows: [
        'b.9',
        'folded ×5: Readiness probe failed while starting on 2 pods that are ready now (normal while an app starts)',
      ],
    },
    {
      name: 'a pod still not ready keeps its failures: they may be why the rollout is stuck',
      events: [
        ev('a', 'Unhealthy', 'Readiness probe failed: 500', 7),
        ev('c', 'Unhealthy', 'Readiness probe failed: 500', 6),
      ],
      pods: [readyPod('a'), unreadyPod('c')],
      rows: [
        'folded ×1: Readiness probe failed while starting on 1 pod that is ready now (normal while an app starts)',
        'c.6',
      ],
    },
    {
      name: 'liveness failures are never folded',
      events: [ev('a', 'Unhealthy', 'Liveness probe failed: timeout', 7)],
      pods: [readyPod('a')],
      rows: ['a.7'],
    },
  ])('$name', ({ events, pods, rows }) => {
    expect(text(groupStartupProbeEvents(events, pods))).toEqual(rows)
  })
})
