import { describe, expect, it } from 'vitest'
import type { Deployment } from '../../api/types.ts'
import { aDeployment } from '../../../test/support/builders.ts'
import { errorOf } from '../../../test/support/status-body.ts'
import { expectBatonError } from '../../../test/support/baton-error.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { createApiApp } from '../app.ts'
import { fieldSet, pathText, serverSideApply } from './server-side-apply.ts'

const TOKEN = 't'
const WEB = '/apis/apps/v1/namespaces/default/deployments/web'
const APPLY = 'application/apply-patch+yaml'

/** The Deployment a chart renders: image and env are the knobs an upgrade turns. */
function rendered(image: string, env: Record<string, string>, labels: Record<string, string> = { app: 'web' }) {
  const d = aDeployment({ name: 'web', replicas: 2, image })
  d.spec.template.spec.containers[0]!.env = Object.entries(env).map(([name, value]) => ({ name, value }))
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels }, spec: d.spec }
}

function setup() {
  const clock = new FakeClock()
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  const app = createApiApp({ store, token: TOKEN, clock, version: '1' })
  const send = (method: string, path: string, body: unknown, contentType = APPLY) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const apply = (body: unknown, query = 'fieldManager=helm') => send('PATCH', `${WEB}?${query}`, body)
  const live = () => store.get('Deployment', 'default', 'web') as Deployment
  return { store, send, apply, live }
}

describe('fieldSet', () => {
  it('names fields as FieldsV1 does: maps by f:, keyed list elements by k: with ".", atomic lists whole', () => {
    expect(
      fieldSet({
        apiVersion: 'v1',
        kind: 'X',
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'a', args: ['x'] }] },
        status: { replicas: 1 },
      }),
    ).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {}, 'f:args': {} } } },
    })
  })

  it('prints a path as kube-apiserver names a conflicting field', () => {
    expect(pathText(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])).toBe(
      '.spec.containers[name="web"].image',
    )
  })
})

describe('serverSideApply', () => {
  const opts = { manager: 'helm', force: false, now: '2026-01-01T00:00:00Z' }

  it('refuses a field another apply manager owns with another value, and takes it over with force', () => {
    const live = serverSideApply(undefined, rendered('web:v1', {}), {
      ...opts,
      manager: 'ops',
    }) as unknown as Deployment
    const e = expectBatonError(() => serverSideApply(live, rendered('web:v2', {}), opts), 'BATON_APPLY_CONFLICT')
    expect(e.httpStatus).toBe(409)
    expect(e.causes).toContainEqual({
      field: '.spec.template.spec.containers[name="app"].image',
      message: 'conflict with "ops"',
    })
    const forced = serverSideApply(live, rendered('web:v2', {}), { ...opts, force: true }) as unknown as Deployment
    expect(forced.spec.template.spec.containers[0]!.image).toBe('web:v2')
    const owners = forced.metadata.managedFields!.map((m) => m.manager)
    expect(owners).toEqual(['ops', 'helm'])
    const ops = forced.metadata.managedFields![0]!.fieldsV1 as Record<string, never>
    expect(JSON.stringify(ops)).not.toContain('f:image')
  })

  it('lets two managers set the same value without a conflict', () => {
    const live = serverSideApply(undefined, rendered('web:v1', {}), {
      ...opts,
      manager: 'ops',
    }) as unknown as Deployment
    expect(() => serverSideApply(live, rendered('web:v1', { A: '1' }), opts)).not.toThrow()
  })
})

