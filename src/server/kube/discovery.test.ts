import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createApiApp } from '../app.ts'
import { AGGREGATED_CONTENT_TYPE, wantsAggregated } from './discovery.ts'

const TOKEN = 't'
const clock = new FakeClock()
const app = createApiApp({
  store: createMemoryStore({ clock, ids: sequentialIds() }),
  token: TOKEN,
  clock,
  version: '0.1.0',
})
/** What kubectl v1.35 sends for /api and /apis. */
const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'
const get = (path: string, accept = 'application/json') =>
  app.request(path, { headers: { authorization: `Bearer ${TOKEN}`, accept } })

type Resource = { name: string; shortNames?: string[]; categories?: string[]; kind: string; namespaced: boolean }

describe('legacy discovery', () => {
  it('answers /api, /apis and /apis/apps as kube-apiserver does', async () => {
    expect(await (await get('/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] })
    expect(await (await get('/apis')).json()).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'apps',
          versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
        },
        {
          name: 'argoproj.io',
          versions: [{ groupVersion: 'argoproj.io/v1alpha1', version: 'v1alpha1' }],
          preferredVersion: { groupVersion: 'argoproj.io/v1alpha1', version: 'v1alpha1' },
        },
        {
          name: 'discovery.k8s.io',
          versions: [{ groupVersion: 'discovery.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' },
        },
        {
          name: 'events.k8s.io',
          versions: [{ groupVersion: 'events.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'events.k8s.io/v1', version: 'v1' },
        },
        {
          name: 'node.k8s.io',
          versions: [{ groupVersion: 'node.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'node.k8s.io/v1', version: 'v1' },
        },
      ],
    })
    expect(await (await get('/apis/apps')).json()).toMatchObject({ kind: 'APIGroup', name: 'apps' })
  })

  it.each([
    { path: '/apis/apps/v1', name: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'] },
    { path: '/apis/apps/v1', name: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'] },
    { path: '/api/v1', name: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'] },
    { path: '/api/v1', name: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'] },
    { path: '/api/v1', name: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'], categories: undefined },
    {
      path: '/api/v1',
      name: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      shortNames: ['pvc'],
      categories: undefined,
    },
    {
      path: '/apis/argoproj.io/v1alpha1',
      name: 'rollouts',
      kind: 'Rollout',
      shortNames: ['ro'],
      categories: undefined,
    },
  ])('$path lists $name ($kind)', async ({ path, name, kind, shortNames, categories }) => {
    const list = (await (await get(path)).json()) as { kind: string; resources: Resource[] }
    expect(list.kind).toBe('APIResourceList')
    const r = list.resources.find((x) => x.name === name)
    expect(r).toMatchObject({
      kind,
      namespaced: true,
      shortNames,
      verbs: expect.arrayContaining(['get', 'list', 'watch', 'patch']),
    })
    expect(r?.categories).toEqual(categories)
  })

  it('names the Scale kind of the scale subresources, and pods/log', async () => {
    const apps = (await (await get('/apis/apps/v1')).json()) as { resources: Array<Record<string, unknown>> }
    expect(apps.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    })
    const core = (await (await get('/api/v1')).json()) as { resources: Array<Record<string, unknown>> }
    expect(core.resources.find((r) => r.name === 'pods/log')).toMatchObject({ kind: 'Pod', verbs: ['get'] })
  })
})

describe('aggregated discovery (apidiscovery.k8s.io/v2)', () => {
  it.each([
    { accept: KUBECTL_ACCEPT, wants: true },
    { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList', wants: false },
    { accept: 'application/json, */*', wants: false },
  ])('Accept $accept -> $wants', ({ accept, wants }) => {
    expect(wantsAggregated(accept)).toBe(wants)
  })

  it('answers kubectl with the aggregated document and its content type', async () => {
    const res = await get('/apis', KUBECTL_ACCEPT)
    expect(res.headers.get('content-type')).toBe(AGGREGATED_CONTENT_TYPE)
    const doc = (await res.json()) as {
      kind: string
      items: Array<{
        metadata: { name?: string }
        versions: Array<{ version: string; resources: Array<Record<string, unknown>> }>
      }>
    }
    expect(doc.kind).toBe('APIGroupDiscoveryList')
    expect(doc.items.map((i) => i.metadata.name)).toEqual([
      'apps',
      'argoproj.io',
      'discovery.k8s.io',
      'events.k8s.io',
      'node.k8s.io',
    ])
    const deployments = doc.items[0]?.versions[0]?.resources.find((r) => r.resource === 'deployments')
    expect(deployments).toMatchObject({
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: expect.arrayContaining([
        {
          subresource: 'scale',
          responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
          verbs: ['get', 'patch', 'update'],
        },
      ]),
    })
    const core = (await (await get('/api', KUBECTL_ACCEPT)).json()) as typeof doc
    expect(core.items[0]?.versions[0]?.resources.map((r) => r.resource)).toContain('pods')
  })
})

it('serves /version in kube-apiserver shape with Baton version kept', async () => {
  expect(await (await get('/version')).json()).toMatchObject({
    major: '1',
    minor: '35',
    gitVersion: 'v1.35.0+baton.0.1.0',
    version: '0.1.0',
  })
})

it('answers a body it cannot read (CBOR) with 415 naming the media type', async () => {
  const res = await app.request('/apis/apps/v1/namespaces/default/deployments', {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/cbor' },
    body: new Uint8Array([0xa0]),
  })
  expect(res.status).toBe(415)
  expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 })
})
