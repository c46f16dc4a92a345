import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness } from '../cli/testing/harness.ts'
import { FakeClock } from '../platform/clock.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createApiApp } from '../server/app.ts'
import type { ObjectStore } from '../store/types.ts'
import { LOGIN_CODES_PATH } from '../api/login-codes.ts'
import { CSRF_HEADER, createDashboard } from './mount.ts'
import { errorOf } from '../../test/support/status-body.ts'

const TOKEN = 'dash-token'
const BASE = 'http://127.0.0.1:7070'
const COOKIE = 'baton_session_7070'
let dir: string
let clock: FakeClock
let store: ObjectStore
let app: ReturnType<typeof createApiApp>

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-ui-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Baton</title>')
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)')
  clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
  store = createMemoryStore({ clock, ids: sequentialIds() })
  let n = 0
  const dashboard = createDashboard({ clock, assetsDir: dir, random: () => `secret-${++n}` })
  app = createApiApp({ store, token: TOKEN, clock, version: '0.0.0', dashboard })
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = (path: string, headers: Record<string, string> = {}) => app.request(`${BASE}${path}`, { headers })
const mint = async (): Promise<string> => {
  const res = await app.request(`${BASE}${LOGIN_CODES_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { code: string; path: string }
  expect(body.path).toBe(`/ui/login?code=${body.code}`)
  return body.code
}
/** A Set-Cookie header as its name=value and its set of attributes (their order is not part of the contract). */
const setCookieParts = (header: string | null) => {
  const [pair = '', ...attributes] = (header ?? '').split('; ')
  return { pair, attributes: [...attributes].sort() }
}
const login = async (): Promise<string> => {
  const res = await get(`/ui/login?code=${await mint()}`)
  expect(res.status).toBe(200)
  const { pair, attributes } = setCookieParts(res.headers.get('set-cookie'))
  expect(pair).toMatch(new RegExp(`^${COOKIE}=secret-\\d+$`))
  expect(attributes).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict'])
  return pair
}

describe('one-time login codes', () => {
  it('are minted only with the API token', async () => {
    expect((await app.request(`${BASE}${LOGIN_CODES_PATH}`, { method: 'POST' })).status).toBe(401)
    const wrong = await app.request(`${BASE}${LOGIN_CODES_PATH}`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
    })
    expect(wrong.status).toBe(401)
    expect(await mint()).toMatch(/^secret-/)
  })

  it.each([
    { name: 'missing code', query: '' },
    { name: 'empty code', query: '?code=' },
    { name: 'wrong code', query: '?code=secret-99' },
  ])('refuse a $name', async ({ query }) => {
    await mint()
    const res = await get(`/ui/login${query}`)
    expect(res.status).toBe(401)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(await res.text()).toContain('baton dashboard')
  })

  it('work once', async () => {
    const code = await mint()
    expect((await get(`/ui/login?code=${code}`)).status).toBe(200)
    expect((await get(`/ui/login?code=${code}`)).status).toBe(401)
  })

  it('expire after a minute', async () => {
    const code = await mint()
    clock.advance(60_001)
    expect((await get(`/ui/login?code=${code}`)).status).toBe(401)
  })
})

describe('the session cookie', () => {
  const deployments = '/apis/apps/v1/namespaces/default/deployments'

  it('opens the API only together with the dashboard header', async () => {
    const cookie = await login()
    expect((await get(deployments, { cookie, [CSRF_HEADER]: '1' })).status).toBe(200)
    expect((await get(deployments, { cookie })).status).toBe(401)
    expect((await get(deployments, { cookie: `${COOKIE}=forged`, [CSRF_HEADER]: '1' })).status).toBe(401)
    // Another daemon's port: the cookie is not this daemon's.
    expect(
      (await app.request(`http://127.0.0.1:7071${deployments}`, { headers: { cookie, [CSRF_HEADER]: '1' } })).status,
    ).toBe(401)
  })

  it('finds the session among the other cookies a browser sends for 127.0.0.1', async () => {
    const cookie = await login()
    const jar = `theme=dark;  baton_session_7071=other; ${cookie}; last=1`
    expect((await get(deployments, { cookie: jar, [CSRF_HEADER]: '1' })).status).toBe(200)
    expect((await get('/ui/', { cookie: jar })).status).toBe(200)
  })

  it('serves the bundle, with index.html for app paths and security headers', async () => {
    expect((await get('/ui/')).status).toBe(401)
    const cookie = await login()
    const index = await get('/ui/', { cookie })
    expect(index.status).toBe(200)
    expect(await index.text()).toContain('<title>Baton</title>')
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(index.headers.get('cache-control')).toBe('no-store')
    expect(await (await get('/ui/deployments/default/web', { cookie })).text()).toContain('<title>Baton</title>')
    const js = await get('/ui/assets/app-1a2b.js', { cookie })
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('cache-control')).toContain('immutable')
    expect((await get('/ui/assets/missing.js', { cookie })).status).toBe(404)
    expect((await get('/ui/../token', { cookie })).status).not.toBe(200)
  })

  it('ends at logout', async () => {
    const cookie = await login()
    const res = await app.request(`${BASE}/ui/logout`, { method: 'POST', headers: { cookie } })
    expect(res.status).toBe(200)
    expect(setCookieParts(res.headers.get('set-cookie'))).toEqual({
      pair: `${COOKIE}=`,
      attributes: ['HttpOnly', 'Max-Age=0', 'Path=/', 'SameSite=Strict'],
    })
    expect((await get('/ui/', { cookie })).status).toBe(401)
    expect((await get(deployments, { cookie, [CSRF_HEADER]: '1' })).status).toBe(401)
  })

  it('lasts twelve hours', async () => {
    const cookie = await login()
    clock.advance(12 * 3_600_000 + 1)
    expect((await get('/ui/', { cookie })).status).toBe(401)
  })
})

