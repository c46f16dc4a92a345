import { describe, expect, it } from 'vitest'
import type { Endpoints } from '../../api/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { errorOf } from '../../../test/support/status-body.ts'
import { createApiApp } from '../app.ts'
import { slicesOf } from './endpoint-slices.ts'

const pod = (name: string) => ({ kind: 'Pod' as const, name, namespace: 'default', uid: `uid-${name}` })
const ENDPOINTS: Endpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  subsets: [
    {
      addresses: [{ ip: '127.0.0.1', targetRef: pod('web-a') }],
      ports: [{ name: 'http', port: 40001, protocol: 'TCP' }],
    },
    {
      notReadyAddresses: [{ ip: '127.0.0.1', targetRef: pod('web-b') }],
      ports: [{ name: 'http', port: 40002, protocol: 'TCP' }],
    },
    {
      addresses: [{ ip: '127.0.0.1', targetRef: pod('web-c') }],
      ports: [{ name: 'http', port: 40001, protocol: 'TCP' }],
    },
  ],
}

describe('EndpointSlices derived from Endpoints', () => {
  it('puts the endpoints of one port list in one slice, labelled with the service name, ready or not', () => {
    const slices = slicesOf(ENDPOINTS, 'svc-uid')
    expect(
      slices.map((s) => [s.ports.map((p) => p.port), s.endpoints.map((e) => [e.targetRef?.name, e.conditions.ready])]),
    ).toEqual([
      [
        [40001],
        [
          ['web-a', true],
          ['web-c', true],
        ],
      ],
      [[40002], [['web-b', false]]],
    ])
    for (const s of slices) {
      expect(s.metadata.labels['kubernetes.io/service-name']).toBe('web')
      expect(s.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', uid: 'svc-uid' })
      expect(s.metadata.name).toMatch(/^web-[0-9a-f]{5}$/)
    }
    // The same Endpoints give the same names: a slice keeps its name from one read to the next.
    expect(slicesOf(ENDPOINTS).map((s) => s.metadata.name)).toEqual(slices.map((s) => s.metadata.name))
  })

  it('serves them read-only in discovery.k8s.io/v1, selectable by the service-name label', async () => {
    const clock = new FakeClock()
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    store.create(ENDPOINTS)
    store.create({ ...ENDPOINTS, metadata: { name: 'other', namespace: 'default' }, subsets: [] })
    const app = createApiApp({ store, token: 't', clock, version: '1' })
    const get = (path: string, init: RequestInit = {}) =>
      app.request(path, { ...init, headers: { authorization: 'Bearer t', 'content-type': 'application/json' } })
    const list = (await (
      await get(
        '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb',
      )
    ).json()) as { kind: string; items: Array<{ metadata: { name: string } }> }
    expect(list.kind).toBe('EndpointSliceList')
    expect(list.items).toHaveLength(2)
    const one = await get(`/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${list.items[0]!.metadata.name}`)
    expect(one.status).toBe(200)
    expect((await get('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/nope')).status).toBe(404)
    const post = await get('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      method: 'POST',
      body: '{}',
    })
    expect(post.status).toBe(405)
    expect(await errorOf(post)).toMatchObject({ reason: 'MethodNotAllowed' })
    const resources = (await (await get('/apis/discovery.k8s.io/v1')).json()) as { resources: Array<{ name: string }> }
    expect(resources.resources.map((r) => r.name)).toEqual(['endpointslices'])
  })
})
