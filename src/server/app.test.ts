import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Deployment, Pod } from '../api/types.ts'
import type { ArtifactInfo, ArtifactStore } from '../artifacts/types.ts'
import { aDeployment } from '../../test/support/builders.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { createLogger } from '../platform/logger.ts'
import { errorOf } from '../../test/support/status-body.ts'
import { createApiApp } from './app.ts'
import type { LogSource } from './ports.ts'

const TOKEN = 'test-token'
const auth = { authorization: `Bearer ${TOKEN}` }
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments'

function manifest(name: string): Deployment {
  const d = aDeployment({ name, replicas: 3 })
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } }, spec: d.spec }
}

let store: ObjectStore
let clock: FakeClock
let app: ReturnType<typeof createApiApp>
let shutdowns: boolean[]
const logs: LogSource = {
  async *read(_ns, pod, container, opts) {
    yield `${pod}/${container} line 1`
    if (opts.tail !== 1) yield `${pod}/${container} line 2`
  },
}
const pushed: Array<{ ref: string; force: boolean }> = []
const artifacts: ArtifactStore = {
  async push(ref, _source, opts) {
    pushed.push({ ref, force: opts?.force === true })
    return {
      name: ref.split(':')[0]!,
      tag: ref.split(':')[1]!,
      digest: 'sha256:ab',
      size: 3,
      created: '2026-01-01T00:00:00Z',
    }
  },
  resolve: () => undefined,
  checkout: async () => {},
  list: (): ArtifactInfo[] => [
    { name: 'web', tag: 'v1', digest: 'sha256:ab', size: 3, created: '2026-01-01T00:00:00Z' },
  ],
}

beforeEach(() => {
  clock = new FakeClock()
  store = createMemoryStore({ clock, ids: sequentialIds() })
  shutdowns = []
  app = createApiApp({
    store,
    token: TOKEN,
    clock,
    version: '9.9.9',
    logs,
    artifacts,
    traffic: async () => ({ requests: 7 }),
    metrics: () => 'controller_runtime_reconcile_total{controller="c",result="success"} 3\n',
    shutdown: (all) => void shutdowns.push(all),
  })
})
afterEach(() => store.close())

const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method,
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })

describe('authentication', () => {
  const routes = [
    ['GET', '/version'],
    ['GET', DEPLOYMENTS],
    ['POST', DEPLOYMENTS],
    ['GET', `${DEPLOYMENTS}/web`],
    ['PUT', `${DEPLOYMENTS}/web`],
    ['PATCH', `${DEPLOYMENTS}/web`],
    ['DELETE', `${DEPLOYMENTS}/web`],
    ['GET', `${DEPLOYMENTS}/web/status`],
    ['PUT', `${DEPLOYMENTS}/web/scale`],
    ['GET', '/apis/apps/v1/deployments'],
    ['GET', '/api/v1/namespaces/default/pods?watch=true'],
    ['GET', '/api/v1/namespaces/default/pods/p/log'],
    ['POST', '/apis/baton.dev/v1/artifacts?ref=web:v1'],
    ['GET', '/apis/baton.dev/v1/artifacts'],
    ['GET', '/apis/baton.dev/v1/traffic'],
    ['GET', '/metrics'],
    ['POST', '/apis/baton.dev/v1/shutdown'],
    ['GET', '/no/such/route'],
  ] as const
  it.each(routes)('%s %s answers 401 without a token', async (method, path) => {
    const res = await app.request(path, { method })
    expect(res.status).toBe(401)
    expect(await errorOf(res)).toMatchObject({ code: 'BATON_UNAUTHORIZED', message: 'the API token is missing' })
  })
  it.each(routes)('%s %s answers 401 with a wrong token', async (method, path) => {
    const res = await app.request(path, { method, headers: { authorization: 'Bearer nope' } })
    expect(res.status).toBe(401)
    expect((await errorOf(res)).code).toBe('BATON_UNAUTHORIZED')
  })
})

