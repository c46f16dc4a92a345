import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../api/types.ts'
import type { ArtifactStore } from '../artifacts/types.ts'
import { aDeployment } from '../../test/support/builders.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { createApiApp } from './app.ts'
import { errorOf } from '../../test/support/status-body.ts'

const TOKEN = 'test-token'
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments'
const KiB = 1024

function manifest(name: string, replicas: number): Deployment {
  const d = aDeployment({ name, replicas: 3 })
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: { ...d.spec, replicas },
  }
}

let store: ObjectStore
let app: ReturnType<typeof createApiApp>
let pushedBytes: number[]
const artifacts: ArtifactStore = {
  async push(_ref, source) {
    const { statSync } = await import('node:fs')
    pushedBytes.push(statSync(source).size)
    return { name: 'web', tag: 'v1', digest: 'sha256:ab', size: 3, created: '2026-01-01T00:00:00Z' }
  },
  resolve: () => undefined,
  checkout: async () => {},
  list: () => [],
}

beforeEach(() => {
  const clock = new FakeClock()
  store = createMemoryStore({ clock, ids: sequentialIds() })
  pushedBytes = []
  app = createApiApp({
    store,
    clock,
    token: TOKEN,
    version: '9.9.9',
    artifacts,
    limits: { maxReplicas: 50, maxPods: 20, maxRequestBodyBytes: 64 * KiB, maxArtifactUploadBytes: 256 * KiB },
  })
})
afterEach(() => store.close())

const send = (method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
const json = (v: unknown) => JSON.stringify(v)

/** A body sent in chunks without Content-Length, as `curl -T -` or a streaming client would. */
function chunked(total: number, chunk = 16 * KiB): { body: ReadableStream<Uint8Array>; sent: () => number } {
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= total) return c.close()
      const n = Math.min(chunk, total - sent)
      sent += n
      c.enqueue(new Uint8Array(n).fill(0x20))
    },
  })
  return { body, sent: () => sent }
}

describe('request body limit', () => {
  it('refuses a body whose Content-Length is over the limit with 413 BATON_TOO_LARGE, storing nothing', async () => {
    const big = json({ ...manifest('web', 1), metadata: { name: 'web', annotations: { pad: 'x'.repeat(100 * KiB) } } })
    const res = await send('POST', DEPLOYMENTS, big)
    expect(res.status).toBe(413)
    const err = await errorOf(res)
    expect(err).toMatchObject({
      code: 'BATON_TOO_LARGE',
      message: 'the request body exceeds the limit of 65536 bytes (64 KiB)',
    })
    expect(err.hint).toContain('--max-request-body-bytes')
    expect(store.list('Deployment').items).toHaveLength(0)
  })

  it('refuses a chunked body as soon as the count passes the limit, without reading the rest', async () => {
    const stream = chunked(10 * 1024 * KiB)
    const res = await send('POST', DEPLOYMENTS, stream.body as never, { 'transfer-encoding': 'chunked' })
    expect(res.status).toBe(413)
    expect((await errorOf(res)).code).toBe('BATON_TOO_LARGE')
    expect(stream.sent()).toBeLessThan(128 * KiB)
  })

  it('refuses an oversized merge patch and scale body too', async () => {
    await send('POST', DEPLOYMENTS, json(manifest('web', 1)))
    const pad = json({ metadata: { annotations: { pad: 'x'.repeat(100 * KiB) } } })
    expect(
      (await send('PATCH', `${DEPLOYMENTS}/web`, pad, { 'content-type': 'application/merge-patch+json' })).status,
    ).toBe(413)
    expect((await send('PUT', `${DEPLOYMENTS}/web/scale`, pad)).status).toBe(413)
    expect(store.get('Deployment', 'default', 'web')?.metadata.annotations?.pad).toBeUndefined()
  })

  it('accepts a body just under the limit', async () => {
    const body = json({ ...manifest('web', 1), metadata: { name: 'web', annotations: { pad: 'x'.repeat(60 * KiB) } } })
    expect((await send('POST', DEPLOYMENTS, body)).status).toBe(201)
  })

  it('bounds an artifact upload by its own limit, streaming it to disk', async () => {
    const ok = await send('POST', '/apis/baton.dev/v1/artifacts?ref=web:v1', new Uint8Array(200 * KiB), {
      'content-type': 'application/gzip',
    })
    expect(ok.status).toBe(201)
    expect(pushedBytes).toEqual([200 * KiB])
    const declared = await send('POST', '/apis/baton.dev/v1/artifacts?ref=web:v1', new Uint8Array(300 * KiB), {
      'content-type': 'application/gzip',
    })
    expect(declared.status).toBe(413)
    expect(await errorOf(declared)).toMatchObject({
      code: 'BATON_TOO_LARGE',
      message: 'the artifact upload exceeds the limit of 262144 bytes (256 KiB)',
    })
    const stream = chunked(4 * 1024 * KiB)
    const streamed = await send('POST', '/apis/baton.dev/v1/artifacts?ref=web:v1', stream.body as never, {
      'transfer-encoding': 'chunked',
    })
    expect(streamed.status).toBe(413)
    expect(stream.sent()).toBeLessThan(512 * KiB)
    expect(pushedBytes).toEqual([200 * KiB])
  })
})

