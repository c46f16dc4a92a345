import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { createApiApp } from '../app.ts'
import { errorOf } from '../../../test/support/status-body.ts'

const TOKEN = 't'
const CMS = '/api/v1/namespaces/default/configmaps'
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'

function setup(names: string[]) {
  const clock = new FakeClock()
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  for (const name of names)
    store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: name } })
  const app = createApiApp({ store, token: TOKEN, clock, version: '1' })
  const get = (path: string, accept = 'application/json') =>
    app.request(path, { headers: { authorization: `Bearer ${TOKEN}`, accept } })
  return { store, get }
}

describe('limit and continue', () => {
  it('pages a list without repeating or skipping, and says how many remain', async () => {
    const { get } = setup(['a', 'b', 'c', 'd', 'e'])
    const seen: string[] = []
    let token = ''
    const remaining: number[] = []
    for (let i = 0; i < 5; i++) {
      const page = (await (await get(`${CMS}?limit=2${token ? `&continue=${token}` : ''}`)).json()) as {
        items: Array<{ metadata: { name: string } }>
        metadata: { continue?: string; remainingItemCount?: number }
      }
      seen.push(...page.items.map((o) => o.metadata.name))
      if (page.metadata.remainingItemCount !== undefined) remaining.push(page.metadata.remainingItemCount)
      if (!page.metadata.continue) break
      token = page.metadata.continue
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(remaining).toEqual([3, 1])
  })

  it('refuses a continue token it did not issue', async () => {
    const res = await setup(['a']).get(`${CMS}?limit=1&continue=not-a-token`)
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toContain('continue token')
  })
})

describe('server-side printing over the API', () => {
  it('answers a list and one object as a Table when kubectl asks', async () => {
    const { get } = setup(['a', 'b'])
    const list = await get(CMS, TABLE)
    expect(list.headers.get('content-type')).toBe('application/json;as=Table;v=v1;g=meta.k8s.io')
    const table = (await list.json()) as {
      kind: string
      columnDefinitions: Array<{ name: string }>
      rows: Array<{ cells: unknown[] }>
    }
    expect(table.kind).toBe('Table')
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age'])
    expect(table.rows.map((r) => r.cells.slice(0, 2))).toEqual([
      ['a', 1],
      ['b', 1],
    ])
    expect(((await (await get(`${CMS}/a`, TABLE)).json()) as { rows: unknown[] }).rows).toHaveLength(1)
    expect(((await (await get(`${CMS}/a`)).json()) as { kind: string }).kind).toBe('ConfigMap')
  })
})

describe('watch-list (sendInitialEvents)', () => {
  it('sends the current objects, the initial-events-end bookmark, then later changes', async () => {
    const { store, get } = setup(['a', 'b'])
    const res = await get(
      `${CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    )
    const reader = res.body!.getReader()
    store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } })
    let text = ''
    while (text.split('\n').length < 5) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    const events = text
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string
            object: { metadata: { name?: string; annotations?: Record<string, string> } }
          },
      )
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'a'],
      ['ADDED', 'b'],
      ['BOOKMARK', undefined],
      ['ADDED', 'c'],
    ])
    expect(events[2]?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' })
  })
})
