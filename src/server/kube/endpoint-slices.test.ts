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

  it('watches them from a list: a new replica is ADDED, a deleted Endpoints DELETED, as Table rows too', async () => {
    const clock = new FakeClock()
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    const one: Endpoints = { ...ENDPOINTS, subsets: ENDPOINTS.subsets!.slice(0, 1) }
    const created = store.create<'Endpoints'>(one)
    const app = createApiApp({ store, token: 't', clock, version: '1' })
    const get = (path: string, accept = 'application/json') =>
      app.request(path, { headers: { authorization: 'Bearer t', accept } })
    const BASE_PATH = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices'
    const listed = (await (await get(BASE_PATH)).json()) as { metadata: { resourceVersion: string } }
    const watches = [
      await get(`${BASE_PATH}?watch=true&resourceVersion=${listed.metadata.resourceVersion}`),
      await get(
        `${BASE_PATH}?watch=1&resourceVersion=${listed.metadata.resourceVersion}`,
        'application/json;as=Table;v=v1;g=meta.k8s.io',
      ),
    ]
    const updated = store.update({ ...structuredClone(created), subsets: ENDPOINTS.subsets!.slice(0, 2) })
    store.delete('Endpoints', 'default', 'web')
    const [plain, table] = await Promise.all(watches.map((w) => lines(w, 3)))
    expect(
      plain!.map((e) => [e.type, e.object.ports[0]?.port, e.object.endpoints.map((p) => p.targetRef?.name)]),
    ).toEqual([
      ['ADDED', 40002, ['web-b']],
      ['DELETED', 40001, ['web-a']],
      ['DELETED', 40002, ['web-b']],
    ])
    expect(plain![0]!.object.metadata.resourceVersion).toBe(updated.metadata.resourceVersion)
    // kubectl get -w: one-row Tables, the column names in the first only.
    expect(table!.map((e) => [e.type, e.object.rows?.[0]?.cells[2], e.object.columnDefinitions?.length])).toEqual([
      ['ADDED', '40002', 5],
      ['DELETED', '40001', 0],
      ['DELETED', '40002', 0],
    ])
  })

  it('answers 410 Gone to a watch from a resourceVersion older than the history, as for stored kinds', async () => {
    const clock = new FakeClock()
    const store = createMemoryStore({ clock, ids: sequentialIds(), historyLimit: 1 })
    for (const name of ['a', 'b', 'c']) store.create({ ...ENDPOINTS, metadata: { name, namespace: 'default' } })
    const app = createApiApp({ store, token: 't', clock, version: '1' })
    const res = await app.request('/apis/discovery.k8s.io/v1/endpointslices?watch=true&resourceVersion=1', {
      headers: { authorization: 'Bearer t' },
    })
    expect(res.status).toBe(410)
    expect((await errorOf(res)).code).toBe('BATON_GONE')
  })

  it('answers a watch-list with the current slices and the initial-events-end bookmark', async () => {
    const clock = new FakeClock()
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    store.create(ENDPOINTS)
    const app = createApiApp({ store, token: 't', clock, version: '1' })
    const res = await app.request(
      '/apis/discovery.k8s.io/v1/endpointslices?watch=true&sendInitialEvents=true&allowWatchBookmarks=true',
      { headers: { authorization: 'Bearer t' } },
    )
    const events = await lines(res, 3)
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK'])
    expect(events[2]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' })
  })
})

interface WatchLine {
  type: string
  object: {
    metadata: { resourceVersion?: string; annotations?: Record<string, string> }
    ports: Array<{ port: number }>
    endpoints: Array<{ targetRef?: { name: string } }>
    rows?: Array<{ cells: unknown[] }>
    columnDefinitions?: unknown[]
  }
}

/** The first `n` events of a watch response; then the watch is closed. */
async function lines(res: Response, n: number): Promise<WatchLine[]> {
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  let text = ''
  while (text.split('\n').length <= n) text += new TextDecoder().decode((await reader.read()).value)
  await reader.cancel()
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as WatchLine)
}