describe('server-side apply over the API', () => {
  it('creates the object when it is absent (201), with the manager in managedFields', async () => {
    const { apply, live } = setup()
    const res = await apply(rendered('web:v1', { A: '1' }))
    expect(res.status).toBe(201)
    expect(live().spec.template.spec.containers[0]!.env).toEqual([{ name: 'A', value: '1' }])
    expect(live().metadata.managedFields).toMatchObject([
      { manager: 'helm', operation: 'Apply', apiVersion: 'apps/v1' },
    ])
    // Defaults were applied as on a create.
    expect(live().spec.revisionHistoryLimit).toBe(10)
  })

  it('updates from the applied object: changed fields set, fields it no longer applies removed, others kept', async () => {
    const { apply, send, live } = setup()
    await apply(rendered('web:v1', { A: '1', B: '2' }, { app: 'web', tier: 'front' }))
    // Another client (kubectl annotate, a strategic merge patch) adds an annotation Helm does not own.
    const annotated = await send(
      'PATCH',
      WEB,
      { metadata: { annotations: { note: 'kept' } } },
      'application/strategic-merge-patch+json',
    )
    expect(annotated.status).toBe(200)
    const res = await apply(rendered('web:v2', { A: '1' }))
    expect(res.status).toBe(200)
    const d = live()
    expect(d.spec.template.spec.containers[0]!.image).toBe('web:v2')
    expect(d.spec.template.spec.containers[0]!.env).toEqual([{ name: 'A', value: '1' }])
    expect(d.metadata.labels).toEqual({ app: 'web' })
    expect(d.metadata.annotations?.note).toBe('kept')
    expect(d.metadata.generation).toBe(2)
    // The strategic merge patch kept the apply's owners (an update that leaves managedFields out keeps them).
    expect(d.metadata.managedFields?.map((m) => m.manager)).toEqual(['helm'])
  })

  it('with dryRun=All (helm install --dry-run=server) answers the object it would create and stores nothing', async () => {
    const { apply, live } = setup()
    const res = await apply(rendered('web:v1', {}), 'fieldManager=helm&dryRun=All')
    expect(res.status).toBe(201)
    expect(((await res.json()) as Deployment).spec.revisionHistoryLimit).toBe(10)
    expect(live()).toBeUndefined()
  })

  it('applying the same object twice changes nothing', async () => {
    const { apply, live } = setup()
    await apply(rendered('web:v1', { A: '1' }))
    const before = live().metadata.resourceVersion
    expect((await apply(rendered('web:v1', { A: '1' }))).status).toBe(200)
    expect(live().metadata.generation).toBe(1)
    expect(live().spec.template.spec.containers[0]!.image).toBe('web:v1')
    expect(before).toBeDefined()
  })

  it('answers a conflict as a Conflict Status naming the field, the object unchanged', async () => {
    const { apply, live } = setup()
    await apply(rendered('web:v1', {}), 'fieldManager=ops')
    const res = await apply(rendered('web:v2', {}))
    expect(res.status).toBe(409)
    const err = await errorOf(res)
    expect(err).toMatchObject({ code: 'BATON_APPLY_CONFLICT', reason: 'Conflict' })
    expect(err.causes.map((c) => c.field)).toContain('.spec.template.spec.containers[name="app"].image')
    expect(err.hint).toContain('--force-conflicts')
    expect(live().spec.template.spec.containers[0]!.image).toBe('web:v1')
    expect((await apply(rendered('web:v2', {}), 'fieldManager=helm&force=true')).status).toBe(200)
    expect(live().spec.template.spec.containers[0]!.image).toBe('web:v2')
  })

  it.each([
    { name: 'without fieldManager', query: '', body: rendered('web:v1', {}), says: 'fieldManager is required' },
    {
      name: 'with managedFields in the body',
      query: 'fieldManager=helm',
      body: { ...rendered('web:v1', {}), metadata: { name: 'web', managedFields: [] } },
      says: 'managedFields must be nil',
    },
  ])('refuses an apply $name (400), storing nothing', async ({ query, body, says }) => {
    const { apply, live } = setup()
    const res = await apply(body, query)
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toContain(says)
    expect(live()).toBeUndefined()
  })

  it('validates the result strictly: an unknown field is refused, not dropped', async () => {
    const { apply, live } = setup()
    const body = rendered('web:v1', {}) as Record<string, unknown>
    ;(body.spec as Record<string, unknown>).surprise = 1
    const res = await apply(body)
    expect(res.status).toBe(422)
    expect(live()).toBeUndefined()
  })

  it('takes YAML, as kubectl apply --server-side sends it', async () => {
    const { send, store } = setup()
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: "1"\n`
    const res = await send('PATCH', '/api/v1/namespaces/default/configmaps/web?fieldManager=kubectl', yaml)
    expect(res.status).toBe(201)
    expect(store.get('ConfigMap', 'default', 'web')).toMatchObject({ data: { a: '1' } })
  })

  it('is refused on the scale subresource (415), which takes the other patch types by Content-Type', async () => {
    const { apply, send, live } = setup()
    await apply(rendered('web:v1', {}))
    const refused = await send('PATCH', `${WEB}/scale?fieldManager=helm`, 'spec:\n  replicas: 5\n')
    expect(refused.status).toBe(415)
    expect(live().spec.replicas).toBe(2)
    const json = [{ op: 'replace', path: '/spec/replicas', value: 4 }]
    expect((await send('PATCH', `${WEB}/scale`, json, 'application/json-patch+json')).status).toBe(200)
    expect(live().spec.replicas).toBe(4)
  })
})
