import { describe, expect, it } from 'vitest'
import type { Endpoints } from '../../api/types.ts'
import { aService } from '../../../test/support/builders.ts'
import {
  type EndpointsWorld,
  LAST_CHANGE_ANNOTATION,
  desiredEndpoints,
  planEndpoints,
  resolveHostPort,
  servicesSelecting,
} from './plan.ts'
import { aServingPod } from './testing.ts'
import type { Pod } from '../../api/types.ts'
import { WARM_UNTIL_ANNOTATION } from '../../api/warm-window.ts'

const warm = (pod: Pod): Pod => ({
  ...pod,
  metadata: { ...pod.metadata, annotations: { [WARM_UNTIL_ANNOTATION]: '2026-01-01T00:01:00Z' } },
})

describe('desiredEndpoints', () => {
  it.each([
    {
      name: 'ready pod under addresses, with its hostPort for a named targetPort',
      pods: [aServingPod('web-1')],
      want: [{ addresses: ['web-1'], ports: [{ name: 'http', port: 30001, protocol: 'TCP' }] }],
    },
    {
      name: 'not-ready pod under notReadyAddresses',
      pods: [aServingPod('web-1', { ready: false })],
      want: [{ notReadyAddresses: ['web-1'], ports: [{ name: 'http', port: 30001, protocol: 'TCP' }] }],
    },
    {
      name: 'terminating pod left out (drain starts here)',
      pods: [aServingPod('web-1', { terminating: true })],
      want: [],
    },
    { name: 'finished pod left out', pods: [aServingPod('web-1', { phase: 'Succeeded' })], want: [] },
    {
      name: 'pod kept warm by a warm window left out (still running, out of service)',
      pods: [warm(aServingPod('web-1'))],
      want: [],
    },
    { name: 'pod of another app left out', pods: [aServingPod('db-1', { labels: { app: 'db' } })], want: [] },
    {
      name: 'pod without the named port left out',
      pods: [aServingPod('web-1', { ports: [{ containerPort: 9000, hostPort: 30009, name: 'admin' }] })],
      want: [],
    },
    {
      name: 'one subset per pod, sorted by name',
      pods: [
        aServingPod('web-b', { ports: [{ containerPort: 8080, hostPort: 30002, name: 'http' }] }),
        aServingPod('web-a'),
      ],
      want: [
        { addresses: ['web-a'], ports: [{ name: 'http', port: 30001, protocol: 'TCP' }] },
        { addresses: ['web-b'], ports: [{ name: 'http', port: 30002, protocol: 'TCP' }] },
      ],
    },
  ])('$name', ({ pods, want }) => {
    const ep = desiredEndpoints(aService({ name: 'web' }), pods)
    const got = (ep.subsets ?? []).map((s) => ({
      ...(s.addresses ? { addresses: s.addresses.map((a) => a.targetRef!.name) } : {}),
      ...(s.notReadyAddresses ? { notReadyAddresses: s.notReadyAddresses.map((a) => a.targetRef!.name) } : {}),
      ports: s.ports,
    }))
    expect(got).toEqual(want)
  })

  it('points each address at 127.0.0.1 and its pod', () => {
    const ep = desiredEndpoints(aService({ name: 'web' }), [aServingPod('web-1')])
    expect(ep.subsets![0]!.addresses![0]).toEqual({
      ip: '127.0.0.1',
      targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'uid-web-1' },
    })
  })

  const member = (hostname: string | undefined, subdomain: string | undefined, namespace = 'default') => {
    const pod = aServingPod('web-0')
    return {
      ...pod,
      metadata: { ...pod.metadata, namespace },
      spec: {
        ...pod.spec,
        ...(hostname !== undefined ? { hostname } : {}),
        ...(subdomain !== undefined ? { subdomain } : {}),
      },
    }
  }
  // Upstream's ShouldSetHostname cases (endpointslice util): the hostname is published only
  // for a pod that names the service as its subdomain, in its namespace.
  it.each([
    { name: 'hostname and subdomain naming the service', pod: member('web-0', 'web'), want: 'web-0' },
    { name: 'no hostname', pod: member(undefined, 'web'), want: undefined },
    { name: 'empty hostname', pod: member('', 'web'), want: undefined },
    { name: 'subdomain naming another service', pod: member('web-0', 'db'), want: undefined },
    { name: 'no subdomain', pod: member('web-0', undefined), want: undefined },
  ])('address hostname: $name', ({ pod, want }) => {
    const ep = desiredEndpoints(aService({ name: 'web', clusterIP: 'None' }), [pod])
    expect(ep.subsets?.[0]?.addresses?.[0]?.hostname).toBe(want)
  })

  it('lists the pods of a headless Service without ports, and of no other port-less Service', () => {
    const pod = member('web-0', 'web')
    const headless = desiredEndpoints(aService({ name: 'web', clusterIP: 'None', ports: [] }), [pod])
    expect(headless.subsets).toEqual([
      { addresses: [{ ip: '127.0.0.1', hostname: 'web-0', targetRef: expect.objectContaining({ name: 'web-0' }) }] },
    ])
    expect(desiredEndpoints(aService({ name: 'web', ports: [] }), [pod]).subsets).toEqual([])
  })
})

