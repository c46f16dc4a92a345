/**
 * @module
 * `baton fleet lb`: the front load balancer as a process, and its control API. It finds
 * itself the way a daemon's proxy does (proxy/proxy-files.ts, in the fleet's state directory:
 * proxy.json names its pid and control address, proxy.token its bearer token, mode 0600),
 * and appends each drain/add/health event as a JSON line to front-events.log there.
 *
 *   GET  /v1/targets                 {targets}   state, health, in flight, requests per target
 *   POST /v1/targets/:name/drain     {drained, inflight}   out of the route, in-flight finished
 *   POST /v1/targets/:name/add       {}          back into the route
 *   GET  /v1/events                  {events}    this process's events, oldest first
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { type Context, Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import { constantTimeEqual } from '../platform/constant-time.ts'
import { randomToken } from '../platform/ids.ts'
import { httpGetProbe } from '../probes/http-get.ts'
import { removeProxyFiles, writeProxyFiles } from '../proxy/proxy-files.ts'
import { type FrontEvent, FrontBalancer, type HealthProbe } from './front.ts'
import type { Fleet } from './types.ts'

export const FRONT_EVENTS_FILE = 'front-events.log'
const MAX_EVENTS_KEPT = 10_000

export interface RunningFront {
  controlAddress: string
  front: FrontBalancer
  stop(): Promise<void>
}

export function frontProbe(fleet: Fleet, clock: Clock): HealthProbe {
  const path = fleet.spec.frontLoadBalancer.healthCheck.path
  return (t, timeoutMs) =>
    httpGetProbe({ host: t.service.host, port: t.service.port, path, headers: [] }, timeoutMs, clock)
}

export async function runFront(
  fleet: Fleet,
  stateDir: string,
  clock: Clock,
  write: (line: string) => void,
): Promise<RunningFront> {
  const events: FrontEvent[] = []
  const front = new FrontBalancer(fleet, {
    clock,
    probe: frontProbe(fleet, clock),
    onEvent(e) {
      events.push(e)
      if (events.length > MAX_EVENTS_KEPT) events.shift()
      const line = `${JSON.stringify(e)}\n`
      appendFileSync(join(stateDir, FRONT_EVENTS_FILE), line)
      write(line)
    },
  })
  await front.start()
  const token = randomToken()
  const app = frontApi(front, token, () => events)
  const { controlAddress, close } = await new Promise<{ controlAddress: string; close: () => void }>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve({ controlAddress: `http://127.0.0.1:${info.port}`, close: () => server.close() }),
    )
  })
  writeProxyFiles(stateDir, { pid: process.pid, controlAddress, startedAtMs: clock.now(), workers: 0 }, token)
  return {
    controlAddress,
    front,
    async stop() {
      removeProxyFiles(stateDir, process.pid)
      close()
      await front.close()
    },
  }
}

const notFound = (c: Context, name: string) => {
  const e = new BatonError('BATON_NOT_FOUND', `the fleet has no target "${name}"`, {
    hint: 'List the targets with baton fleet status -f FLEET',
  })
  return c.json(e.toJSON(), 404)
}

export function frontApi(front: FrontBalancer, token: string, events: () => FrontEvent[]): Hono {
  const app = new Hono()
  app.use('*', bearerAuth({ verifyToken: (given) => constantTimeEqual(given, token) }))
  const known = (name: string) => front.targets().some((t) => t.name === name)
  app.get('/v1/targets', (c) => c.json({ targets: front.targets() }))
  app.get('/v1/events', (c) => c.json({ events: events() }))
  app.post('/v1/targets/:name/drain', async (c) => {
    const name = c.req.param('name')
    if (!known(name)) return notFound(c, name)
    return c.json(await front.drain(name))
  })
  app.post('/v1/targets/:name/add', async (c) => {
    const name = c.req.param('name')
    if (!known(name)) return notFound(c, name)
    await front.add(name)
    return c.json({})
  })
  return app
}
