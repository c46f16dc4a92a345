import { describe, expect, it } from 'vitest'
import { errorOf } from '../../../test/support/status-body.ts'
import type { Event } from '../../api/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { createApiApp } from '../app.ts'
import { coreFieldSelector, toEventsV1 } from './events-v1.ts'

const TOKEN = 't'
const V1 = '/apis/events.k8s.io/v1'

function anEvent(name: string, regarding: string, reason: string): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: regarding, namespace: 'default' },
    reason,
    message: `${reason} ${regarding}`,
    type: 'Normal',
    source: { component: 'deployment-controller' },
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:00:05Z',
    count: 2,
  }
}

function setup() {
  const clock = new FakeClock()
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  store.create(anEvent('web.1', 'web', 'ScalingReplicaSet'))
  store.create(anEvent('api.1', 'api', 'ScalingReplicaSet'))
  const app = createApiApp({ store, token: TOKEN, clock, version: '1' })
  const req = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } })
  return { store, req }
}

describe('toEventsV1', () => {
  it('converts the core fields as kube-apiserver does', () => {
    expect(toEventsV1(anEvent('web.1', 'web', 'Scaled'))).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      eventTime: null,
      reason: 'Scaled',
      regarding: { kind: 'Deployment', name: 'web' },
      note: 'Scaled web',
      type: 'Normal',
      reportingController: 'deployment-controller',
      deprecatedSource: { component: 'deployment-controller' },
      deprecatedFirstTimestamp: '2026-01-01T00:00:00Z',
      deprecatedLastTimestamp: '2026-01-01T00:00:05Z',
      deprecatedCount: 2,
    })
  })
})

describe('coreFieldSelector', () => {
  const cases = [
    { v1: 'regarding.name=web', core: ['involvedObject', 'name'] },
    { v1: 'note=hi', core: ['message'] },
    { v1: 'reportingController=kubelet', core: ['reportingComponent'] },
    { v1: 'metadata.name=x', core: ['metadata', 'name'] },
    { v1: 'reason=Pulled', core: ['reason'] },
  ]
  it.each(cases)('$v1 is matched on $core', ({ v1, core }) => {
    expect(coreFieldSelector(v1)[0]!.path).toEqual(core)
  })
})

describe('/apis/events.k8s.io/v1', () => {
  it('lists the stored events, converted, filtered by a v1 field selector', async () => {
    const { req } = setup()
    const all = (await (await req(`${V1}/namespaces/default/events`)).json()) as { kind: string; items: unknown[] }
    expect(all.kind).toBe('EventList')
    expect(all.items).toHaveLength(2)
    const web = (await (await req(`${V1}/events?fieldSelector=regarding.name%3Dweb`)).json()) as {
      items: Array<{ note: string }>
    }
    expect(web.items.map((e) => e.note)).toEqual(['ScalingReplicaSet web'])
  })

  it('gets one event, and answers a missing one with a NotFound naming events.events.k8s.io', async () => {
    const { req } = setup()
    expect(await (await req(`${V1}/namespaces/default/events/web.1`)).json()).toMatchObject({
      note: 'ScalingReplicaSet web',
    })
    const res = await req(`${V1}/namespaces/default/events/nope`)
    expect(res.status).toBe(404)
    expect((await errorOf(res)).message).toBe('events.events.k8s.io "nope" not found')
  })

  it('refuses writes with 405, leaving the events as they were', async () => {
    const { req, store } = setup()
    const res = await req(`${V1}/namespaces/default/events/web.1`, { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect((await errorOf(res)).hint).toMatch(/kubectl events/)
    expect(store.list('Event').items).toHaveLength(2)
  })

  it('is listed in discovery as namespaced, get, list and watch', async () => {
    const { req } = setup()
    const list = (await (await req(`${V1}`)).json()) as { resources: Array<Record<string, unknown>> }
    expect(list.resources).toEqual([
      expect.objectContaining({ name: 'events', namespaced: true, kind: 'Event', verbs: ['get', 'list', 'watch'] }),
    ])
  })
})
