import { describe, expect, it } from 'vitest'
import type { Endpoints } from '../../api/types.ts'
import type { WatchEventType } from '../../store/types.ts'
import { SliceWatch } from './endpoint-slice-watch.ts'
import { slicesOf } from './endpoint-slices.ts'

const pod = (name: string) => ({ kind: 'Pod' as const, name, namespace: 'default', uid: `uid-${name}` })

/** The Endpoints of Service web at resourceVersion rv: one ready replica per port, `notReady` ones after. */
function endpoints(rv: string, ports: number[], notReady: number[] = []): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default', resourceVersion: rv },
    subsets: [
      ...ports.map((port) => ({
        addresses: [{ ip: '127.0.0.1', targetRef: pod(`web-${port}`) }],
        ports: [{ name: 'http', port, protocol: 'TCP' as const }],
      })),
      ...notReady.map((port) => ({
        notReadyAddresses: [{ ip: '127.0.0.1', targetRef: pod(`web-${port}`) }],
        ports: [{ name: 'http', port, protocol: 'TCP' as const }],
      })),
    ],
  }
}

/** A slice event as [type, its endpoint's port, ready, resourceVersion]. */
type Seen = [string, number | undefined, boolean | undefined, string | undefined]

const derive = (ep: Endpoints) => slicesOf(ep, 'svc-uid')

const CASES: Array<{
  name: string
  start?: Endpoints[]
  events: Array<[WatchEventType, Endpoints]>
  want: Seen[][]
}> = [
  {
    name: 'a new Endpoints sends its slices as ADDED',
    events: [['ADDED', endpoints('5', [40001])]],
    want: [[['ADDED', 40001, true, '5']]],
  },
  {
    name: 'a scale-up sends only the new replica’s slice as ADDED, not the unchanged one',
    start: [endpoints('5', [40001])],
    events: [['MODIFIED', endpoints('6', [40001, 40002])]],
    want: [[['ADDED', 40002, true, '6']]],
  },
  {
    name: 'a replica turning ready sends its slice as MODIFIED',
    start: [endpoints('5', [40001], [40002])],
    events: [['MODIFIED', endpoints('6', [40001, 40002])]],
    want: [[['MODIFIED', 40002, true, '6']]],
  },
  {
    name: 'a scale-down sends the gone replica’s slice as DELETED at the new resourceVersion',
    start: [endpoints('5', [40001, 40002])],
    events: [['MODIFIED', endpoints('7', [40002])]],
    want: [[['DELETED', 40001, true, '7']]],
  },
  {
    name: 'an Endpoints change that changes no slice sends nothing',
    start: [endpoints('5', [40001])],
    events: [['MODIFIED', endpoints('6', [40001])]],
    want: [[]],
  },
  {
    name: 'a deleted Endpoints sends every slice it had as DELETED',
    start: [endpoints('5', [40001, 40002])],
    events: [['DELETED', endpoints('9', [40001, 40002])]],
    want: [
      [
        ['DELETED', 40001, true, '9'],
        ['DELETED', 40002, true, '9'],
      ],
    ],
  },
  {
    name: 'a replayed change of an Endpoints not seen at the start sends its slices with the event’s type',
    events: [
      ['MODIFIED', endpoints('6', [40001])],
      ['MODIFIED', endpoints('7', [40001, 40003])],
    ],
    want: [[['MODIFIED', 40001, true, '6']], [['ADDED', 40003, true, '7']]],
  },
]

describe('EndpointSlice watch events from Endpoints events', () => {
  it.each(CASES)('$name', ({ start, events, want }) => {
    const watch = new SliceWatch(derive, start)
    const got = events.map(([type, ep]) =>
      watch
        .events({ type, object: ep })
        .map(
          (e): Seen => [
            e.type,
            e.object.ports[0]?.port,
            e.object.endpoints[0]?.conditions.ready,
            e.object.metadata.resourceVersion,
          ],
        ),
    )
    expect(got).toEqual(want)
  })
})