describe('resolveHostPort', () => {
  const pod = aServingPod('p', {
    ports: [
      { containerPort: 8080, hostPort: 30001, name: 'http' },
      { containerPort: 9090, hostPort: 30002 },
    ],
  })
  it.each([
    { name: 'targetPort by name', sp: { port: 80, targetPort: 'http' }, want: 30001 },
    { name: 'targetPort by number', sp: { port: 80, targetPort: 9090 }, want: 30002 },
    { name: 'no targetPort: the service port number', sp: { port: 8080 }, want: 30001 },
    { name: 'unknown name', sp: { port: 80, targetPort: 'grpc' }, want: undefined },
    { name: 'unmapped number', sp: { port: 80, targetPort: 7000 }, want: undefined },
  ])('$name', ({ sp, want }) => {
    expect(resolveHostPort(pod, sp)).toBe(want)
  })
})

it('servicesSelecting finds the services whose selector matches the pod', () => {
  const web = aService({ name: 'web' })
  const db = aService({ name: 'db', selector: { app: 'db' } })
  const none = aService({ name: 'manual', selector: {} })
  expect(servicesSelecting(aServingPod('web-1'), [web, db, none]).map((s) => s.metadata.name)).toEqual(['web'])
})

describe('planEndpoints', () => {
  const NOW = '2026-01-01T00:00:05Z'
  const stamped = (ep: Endpoints, at = '2026-01-01T00:00:00Z'): Endpoints => ({
    ...ep,
    metadata: { ...ep.metadata, resourceVersion: '7', annotations: { [LAST_CHANGE_ANNOTATION]: at } },
  })
  const current = stamped(desiredEndpoints(aService({ name: 'web' }), [aServingPod('web-1')]))
  it.each([
    {
      name: 'no service, no endpoints: nothing',
      world: { service: undefined, current: undefined, pods: [] },
      want: { type: 'none', why: 'unmanaged' },
    },
    {
      name: 'no service, endpoints it wrote: delete',
      world: { service: undefined, current, pods: [] },
      want: { type: 'delete' },
    },
    {
      name: 'no service, hand-made endpoints: left alone',
      world: { service: undefined, current: desiredEndpoints(aService({ name: 'web' }), []), pods: [] },
      want: { type: 'none', why: 'unmanaged' },
    },
    {
      name: 'a selector-less service: left alone',
      world: { service: aService({ name: 'web', selector: {} }), current: undefined, pods: [aServingPod('web-1')] },
      want: { type: 'none', why: 'unmanaged' },
    },
    {
      name: 'the same pods: unchanged',
      world: { service: aService({ name: 'web' }), current, pods: [aServingPod('web-1')] },
      want: { type: 'none', why: 'unchanged' },
    },
    {
      name: 'no endpoints yet: create, stamped now',
      world: { service: aService({ name: 'web' }), current: undefined, pods: [aServingPod('web-1')] },
      want: {
        type: 'create',
        endpoints: {
          metadata: { name: 'web', annotations: { [LAST_CHANGE_ANNOTATION]: NOW } },
          subsets: current.subsets,
        },
      },
    },
    {
      name: 'a pod went: update with the read resourceVersion, stamped now',
      world: { service: aService({ name: 'web' }), current, pods: [aServingPod('web-1', { terminating: true })] },
      want: {
        type: 'update',
        endpoints: { metadata: { resourceVersion: '7', annotations: { [LAST_CHANGE_ANNOTATION]: NOW } }, subsets: [] },
      },
    },
  ] satisfies Array<{ name: string; world: EndpointsWorld; want: unknown }>)('$name', ({ world, want }) => {
    expect(planEndpoints(world, NOW)).toMatchObject(want)
  })
})
