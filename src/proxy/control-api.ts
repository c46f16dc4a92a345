/**
 * @module
 * The proxy's control API, served on a loopback port and guarded by a bearer token that
 * only the data directory's owner can read (proxy.token, mode 0600). The daemon drives the
 * proxy through it (proxy/client.ts), and proxies the figures to `baton` users.
 *
 *   GET  /v1/ping                       {pid, version}
 *   PUT  /v1/routes       {routes}      {failures}   replace the table (level-triggered)
 *   GET  /v1/routes                     {routes}
 *   GET  /v1/pods/:uid/inflight         {inflight}
 *   POST /v1/pods/:uid/drain {deadlineMs}  {drained}  long poll, bounded by the deadline
 *   GET  /v1/metrics                    TrafficMetrics
 *   POST /v1/shutdown                   {}           stop serving and exit
 */
import { timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { ZodError } from 'zod'
import { systemClock } from '../platform/clock.ts'
import type { Plane } from './plane.ts'
import { parseRouteTable } from './route-schema.ts'

/** Bumped when the control API changes incompatibly. */
export const PROXY_PROTOCOL_VERSION = 'baton-proxy/1'

export interface ControlApiOptions {
  plane: Plane
  token: string
  /** Longest a drain long-poll may be held, whatever deadline is asked (a stuck caller must not pin it). */
  maxDrainWaitMs?: number
  now: () => number
  onShutdown: () => void
}

export function controlApi(opts: ControlApiOptions): Hono {
  const app = new Hono()
  const expected = Buffer.from(`Bearer ${opts.token}`)
  app.use('*', async (c, next) => {
    const got = Buffer.from(c.req.header('authorization') ?? '')
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      return c.json({ code: 'BATON_UNAUTHORIZED', message: 'missing or wrong proxy token' }, 401)
    }
    await next()
  })
  app.onError((err, c) => {
    if (err instanceof ZodError || err instanceof SyntaxError) {
      return c.json({ code: 'BATON_BAD_REQUEST', message: err.message }, 400)
    }
    return c.json({ code: 'BATON_INTERNAL', message: err.message }, 500)
  })
  app.get('/v1/ping', (c) => c.json({ pid: process.pid, version: PROXY_PROTOCOL_VERSION }))
  app.put('/v1/routes', async (c) => {
    const routes = parseRouteTable(await c.req.json())
    return c.json({ failures: await opts.plane.setRoutes(routes) })
  })
  app.get('/v1/routes', (c) => c.json({ routes: opts.plane.routes() }))
  app.get('/v1/pods/:uid/inflight', async (c) => c.json({ inflight: await opts.plane.inflight(c.req.param('uid')) }))
  app.post('/v1/pods/:uid/drain', async (c) => {
    const body = (await c.req.json()) as { deadlineMs?: unknown }
    if (typeof body.deadlineMs !== 'number') return c.json({ code: 'BATON_BAD_REQUEST', message: 'deadlineMs must be a number' }, 400)
    const cap = opts.now() + (opts.maxDrainWaitMs ?? 10 * 60_000)
    const drained = await opts.plane.waitDrained(c.req.param('uid'), Math.min(body.deadlineMs, cap))
    return c.json({ drained })
  })
  app.get('/v1/metrics', async (c) => c.json(await opts.plane.metrics()))
  app.post('/v1/shutdown', (c) => {
    // After this answer is written: the caller hears "stopping" before the listener closes.
    systemClock.setTimeout(opts.onShutdown, 0)
    return c.json({})
  })
  return app
}
