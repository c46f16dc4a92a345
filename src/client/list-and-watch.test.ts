import { afterEach, describe, expect, it } from 'vitest'
import type { ConfigMap } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createApiApp } from '../server/app.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { ApiClient, type Transport } from './api-client.ts'
import { listAndWatch, type ListWatchEvent, watchResuming } from './list-and-watch.ts'
import { T0 } from '../../test/support/builders.ts'

const TOKEN = 'list-and-watch-test'

/**
 * The API app in process over a memory store. `cutWatchesAfter` ends every watch response
 * after that many lines, as a proxy or an idle timeout would, while the server's own
 * subscription is cancelled as when the connection goes.
 */
function world(o: { historyLimit?: number; cutWatchesAfter?: number; token?: string } = {}) {
  const clock = new FakeClock(T0)
  const store = createMemoryStore({
    clock,
    ids: sequentialIds(),
    ...(o.historyLimit ? { historyLimit: o.historyLimit } : {}),
  })
  const app = createApiApp({ store, token: TOKEN, clock, version: '0.0.0-test' })
  const requests: string[] = []
  const transport: Transport = async (url, init) => {
    requests.push(new URL(url).search)
    const res = await app.request(url, init)
    if (o.cutWatchesAfter === undefined || !url.includes('watch=true') || !res.body) return res
    return new Response(cut(res.body, o.cutWatchesAfter), { status: res.status, headers: res.headers })
  }
  return { store, requests, client: new ApiClient({ server: 'http://baton.test', token: o.token ?? TOKEN, transport }) }
}

function cut(body: ReadableStream<Uint8Array>, lines: number): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  let seen = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (seen >= lines) {
        await reader.cancel()
        controller.close()
        return
      }
      const { value, done } = await reader.read()
      if (done) return controller.close()
      seen += new TextDecoder().decode(value).split('\n').length - 1
      controller.enqueue(value)
    },
    cancel: () => reader.cancel(),
  })
}

const configMap = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: {},
})
const describeEvent = (ev: ListWatchEvent<'ConfigMap'>) =>
  ev.type === 'SYNC'
    ? `SYNC ${ev.items.map((i) => i.metadata.name).join(',')}`
    : `${ev.type} ${ev.object.metadata.name}`

let stores: ObjectStore[] = []
afterEach(() => {
  for (const s of stores) s.close()
  stores = []
})

describe('listAndWatch', () => {
  it('lists first, then yields each change', async () => {
    const w = world()
    stores.push(w.store)
    w.store.create(configMap('a'))
    const events = listAndWatch(w.client, 'ConfigMap', { namespace: 'default' })
    const first = await events.next()
    expect(describeEvent(first.value as ListWatchEvent<'ConfigMap'>)).toBe('SYNC a')
    const second = events.next()
    w.store.create(configMap('b'))
    expect(describeEvent((await second).value as ListWatchEvent<'ConfigMap'>)).toBe('ADDED b')
    await events.return(undefined)
  })

  it('watches again from the last version seen when the server ends the stream, losing and repeating nothing', async () => {
    const w = world({ cutWatchesAfter: 1 })
    stores.push(w.store)
    const events = listAndWatch(w.client, 'ConfigMap', { namespace: 'default' })
    expect(describeEvent((await events.next()).value as ListWatchEvent<'ConfigMap'>)).toBe('SYNC ')
    // Three changes before the client reads again: each cut stream carries one of them.
    const next = events.next()
    for (const name of ['a', 'b', 'c']) w.store.create(configMap(name))
    const seen = [describeEvent((await next).value as ListWatchEvent<'ConfigMap'>)]
    for (let i = 0; i < 2; i++) seen.push(describeEvent((await events.next()).value as ListWatchEvent<'ConfigMap'>))
    await events.return(undefined)
    expect(seen).toEqual(['ADDED a', 'ADDED b', 'ADDED c'])
    const watches = w.requests.filter((q) => q.includes('watch=true'))
    expect(watches.map((q) => new URLSearchParams(q).get('resourceVersion'))).toEqual(['0', '1', '2'])
  })

  it('lists again when the version it watches from has left the history (BATON_GONE)', async () => {
    const w = world({ historyLimit: 1 })
    stores.push(w.store)
    w.store.create(configMap('a'))
    const from = w.store.currentResourceVersion()
    for (const name of ['b', 'c']) w.store.create(configMap(name))
    const events = listAndWatch(w.client, 'ConfigMap', { namespace: 'default' }, { resourceVersion: from })
    expect(describeEvent((await events.next()).value as ListWatchEvent<'ConfigMap'>)).toBe('SYNC a,b,c')
    await events.return(undefined)
  })

  it('returns when the signal aborts', async () => {
    const w = world()
    stores.push(w.store)
    const abort = new AbortController()
    const events = listAndWatch(w.client, 'ConfigMap', {}, { signal: abort.signal })
    await events.next()
    const next = events.next()
    abort.abort()
    expect(await next).toEqual({ done: true, value: undefined })
  })

  it('throws what is not a dropped stream or BATON_GONE', async () => {
    const w = world({ token: 'wrong' })
    stores.push(w.store)
    await expect(listAndWatch(w.client, 'ConfigMap', {}).next()).rejects.toMatchObject({ code: 'BATON_UNAUTHORIZED' })
  })
})

describe('watchResuming', () => {
  it('yields a list after BATON_GONE as one ADDED event per object', async () => {
    const w = world({ historyLimit: 1 })
    stores.push(w.store)
    w.store.create(configMap('a'))
    const from = w.store.currentResourceVersion()
    for (const name of ['b', 'c']) w.store.create(configMap(name))
    const events = watchResuming(w.client, 'ConfigMap', { namespace: 'default' }, { resourceVersion: from })
    const seen: string[] = []
    for (let i = 0; i < 3; i++) {
      const ev = (await events.next()).value!
      seen.push(`${ev.type} ${ev.object.metadata.name}`)
    }
    await events.return(undefined)
    expect(seen).toEqual(['ADDED a', 'ADDED b', 'ADDED c'])
  })
})
