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
import { type Context, Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ZodError } from 'zod'
import { BatonError, isBatonError } from '../errors/baton-error.ts'
import { systemClock } from '../platform/clock.ts'
import { constantTimeEqual } from '../platform/constant-time.ts'
import { createLogger, type Logger } from '../platform/logger.ts'
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
  /** Where a 500's error goes, with its stack (default: JSON lines on stderr, the proxy's log). */
  logger?: Logger
}

const answer = (c: Context, e: BatonError) => c.json(e.toJSON(), e.httpStatus as ContentfulStatusCode)

export function controlApi(opts: ControlApiOptions): Hono {
  const app = new Hono()
  const logger = opts.logger ?? createLogger({}, { component: 'proxy' })
  const refuse = (c: Context) =>
    answer(
      c,
      new BatonError('BATON_UNAUTHORIZED', 'missing or wrong proxy token', {
        hint: 'Send "Authorization: Bearer <token>" with the token in proxy.token in the data directory',
      }),
    )
  app.use(
    '*',
    bearerAuth({
      verifyToken: (given) => constantTimeEqual(given, opts.token),
      noAuthenticationHeader: { message: refuse },
      invalidAuthenticationHeader: { message: refuse },
      invalidToken: { message: refuse },
    }),
  )
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse()
    if (err instanceof ZodError || err instanceof SyntaxError) {
      return answer(
        c,
        new BatonError('BATON_BAD_REQUEST', err.message, {
          hint: 'See src/proxy/control-api.ts for the request bodies',
        }),
      )
    }
    if (isBatonError(err) && err.httpStatus < 500) return answer(c, err)
    const internal = new BatonError('BATON_INTERNAL', err.message, {
      hint: 'This is a bug in Baton; proxy.log in the data directory has the details',
      cause: err,
    })
    logger.error('proxy control request failed', { method: c.req.method, path: c.req.path, err: internal })
    return answer(c, internal)
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
    if (typeof body.deadlineMs !== 'number')
      return answer(
        c,
        new BatonError('BATON_BAD_REQUEST', 'deadlineMs must be a number', { hint: 'Send {"deadlineMs": <epoch ms>}' }),
      )
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
