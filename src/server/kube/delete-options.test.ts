import { describe, expect, it } from 'vitest'
import { errorOf } from '../../../test/support/status-body.ts'
import { aConfigMap } from '../../../test/support/builders.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { createApiApp } from '../app.ts'

const TOKEN = 't'
const CMS = '/api/v1/namespaces/default/configmaps'

function setup() {
  const clock = new FakeClock()
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  const owner = store.create<'ConfigMap'>(aConfigMap({ name: 'owner', labels: { grp: 'one' } }))
  store.create<'ConfigMap'>(aConfigMap({ name: 'child', owners: [owner], labels: { grp: 'one' } }))
  store.create<'ConfigMap'>(aConfigMap({ name: 'other', labels: { grp: 'two' } }))
  const app = createApiApp({ store, token: TOKEN, clock, version: '1' })
  const del = (path: string, body?: unknown) =>
    app.request(path, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
  const names = () => store.list('ConfigMap').items.map((o) => o.metadata.name)
  return { store, del, names }
}

describe('DELETE of one object', () => {
  const cases = [
    { name: 'Background (the default) takes the dependents', query: '', body: undefined, left: ['other'] },
    {
      name: 'Orphan in the query keeps them',
      query: '?propagationPolicy=Orphan',
      body: undefined,
      left: ['child', 'other'],
    },
    {
      name: 'Orphan in the body keeps them',
      query: '',
      body: { propagationPolicy: 'Orphan' },
      left: ['child', 'other'],
    },
    {
      name: 'orphanDependents=true (the deprecated form) keeps them',
      query: '?orphanDependents=true',
      body: undefined,
      left: ['child', 'other'],
    },
    {
      name: 'Foreground takes them before the owner',
      query: '?propagationPolicy=Foreground',
      body: undefined,
      left: ['other'],
    },
    { name: 'dryRun=All deletes nothing', query: '?dryRun=All', body: undefined, left: ['child', 'other', 'owner'] },
  ]
  it.each(cases)('$name', async ({ query, body, left }) => {
    const { del, names } = setup()
    expect((await del(`${CMS}/owner${query}`, body)).status).toBe(200)
    expect(names().sort()).toEqual(left)
  })

  it('refuses an unknown propagationPolicy with a 400 Status naming it, and deletes nothing', async () => {
    const { del, names } = setup()
    const res = await del(`${CMS}/owner?propagationPolicy=Sideways`)
    expect(res.status).toBe(400)
    expect(await errorOf(res)).toMatchObject({
      code: 'BATON_BAD_REQUEST',
      message: 'unknown propagationPolicy "Sideways"',
    })
    expect(names()).toHaveLength(3)
  })
})

describe('DELETE of a collection (deletecollection)', () => {
  it('deletes what the label selector matches and answers the list of them', async () => {
    const { del, names } = setup()
    const res = await del(`${CMS}?labelSelector=grp%3Done&propagationPolicy=Orphan`)
    const body = (await res.json()) as { kind: string; items: Array<{ metadata: { name: string } }> }
    expect(body.kind).toBe('ConfigMapList')
    expect(body.items.map((i) => i.metadata.name).sort()).toEqual(['child', 'owner'])
    expect(names()).toEqual(['other'])
  })

  it('matches field selectors, and skips an object the cascade already removed', async () => {
    const { del, names } = setup()
    expect((await del(`${CMS}?fieldSelector=metadata.name%21%3Dother`)).status).toBe(200)
    expect(names()).toEqual(['other'])
  })

  it('under dryRun=All lists what it would delete and deletes nothing', async () => {
    const { del, names } = setup()
    const body = (await (await del(`${CMS}?dryRun=All`)).json()) as { items: unknown[] }
    expect(body.items).toHaveLength(3)
    expect(names()).toHaveLength(3)
  })
})