describe('requests from another origin', () => {
  const deployments = '/apis/apps/v1/namespaces/default/deployments'
  const others: Array<{ name: string; headers: Record<string, string> }> = [
    { name: 'another site', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
    {
      name: 'a replica on another port (same-site)',
      headers: { origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-site' },
    },
    { name: 'an Origin header alone', headers: { origin: 'http://127.0.0.1:8080' } },
    { name: 'Sec-Fetch-Site alone', headers: { 'sec-fetch-site': 'cross-site' } },
  ]
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const expectForbidden = async (res: Response) => {
    expect(res.status).toBe(403)
    expect((await errorOf(res)).code).toBe('BATON_FORBIDDEN')
    expect(res.headers.get('set-cookie')).toBeNull()
  }

  it.each(others)('cannot sign the user out: $name', async ({ headers }) => {
    const cookie = await login()
    await expectForbidden(
      await app.request(`${BASE}/ui/logout`, { method: 'POST', headers: { ...form, ...headers, cookie } }),
    )
    expect((await get('/ui/', { cookie })).status).toBe(200)
  })

  it.each(others)('cannot mint a login code through the session: $name', async ({ headers }) => {
    const cookie = await login()
    await expectForbidden(
      await app.request(`${BASE}${LOGIN_CODES_PATH}`, {
        method: 'POST',
        headers: { ...headers, cookie, [CSRF_HEADER]: '1' },
      }),
    )
  })

  it.each(others)('cannot write objects through the session: $name', async ({ headers }) => {
    const cookie = await login()
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })
    const res = await app.request(`${BASE}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { ...headers, cookie, [CSRF_HEADER]: '1', 'content-type': 'application/json' },
      body,
    })
    await expectForbidden(res)
    expect(store.list('ConfigMap').items).toHaveLength(0)
  })

  it('lets the dashboard itself, and clients that are not browsers, do all three', async () => {
    const same = { origin: BASE, 'sec-fetch-site': 'same-origin' }
    const cookie = await login()
    expect((await get(deployments, { cookie, [CSRF_HEADER]: '1', ...same })).status).toBe(200)
    const minted = await app.request(`${BASE}${LOGIN_CODES_PATH}`, {
      method: 'POST',
      headers: { ...same, cookie, [CSRF_HEADER]: '1' },
    })
    expect(minted.status).toBe(201)
    const created = await app.request(`${BASE}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { ...same, cookie, [CSRF_HEADER]: '1', 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
    })
    expect(created.status).toBe(201)
    expect(
      (await app.request(`${BASE}/ui/logout`, { method: 'POST', headers: { ...form, ...same, cookie } })).status,
    ).toBe(200)
    expect((await get('/ui/', { cookie })).status).toBe(401)
    // curl or the CLI: neither header, no browser cookie to abuse.
    const other = await login()
    expect((await app.request(`${BASE}/ui/logout`, { method: 'POST', headers: { cookie: other } })).status).toBe(200)
  })
})

describe('baton dashboard', () => {
  it('prints a one-time link that signs in', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
    const h = createHarness({ dashboard: createDashboard({ clock, assetsDir: dir, random: () => 'the-code' }) }, clock)
    try {
      const res = await h.run('dashboard --no-open')
      expect(res.code).toBe(0)
      expect(res.out).toBe('http://127.0.0.1:7070/ui/login?code=the-code\n')
      expect(res.err).toContain('works once')
    } finally {
      h.close()
    }
  })
})