describe('hostile YAML over the API', () => {
  it.each([
    {
      name: 'billion laughs',
      body: 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      says: 'expands aliases beyond the limit of 100',
    },
    { name: 'deep nesting', body: `a: ${'['.repeat(5000)}${']'.repeat(5000)}`, says: 'nests deeper than 100 levels' },
  ])('answers $name with 400 BATON_MANIFEST_PARSE, not 500', async ({ body, says }) => {
    const res = await send('POST', DEPLOYMENTS, body, { 'content-type': 'application/yaml' })
    expect(res.status).toBe(400)
    const err = await errorOf(res)
    expect(err.code).toBe('BATON_MANIFEST_PARSE')
    expect(err.message).toContain(says)
  })
})

describe('replicas and pods per node at admission', () => {
  const stored = () => store.get('Deployment', 'default', 'web') as Deployment | undefined

  it('refuses a create over --max-replicas naming the field, the limit and the flag', async () => {
    const res = await send('POST', DEPLOYMENTS, json(manifest('web', 1_000_000_000)))
    expect(res.status).toBe(422)
    const err = await errorOf(res)
    expect(err.code).toBe('BATON_LIMIT')
    expect(err.message).toBe(
      `The Deployment "web" is invalid: spec.replicas: Invalid value: 1000000000: must be less than or equal to 50 (the daemon's --max-replicas)`,
    )
    expect(err.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: expect.stringContaining('must be less than or equal to 50'),
      },
    ])
    expect(err.hint).toContain('baton up --max-replicas')
    expect(stored()).toBeUndefined()
  })

  it.each([
    {
      name: 'PUT',
      write: (d: Deployment) => send('PUT', `${DEPLOYMENTS}/web`, json({ ...d, spec: { ...d.spec, replicas: 51 } })),
    },
    { name: 'PATCH', write: () => send('PATCH', `${DEPLOYMENTS}/web`, json({ spec: { replicas: 51 } })) },
    { name: 'PUT /scale', write: () => send('PUT', `${DEPLOYMENTS}/web/scale`, json({ spec: { replicas: 51 } })) },
    { name: 'PATCH /scale', write: () => send('PATCH', `${DEPLOYMENTS}/web/scale`, json({ spec: { replicas: 51 } })) },
  ])('refuses a $name over --max-replicas, leaving the stored object as it was', async ({ write }) => {
    const created = (await (await send('POST', DEPLOYMENTS, json(manifest('web', 3)))).json()) as Deployment
    const res = await write(created)
    expect(res.status).toBe(422)
    expect((await errorOf(res)).code).toBe('BATON_LIMIT')
    expect(stored()?.spec.replicas).toBe(3)
    expect(stored()?.metadata.resourceVersion).toBe(created.metadata.resourceVersion)
  })

  it('refuses a raise that would ask the node for more than --max-pods, counting the other workloads', async () => {
    expect((await send('POST', DEPLOYMENTS, json(manifest('api', 12)))).status).toBe(201)
    expect((await send('POST', DEPLOYMENTS, json(manifest('web', 8)))).status).toBe(201)
    const res = await send('PUT', `${DEPLOYMENTS}/web/scale`, json({ spec: { replicas: 9 } }))
    expect(res.status).toBe(422)
    const err = await errorOf(res)
    expect(err.message).toContain(
      'the node would be asked to run 21 pods (12 for other workloads), more than its limit of 20',
    )
    expect(err.hint).toContain('Ask for at most 8 replicas')
    expect(err.hint).toContain('baton up --max-pods')
    expect(stored()?.spec.replicas).toBe(8)
    expect((await send('POST', DEPLOYMENTS, json(manifest('third', 1)))).status).toBe(422)
  })

  it('lets a workload over a lowered limit be edited and scaled down', async () => {
    expect((await send('POST', DEPLOYMENTS, json(manifest('web', 15)))).status).toBe(201)
    const lowered = createApiApp({
      store,
      clock: new FakeClock(),
      token: TOKEN,
      version: '9.9.9',
      limits: { maxReplicas: 10, maxPods: 10 },
    })
    const put = (replicas: number) =>
      lowered.request(`${DEPLOYMENTS}/web/scale`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: json({ spec: { replicas } }),
      })
    expect((await put(15)).status).toBe(200)
    expect((await put(12)).status).toBe(200)
    expect((await put(14)).status).toBe(422)
    expect(stored()?.spec.replicas).toBe(12)
  })
})