describe('authentication, the header itself', () => {
  it.each([
    { name: 'another scheme', authorization: 'Basic dXNlcjpwYXNz', message: 'the API token is missing' },
    { name: 'Bearer without a token', authorization: 'Bearer', message: 'the API token is missing' },
    {
      name: 'a wrong token of another length',
      authorization: `Bearer ${TOKEN}-and-more`,
      message: 'the API token is wrong',
    },
  ])('$name: 401 BATON_UNAUTHORIZED with the hint', async ({ authorization, message }) => {
    const res = await app.request('/version', { headers: { authorization } })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Bearer')
    expect(await errorOf(res)).toMatchObject({
      code: 'BATON_UNAUTHORIZED',
      message,
      hint: expect.stringContaining('<data-dir>/token'),
    })
  })

  it('accepts the token whatever the case of the scheme', async () => {
    expect((await app.request('/version', { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200)
  })
})

describe('internal errors', () => {
  it('logs every 500 with its stack and cause before answering it', async () => {
    const lines: string[] = []
    const logger = createLogger({ write: (l) => lines.push(l) })
    const broken = createApiApp({
      store,
      token: TOKEN,
      clock,
      version: '9.9.9',
      logger,
      traffic: async () => {
        throw new TypeError('proxy exploded')
      },
    })
    const res = await broken.request('/apis/baton.dev/v1/traffic', { headers: auth })
    expect(res.status).toBe(500)
    expect(await errorOf(res)).toMatchObject({ code: 'BATON_INTERNAL', message: 'internal error: proxy exploded' })
    const [record] = lines.map((l) => JSON.parse(l))
    expect(record).toMatchObject({
      level: 'error',
      msg: 'api request failed',
      method: 'GET',
      path: '/apis/baton.dev/v1/traffic',
      status: 500,
      err: {
        code: 'BATON_INTERNAL',
        cause: { name: 'TypeError', message: 'proxy exploded', stack: expect.stringContaining('app.test.ts') },
      },
    })
  })

  it('does not log a 4xx', async () => {
    const lines: string[] = []
    const quiet = createApiApp({
      store,
      token: TOKEN,
      clock,
      version: '9.9.9',
      logger: createLogger({ write: (l) => lines.push(l) }),
    })
    expect((await quiet.request(`${DEPLOYMENTS}/missing`, { headers: auth })).status).toBe(404)
    expect(lines).toEqual([])
  })
})

describe('objects', () => {
  it('creates (defaulted), reads, lists across namespaces and by label', async () => {
    const created = await send('POST', DEPLOYMENTS, manifest('web'))
    expect(created.status).toBe(201)
    const body = (await created.json()) as Deployment
    expect(body.metadata.namespace).toBe('default')
    expect(body.spec.revisionHistoryLimit).toBe(10)
    await send('POST', DEPLOYMENTS, manifest('api'))

    expect(((await (await send('GET', `${DEPLOYMENTS}/web`)).json()) as Deployment).metadata.uid).toBe(
      body.metadata.uid,
    )
    const all = await (await send('GET', '/apis/apps/v1/deployments')).json()
    expect(all).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1' })
    expect(all.items.map((d: Deployment) => d.metadata.name)).toEqual(['api', 'web'])
    const selected = await (await send('GET', `${DEPLOYMENTS}?labelSelector=app%3Dweb`)).json()
    expect(selected.items.map((d: Deployment) => d.metadata.name)).toEqual(['web'])
    const byField = await (await send('GET', `${DEPLOYMENTS}?fieldSelector=metadata.name%3Dapi`)).json()
    expect(byField.items.map((d: Deployment) => d.metadata.name)).toEqual(['api'])
  })

  it('binds a bare Pod that names no node to the one node, as the scheduler would; one that names it keeps it', async () => {
    const pod = (name: string, spec: object = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'app', image: 'web:v1' }], ...spec },
    })
    const PODS = '/api/v1/namespaces/default/pods'
    for (const [name, spec] of [
      ['bare', {}],
      ['placed', { nodeName: 'baton-node' }],
    ] as const) {
      const res = await send('POST', PODS, pod(name, spec))
      expect(res.status).toBe(201)
      expect(((await res.json()) as Pod).spec.nodeName).toBe('baton-node')
      expect(store.get('Pod', 'default', name)?.spec.nodeName).toBe('baton-node')
    }
  })

  it('accepts YAML bodies', async () => {
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n`
    const res = await send('POST', '/api/v1/namespaces/default/configmaps', yaml, {
      'content-type': 'application/yaml',
    })
    expect(res.status).toBe(201)
    expect((await res.json()).data).toEqual({ a: '1' })
  })

  it.each([
    { name: 'malformed body', path: DEPLOYMENTS, body: '{not json', status: 400, code: 'BATON_MANIFEST_PARSE' },
    { name: 'empty body', path: DEPLOYMENTS, body: '', status: 400, code: 'BATON_BAD_REQUEST' },
    {
      name: 'kind does not match the path',
      path: '/api/v1/namespaces/default/services',
      body: manifest('web'),
      status: 400,
      code: 'BATON_BAD_REQUEST',
    },
    {
      name: 'namespace does not match',
      path: '/apis/apps/v1/namespaces/other/deployments',
      body: { ...manifest('web'), metadata: { name: 'web', namespace: 'default' } },
      status: 400,
      code: 'BATON_BAD_REQUEST',
    },
    {
      name: 'unknown resource',
      path: '/apis/apps/v1/namespaces/default/widgets',
      body: manifest('web'),
      status: 404,
      code: 'BATON_NOT_FOUND',
    },
  ])('rejects a create with $name ($status), storing nothing', async ({ path, body, status, code }) => {
    const res = await send('POST', path, body)
    expect(res.status).toBe(status)
    const err = await errorOf(res)
    expect(err.code).toBe(code)
    expect(err.hint).toBeTruthy()
    expect(store.list('Deployment').items).toHaveLength(0)
    expect(store.list('Service').items).toHaveLength(0)
  })

  it('answers 404 in the API server words and 409 for a duplicate or a stale resourceVersion', async () => {
    const missing = await send('GET', `${DEPLOYMENTS}/nope`)
    expect(missing.status).toBe(404)
    expect(await errorOf(missing)).toMatchObject({
      code: 'BATON_NOT_FOUND',
      message: 'deployments.apps "nope" not found',
    })

    const first = (await (await send('POST', DEPLOYMENTS, manifest('web'))).json()) as Deployment
    expect((await send('POST', DEPLOYMENTS, manifest('web'))).status).toBe(409)

    const v1 = { ...first, spec: { ...first.spec, replicas: 5 } }
    expect((await send('PUT', `${DEPLOYMENTS}/web`, v1)).status).toBe(200)
    const stale = await send('PUT', `${DEPLOYMENTS}/web`, { ...first, spec: { ...first.spec, replicas: 7 } })
    expect(stale.status).toBe(409)
    expect((await errorOf(stale)).code).toBe('BATON_CONFLICT')
    expect(store.get('Deployment', 'default', 'web')?.spec.replicas).toBe(5)
  })

  it('merge-patches, deletes and 404s afterwards', async () => {
    await send('POST', DEPLOYMENTS, manifest('web'))
    const patched = await send(
      'PATCH',
      `${DEPLOYMENTS}/web`,
      { spec: { paused: true } },
      { 'content-type': 'application/merge-patch+json' },
    )
    expect(patched.status).toBe(200)
    expect(((await patched.json()) as Deployment).spec.paused).toBe(true)
    expect((await send('DELETE', `${DEPLOYMENTS}/web?propagationPolicy=Background`)).status).toBe(200)
    expect((await send('GET', `${DEPLOYMENTS}/web`)).status).toBe(404)
    expect((await send('DELETE', `${DEPLOYMENTS}/web`)).status).toBe(404)
  })

  it('writes status through /status only', async () => {
    const d = (await (await send('POST', DEPLOYMENTS, manifest('web'))).json()) as Deployment
    const res = await send('PUT', `${DEPLOYMENTS}/web/status`, { ...d, status: { replicas: 3, observedGeneration: 1 } })
    expect(res.status).toBe(200)
    expect(store.get('Deployment', 'default', 'web')?.status?.replicas).toBe(3)
  })
})

describe('scale subresource', () => {
  it('reads and writes an autoscaling/v1 Scale', async () => {
    await send('POST', DEPLOYMENTS, manifest('web'))
    const scale = await (await send('GET', `${DEPLOYMENTS}/web/scale`)).json()
    expect(scale).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      spec: { replicas: 3 },
      status: { replicas: 0, selector: 'app=web' },
    })
    const put = await send('PUT', `${DEPLOYMENTS}/web/scale`, { spec: { replicas: 5 } })
    expect((await put.json()).spec.replicas).toBe(5)
    const patch = await send('PATCH', `${DEPLOYMENTS}/web/scale`, { spec: { replicas: 2 } })
    expect((await patch.json()).spec.replicas).toBe(2)
    expect(store.get('Deployment', 'default', 'web')?.spec.replicas).toBe(2)
  })
  it('rejects negative replicas (422) and stale versions (409)', async () => {
    const d = (await (await send('POST', DEPLOYMENTS, manifest('web'))).json()) as Deployment
    expect((await send('PUT', `${DEPLOYMENTS}/web/scale`, { spec: { replicas: -1 } })).status).toBe(422)
    await send('PUT', `${DEPLOYMENTS}/web/scale`, { spec: { replicas: 4 } })
    const stale = { metadata: { resourceVersion: d.metadata.resourceVersion }, spec: { replicas: 6 } }
    expect((await send('PUT', `${DEPLOYMENTS}/web/scale`, stale)).status).toBe(409)
    expect(store.get('Deployment', 'default', 'web')?.spec.replicas).toBe(4)
    expect((await send('GET', '/api/v1/namespaces/default/services/web/scale')).status).toBe(404)
  })
})

describe('watch', () => {
  async function readEvents(res: Response, count: number): Promise<Array<{ type: string; object: Deployment }>> {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (text.split('\n').filter(Boolean).length < count) {
      const { value, done } = await reader.read()
      if (done) break
      text += value
    }
    await reader.cancel()
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  }

  it('streams ADDED for what exists, then live changes, as NDJSON', async () => {
    await send('POST', DEPLOYMENTS, manifest('web'))
    const res = await send('GET', `${DEPLOYMENTS}?watch=true`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    await send('PATCH', `${DEPLOYMENTS}/web`, { spec: { replicas: 4 } })
    await send('DELETE', `${DEPLOYMENTS}/web`)
    const events = await readEvents(res, 3)
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED'])
    expect(events[1]!.object.spec.replicas).toBe(4)
  })

  it('resumes after a resourceVersion and filters by field selector', async () => {
    const web = (await (await send('POST', DEPLOYMENTS, manifest('web'))).json()) as Deployment
    await send('POST', DEPLOYMENTS, manifest('api'))
    const res = await send(
      'GET',
      `${DEPLOYMENTS}?watch=1&resourceVersion=${web.metadata.resourceVersion}&fieldSelector=metadata.name%3Dapi`,
    )
    const [ev] = await readEvents(res, 1)
    expect(ev).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'api' } } })
  })

  it('ends the stream at timeoutSeconds', async () => {
    const res = await send('GET', `${DEPLOYMENTS}?watch=true&timeoutSeconds=5`)
    clock.advance(5000)
    expect(await res.text()).toBe('')
  })
})

describe('baton endpoints', () => {
  it('serves version, traffic, artifacts and shutdown', async () => {
    expect(await (await send('GET', '/version')).json()).toMatchObject({ version: '9.9.9' })
    expect(await (await send('GET', '/apis/baton.dev/v1/traffic')).json()).toEqual({ requests: 7 })
    const push = await send('POST', '/apis/baton.dev/v1/artifacts?ref=web:v2&force=true', 'tgz', {
      'content-type': 'application/gzip',
    })
    expect(push.status).toBe(201)
    expect(pushed).toEqual([{ ref: 'web:v2', force: true }])
    expect((await (await send('GET', '/apis/baton.dev/v1/artifacts')).json()).items[0].tag).toBe('v1')
    expect((await send('POST', '/apis/baton.dev/v1/shutdown?all=true')).status).toBe(202)
    expect(shutdowns).toEqual([])
    clock.advance(0)
    expect(shutdowns).toEqual([true])
  })

  it('serves the control plane counters at /metrics in Prometheus text format', async () => {
    const res = await send('GET', '/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    expect(await res.text()).toBe('controller_runtime_reconcile_total{controller="c",result="success"} 3\n')
  })

  it('streams a pod log, choosing the only container', async () => {
    store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'web', image: 'web:v1' }] },
    })
    expect(await (await send('GET', '/api/v1/namespaces/default/pods/p/log')).text()).toBe(
      'p/web line 1\np/web line 2\n',
    )
    expect(await (await send('GET', '/api/v1/namespaces/default/pods/p/log?tailLines=1')).text()).toBe('p/web line 1\n')
    expect((await send('GET', '/api/v1/namespaces/default/pods/p/log?container=db')).status).toBe(400)
    expect((await send('GET', '/api/v1/namespaces/default/pods/q/log')).status).toBe(404)
  })
})

describe('validation', () => {
  it('answers 422 with field causes and stores nothing', async () => {
    const bad = manifest('web')
    bad.spec.replicas = -1
    const res = await send('POST', DEPLOYMENTS, bad)
    expect(res.status).toBe(422)
    const err = await errorOf(res)
    expect(err.code).toBe('BATON_INVALID')
    expect(err.causes.map((c: { field: string }) => c.field)).toContain('spec.replicas')
    expect(store.list('Deployment').items).toHaveLength(0)
  })
})

describe('watch from a compacted resourceVersion', () => {
  it('answers 410 BATON_GONE', async () => {
    const small = createMemoryStore({ clock, ids: sequentialIds(), historyLimit: 1 })
    const api = createApiApp({ store: small, token: TOKEN, clock, version: '1' })
    for (const n of ['a', 'b', 'c'])
      small.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'default' } })
    const res = await api.request('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1', {
      headers: auth,
    })
    expect(res.status).toBe(410)
    expect((await errorOf(res)).code).toBe('BATON_GONE')
    small.close()
  })
})
