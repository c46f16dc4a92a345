import { describe, expect, it } from 'vitest'
import { desiredEndpoints } from '../controllers/endpoints/plan.ts'
import { aServingPod } from '../controllers/endpoints/testing.ts'
import { aService } from '../../test/support/builders.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { desiredRoutes, proxyMode, RouteSyncer } from './route-sync.ts'
import type { LoadBalancerControl, ServiceRoute } from '../proxy/types.ts'

const pods = [
  aServingPod('web-1', { labels: { app: 'web', 'pod-template-hash': 'v1hash' } }),
  aServingPod('web-2', { ready: false, ports: [{ containerPort: 8080, hostPort: 30002, name: 'http' }] }),
]

describe('desiredRoutes', () => {
  it('routes a service port to its ready replicas, with their revision', () => {
    const svc = aService({ name: 'web' })
    const { routes, conflicts } = desiredRoutes([svc], [desiredEndpoints(svc, pods)], pods)
    expect(conflicts).toEqual([])
    expect(routes).toEqual([
      {
        namespace: 'default',
        service: 'web',
        portName: 'http',
        listen: { host: '127.0.0.1', port: 8000 },
        mode: 'http',
        backends: [{ podUid: 'uid-web-1', podName: 'web-1', revision: 'v1hash', host: '127.0.0.1', port: 30001 }],
      },
    ])
  })

  it.each([
    { name: 'ClusterIP on 127.0.0.1:port', svc: aService({ name: 'web' }), host: '0.0.0.0', want: ['0.0.0.0:8000'] },
    {
      name: 'annotation overrides the host',
      svc: aService({ name: 'web', annotations: { 'baton.dev/listen-address': '127.0.0.2' } }),
      host: '127.0.0.1',
      want: ['127.0.0.2:8000'],
    },
    {
      name: 'NodePort also listens on its nodePort',
      svc: aService({
        name: 'web',
        ports: [{ name: 'http', port: 8000, targetPort: 'http', nodePort: 30080 }],
        type: 'NodePort',
      }),
      host: '127.0.0.1',
      want: ['127.0.0.1:8000', '127.0.0.1:30080'],
    },
    {
      name: 'a headless Service (clusterIP: None) listens nowhere',
      svc: aService({ name: 'web', clusterIP: 'None' }),
      host: '127.0.0.1',
      want: [],
    },
    {
      name: 'UDP ports are not served',
      svc: aService({ name: 'web', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
      host: '127.0.0.1',
      want: [],
    },
  ])('listen address: $name', ({ svc, host, want }) => {
    const { routes } = desiredRoutes([svc], [], [], host)
    expect(routes.map((r) => `${r.listen.host}:${r.listen.port}`)).toEqual(want)
  })

  it('gives a contested address to the older service and reports the other', () => {
    const old = aService({ name: 'old', selector: { app: 'web' }, created: 0 })
    const young = aService({ name: 'young', selector: { app: 'web' }, created: 31 * 24 * 3600 })
    const { routes, conflicts } = desiredRoutes([young, old], [], [])
    expect(routes.map((r) => r.service)).toEqual(['old'])
    expect(conflicts).toEqual([
      {
        namespace: 'default',
        service: 'young',
        portName: 'http',
        message: '127.0.0.1:8000 is already used by service default/old',
      },
    ])
  })

  it.each([
    { sp: { port: 1, name: 'tcp-db' }, want: 'tcp' },
    { sp: { port: 1, name: 'tcp' }, want: 'tcp' },
    { sp: { port: 1, appProtocol: 'TCP' }, want: 'tcp' },
    { sp: { port: 1, name: 'http' }, want: 'http' },
    { sp: { port: 1, name: 'tcpish' }, want: 'http' },
  ])('mode of $sp is $want', ({ sp, want }) => {
    expect(proxyMode(sp)).toBe(want)
  })
})

describe('RouteSyncer', () => {
  it('pushes the table on changes and again after a failed push', async () => {
    const clock = new FakeClock()
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    const pushed: ServiceRoute[][] = []
    let fail = true
    const control = {
      async setRoutes(routes: ServiceRoute[]) {
        if (fail) {
          fail = false
          throw new Error('proxy down')
        }
        pushed.push(routes)
      },
    } as unknown as LoadBalancerControl
    const syncer = new RouteSyncer({ store, control, clock, resyncMs: 10_000 })
    syncer.start()
    store.create(aService({ name: 'web' }))
    clock.advance(0)
    await Promise.resolve()
    await new Promise((r) => setImmediate(r))
    expect(pushed).toEqual([]) // first push failed
    clock.advance(1_000) // retry
    await new Promise((r) => setImmediate(r))
    expect(pushed.length).toBe(1)
    expect(pushed[0]!.map((r) => r.service)).toEqual(['web'])
    syncer.stop()
  })
})
