import { describe, expect, it } from 'vitest'
import { desiredEndpoints, resolveHostPort, servicesSelecting } from './plan.ts'
import { aServingPod } from './testing.ts'
import { aService } from '../../../test/support/builders.ts'

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
    { name: 'terminating pod left out (drain starts here)', pods: [aServingPod('web-1', { terminating: true })], want: [] },
    { name: 'finished pod left out', pods: [aServingPod('web-1', { phase: 'Succeeded' })], want: [] },
    { name: 'pod of another app left out', pods: [aServingPod('db-1', { labels: { app: 'db' } })], want: [] },
    {
      name: 'pod without the named port left out',
      pods: [aServingPod('web-1', { ports: [{ containerPort: 9000, hostPort: 30009, name: 'admin' }] })],
      want: [],
    },
    {
      name: 'one subset per pod, sorted by name',
      pods: [aServingPod('web-b', { ports: [{ containerPort: 8080, hostPort: 30002, name: 'http' }] }), aServingPod('web-a')],
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
