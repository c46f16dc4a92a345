import { describe, expect, it } from 'vitest'
import { createLogger } from '../platform/logger.ts'
import { controlApi } from './control-api.ts'
import type { Plane } from './plane.ts'
import type { TrafficMetrics } from './types.ts'
import { errorOf } from '../../test/support/status-body.ts'

const TOKEN = 'proxy-token_1'
const auth = { authorization: `Bearer ${TOKEN}` }

/** The control API's HTTP mapping over a plane whose answers the test picks. */
function api(plane: Partial<Plane> = {}) {
  const lines: string[] = []
  const app = controlApi({
    plane: { routes: () => [], ...plane } as Plane,
    token: TOKEN,
    now: () => 0,
    onShutdown: () => {},
    logger: createLogger({ write: (l) => lines.push(l) }),
  })
  return { app, logged: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('proxy control API', () => {
  it.each([
    { name: 'no header', headers: {} as Record<string, string> },
    { name: 'another scheme', headers: { authorization: 'Basic abc' } },
    { name: 'a wrong token', headers: { authorization: 'Bearer proxy-token_2' } },
    { name: 'a longer token', headers: { authorization: `Bearer ${TOKEN}x` } },
  ])('refuses $name with 401 BATON_UNAUTHORIZED', async ({ headers }) => {
    const res = await api().app.request('/v1/routes', { headers })
    expect(res.status).toBe(401)
    expect(await errorOf(res)).toMatchObject({
      code: 'BATON_UNAUTHORIZED',
      message: 'missing or wrong proxy token',
      hint: expect.any(String),
    })
  })

  it('answers the token', async () => {
    const res = await api().app.request('/v1/routes', { headers: auth })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ routes: [] })
  })

  it.each([
    { name: 'a body that is not JSON', path: '/v1/routes', method: 'PUT', body: '{nope' },
    { name: 'a drain without deadlineMs', path: '/v1/pods/u1/drain', method: 'POST', body: '{}' },
  ])('answers $name with 400 BATON_BAD_REQUEST as BatonError bodies are', async ({ path, method, body }) => {
    const { app, logged } = api()
    const res = await app.request(path, { method, headers: { ...auth, 'content-type': 'application/json' }, body })
    expect(res.status).toBe(400)
    expect(await errorOf(res)).toMatchObject({
      code: 'BATON_BAD_REQUEST',
      hint: expect.any(String),
      causes: [],
    })
    expect(logged()).toEqual([])
  })

  it('logs a 500 with its stack before answering it', async () => {
    const { app, logged } = api({
      metrics: async (): Promise<TrafficMetrics> => {
        throw new RangeError('histogram overflow')
      },
    })
    const res = await app.request('/v1/metrics', { headers: auth })
    expect(res.status).toBe(500)
    expect(await errorOf(res)).toMatchObject({ code: 'BATON_INTERNAL', message: 'histogram overflow' })
    expect(logged()).toMatchObject([
      {
        level: 'error',
        msg: 'proxy control request failed',
        path: '/v1/metrics',
        err: {
          code: 'BATON_INTERNAL',
          cause: { name: 'RangeError', stack: expect.stringContaining('control-api.test.ts') },
        },
      },
    ])
  })
})
