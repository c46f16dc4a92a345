import { describe, expect, it } from 'vitest'
import { startControllers } from '../../controllers/manager.ts'
import { KINDS } from '../../api/resources.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { silentLogger } from '../../platform/logger.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { errorOf } from '../../../test/support/status-body.ts'
import { createApiApp } from '../app.ts'
import { ensureNamespaces } from './namespace-lifecycle.ts'

const TOKEN = 't'

function setup() {
  const clock = new FakeClock()
  const ids = sequentialIds()
  const store = createMemoryStore({ clock, ids })
  ensureNamespaces(store, KINDS)
  const app = createApiApp({ store, token: TOKEN, clock, version: '1' })
  const controllers = startControllers({ store, clock, ids, logger: silentLogger })
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
  const settle = () => {
    for (let i = 0; i < 20; i++) {
      controllers.runUntilIdle()
      clock.advance(250)
    }
  }
  return { store, clock, call, settle, controllers }
}

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } })
const names = (list: { items: Array<{ metadata: { name: string } }> }) => list.items.map((o) => o.metadata.name)

describe('Namespaces as kube-apiserver serves them', () => {
  it('creates one (cluster-scoped, Active, the kubernetes finalizer) and its default ServiceAccount', async () => {
    const { call, settle, controllers } = setup()
    const created = await call('POST', '/api/v1/namespaces', ns('team'))
    expect(created.status).toBe(201)
    const body = (await created.json()) as Record<string, { [k: string]: unknown }>
    expect(body.metadata).not.toHaveProperty('namespace')
    expect(body.spec).toEqual({ finalizers: ['kubernetes'] })
    expect(body.status).toEqual({ phase: 'Active' })
    settle()
    expect(names(await (await call('GET', '/api/v1/namespaces')).json())).toEqual(['default', 'team'])
    for (const space of ['default', 'team']) {
      const sa = await call('GET', `/api/v1/namespaces/${space}/serviceaccounts/default`)
      expect(sa.status).toBe(200)
    }
    controllers.stop()
  })

  it('clears the namespace a Namespace is sent with (baton apply sets one), as kube-apiserver does', async () => {
    const { call, controllers } = setup()
    const res = await call('POST', '/api/v1/namespaces', {
      ...ns('shop'),
      metadata: { name: 'shop', namespace: 'default' },
    })
    expect(res.status).toBe(201)
    expect(((await res.json()) as { metadata: object }).metadata).not.toHaveProperty('namespace')
    const missing = await call('GET', '/api/v1/namespaces/nope')
    expect(await errorOf(missing)).toMatchObject({ hint: 'Check the name with `baton get namespaces`' })
    controllers.stop()
  })

  it('creates the namespace an object is created in when it has none (NamespaceAutoProvision)', async () => {
    const { call, controllers } = setup()
    expect((await call('POST', '/api/v1/namespaces/other/configmaps', cm('a'))).status).toBe(201)
    expect((await call('GET', '/api/v1/namespaces/other')).status).toBe(200)
    controllers.stop()
  })

  it('deletes what is in a namespace, refuses creating in it while it terminates, then removes it', async () => {
    const { store, call, settle, controllers } = setup()
    await call('POST', '/api/v1/namespaces', ns('gone'))
    for (const n of ['a', 'b']) await call('POST', '/api/v1/namespaces/gone/configmaps', cm(n))
    await call('POST', '/api/v1/namespaces/keep/configmaps', cm('c'))
    settle()
    // A finalizer of its own keeps one object, and so the namespace, terminating.
    const held = store.get('ConfigMap', 'gone', 'a')!
    store.update<'ConfigMap'>({ ...held, metadata: { ...held.metadata, finalizers: ['example.com/hold'] } })

    const deleted = await call('DELETE', '/api/v1/namespaces/gone')
    expect(deleted.status).toBe(200)
    expect(((await deleted.json()) as { status: { phase: string } }).status.phase).toBe('Terminating')
    settle()
    expect(store.list('ConfigMap', { namespace: 'gone' }).items.map((o) => o.metadata.name)).toEqual(['a'])
    expect(store.get('Namespace', '', 'gone')?.status?.phase).toBe('Terminating')

    const refused = await call('POST', '/api/v1/namespaces/gone/configmaps', cm('late'))
    expect(refused.status).toBe(403)
    expect(await errorOf(refused)).toMatchObject({
      reason: 'Forbidden',
      code: 'BATON_NAMESPACE_TERMINATING',
      message:
        'configmaps "late" is forbidden: unable to create new content in namespace gone because it is being terminated',
    })

    const last = store.get('ConfigMap', 'gone', 'a')!
    store.update<'ConfigMap'>({ ...last, metadata: { ...last.metadata, finalizers: [] } })
    settle()
    expect(store.get('Namespace', '', 'gone')).toBeUndefined()
    expect((await call('GET', '/api/v1/namespaces/gone')).status).toBe(404)
    expect(store.list('ServiceAccount', { namespace: 'gone' }).items).toEqual([])
    expect(store.get('ConfigMap', 'keep', 'c')).toBeDefined()
    controllers.stop()
  })

  it('at start, makes default and a Namespace for each namespace holding objects, but not for a stray Event', () => {
    const clock = new FakeClock()
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'old' } })
    store.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'gone' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'gone' },
      reason: 'Killing',
      message: 'Stopping container web',
      type: 'Normal',
    })
    ensureNamespaces(store, KINDS)
    expect(store.list('Namespace').items.map((n) => n.metadata.name)).toEqual(['default', 'old'])
  })

  // kube-apiserver's immortal namespaces; Baton makes only default, the others exist once created.
  it.each(['default', 'kube-system', 'kube-public'])('refuses deleting %s, as kube-apiserver does', async (name) => {
    const { call, controllers } = setup()
    if (name !== 'default') expect((await call('POST', '/api/v1/namespaces', ns(name))).status).toBe(201)
    const res = await call('DELETE', `/api/v1/namespaces/${name}`)
    expect(res.status).toBe(403)
    expect(await errorOf(res)).toMatchObject({
      reason: 'Forbidden',
      code: 'BATON_NAMESPACE_PROTECTED',
      message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
    })
    const kept = (await (await call('GET', `/api/v1/namespaces/${name}`)).json()) as { metadata: object }
    expect(kept.metadata).not.toHaveProperty('deletionTimestamp')
    controllers.stop()
  })

  it('lists namespaces in discovery as cluster-scoped, with no deletecollection', async () => {
    const { call, controllers } = setup()
    const list = (await (await call('GET', '/api/v1')).json()) as {
      resources: Array<{ name: string; namespaced: boolean; verbs: string[] }>
    }
    const row = list.resources.find((r) => r.name === 'namespaces')
    expect(row).toMatchObject({ namespaced: false })
    expect(row?.verbs).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'])
    controllers.stop()
  })

  it('refuses a Namespace name that is not a DNS label', async () => {
    const { call, controllers } = setup()
    const res = await call('POST', '/api/v1/namespaces', ns('Not.A.Label'))
    expect(res.status).toBe(422)
    controllers.stop()
  })
})
