import { beforeEach, describe, expect, it } from 'vitest'
import type { StatefulSet } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { createApiApp } from './app.ts'
import { errorOf } from '../../test/support/status-body.ts'

const TOKEN = 't'
const SETS = '/apis/apps/v1/namespaces/default/statefulsets'
let store: ObjectStore
let app: ReturnType<typeof createApiApp>

const SET = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db' },
  spec: {
    serviceName: 'db',
    replicas: 1,
    selector: { matchLabels: { app: 'db' } },
    template: {
      metadata: { labels: { app: 'db' } },
      spec: { containers: [{ name: 'db', image: 'db:v1', command: ['run'] }] },
    },
  },
}

beforeEach(() => {
  const clock = new FakeClock()
  store = createMemoryStore({ clock, ids: sequentialIds() })
  app = createApiApp({ store, token: TOKEN, clock, version: '0' })
})

const send = (method: string, path: string, body: unknown, contentType = 'application/json') =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
    body: JSON.stringify(body),
  })

describe('a StatefulSet update is checked against the stored set', () => {
  it.each([
    { name: 'serviceName', patch: { spec: { serviceName: 'other' } } },
    { name: 'podManagementPolicy', patch: { spec: { podManagementPolicy: 'Parallel' } } },
    {
      name: 'volumeClaimTemplates',
      patch: {
        spec: {
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
    },
  ])('a change of $name is refused on spec, and the set stays as it was', async ({ patch }) => {
    expect((await send('POST', SETS, SET)).status).toBe(201)
    const before = store.get('StatefulSet', 'default', 'db')
    const res = await send('PATCH', `${SETS}/db`, patch, 'application/merge-patch+json')
    expect(res.status).toBe(422)
    const body = await errorOf(res)
    expect(body.code).toBe('BATON_INVALID')
    expect(body.message).toBe('The StatefulSet "db" is invalid')
    expect(body.causes).toEqual([
      expect.objectContaining({
        field: 'spec',
        message: expect.stringMatching(/^Forbidden: updates to statefulset spec for fields other than 'replicas'/),
      }),
    ])
    expect(body.hint).toContain('--cascade=orphan')
    expect(store.get('StatefulSet', 'default', 'db')).toEqual(before)
  })

  it('does not count a default the stored set lacks (written before it existed) as a change', async () => {
    store.create<'StatefulSet'>(SET as StatefulSet) // straight to the store: no podManagementPolicy, no defaults
    const res = await send('PATCH', `${SETS}/db`, { spec: { replicas: 2 } }, 'application/merge-patch+json')
    expect(res.status).toBe(200)
    expect(store.get('StatefulSet', 'default', 'db')?.spec.podManagementPolicy).toBe('OrderedReady')
  })

  it('lets replicas, the template and the update strategy change (PUT)', async () => {
    const created = (await (await send('POST', SETS, SET)).json()) as StatefulSet
    const res = await send('PUT', `${SETS}/db`, {
      ...created,
      spec: {
        ...created.spec,
        replicas: 3,
        updateStrategy: { type: 'OnDelete' },
        template: {
          ...created.spec.template,
          spec: { containers: [{ name: 'db', image: 'db:v2', command: ['run'] }] },
        },
      },
    })
    expect(res.status).toBe(200)
    expect(store.get('StatefulSet', 'default', 'db')?.spec.replicas).toBe(3)
  })
})

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments'
const SERVICES = '/api/v1/namespaces/default/services'
const DEPLOYMENT = {
  ...SET,
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas: 1, selector: SET.spec.selector, template: SET.spec.template },
}
const SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { ports: [{ port: 5432 }] } }

describe('what else an update may not change', () => {
  it.each([
    {
      name: "a Deployment's selector",
      path: DEPLOYMENTS,
      obj: DEPLOYMENT,
      patch: {
        spec: { selector: { matchLabels: { app: 'db2' } }, template: { metadata: { labels: { app: 'db2' } } } },
      },
      field: 'spec.selector',
      hint: 'create a new object',
    },
    {
      name: 'a Service from load-balanced to headless',
      path: SERVICES,
      obj: SERVICE,
      patch: { spec: { clusterIP: 'None' } },
      field: 'spec.clusterIP',
      hint: 'delete the Service and create it again',
    },
    {
      name: 'a Service from headless to load-balanced',
      path: SERVICES,
      obj: { ...SERVICE, spec: { ...SERVICE.spec, clusterIP: 'None' } },
      patch: { spec: { clusterIP: null } },
      field: 'spec.clusterIP',
      hint: 'delete the Service and create it again',
    },
  ])('$name is refused as immutable, and the object stays as it was', async ({ path, obj, patch, field, hint }) => {
    expect((await send('POST', path, obj)).status).toBe(201)
    const kind = obj.kind as 'Deployment' | 'Service'
    const before = store.get(kind, 'default', obj.metadata.name)
    const res = await send('PATCH', `${path}/${obj.metadata.name}`, patch, 'application/merge-patch+json')
    expect(res.status).toBe(422)
    const body = await errorOf(res)
    expect(body.code).toBe('BATON_INVALID')
    expect(body.causes).toEqual([
      expect.objectContaining({ field, message: expect.stringMatching(/: field is immutable$/) }),
    ])
    expect(body.hint).toContain(hint)
    expect(store.get(kind, 'default', obj.metadata.name)).toEqual(before)
  })

  it('refuses a Service clusterIP Baton does not allocate, naming the field', async () => {
    const res = await send('POST', SERVICES, { ...SERVICE, spec: { ...SERVICE.spec, clusterIP: '10.96.0.10' } })
    expect(res.status).toBe(422)
    const body = await errorOf(res)
    expect(body.causes).toEqual([expect.objectContaining({ field: 'spec.clusterIP' })])
    expect(body.hint).toContain('clusterIP: None')
    expect(store.get('Service', 'default', 'db')).toBeUndefined()
  })
})
