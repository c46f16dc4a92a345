import { afterEach, describe, expect, it, vi } from 'vitest'
import { systemClock } from '../platform/clock.ts'
import { closeAll, cleanup, freePort, keepAliveAgent, request, startBackend } from '../proxy/testing.ts'
import { type FrontEvent, FrontBalancer } from './front.ts'
import { frontProbe } from './front-server.ts'
import { validateFleet } from './spec.ts'
import type { Fleet } from './types.ts'

afterEach(closeAll)

function fleetOf(listenPort: number, targets: Array<{ name: string; port: number; weight?: number }>): Fleet {
  return validateFleet({
    apiVersion: 'baton.dev/v1',
    kind: 'Fleet',
    metadata: { name: 'web' },
    spec: {
      manifests: ['deploy.yaml'],
      targets: targets.map((t) => ({
        name: t.name,
        connection: { server: 'http://127.0.0.1:1' },
        service: { host: '127.0.0.1', port: t.port },
        ...(t.weight ? { weight: t.weight } : {}),
      })),
      frontLoadBalancer: {
        listen: { port: listenPort },
        healthCheck: { path: '/healthz', intervalSeconds: 1, unhealthyThreshold: 1 },
        drainTimeoutSeconds: 10,
      },
    },
  })
}

async function startFront(fleet: Fleet) {
  const events: FrontEvent[] = []
  const front = new FrontBalancer(fleet, {
    clock: systemClock,
    probe: frontProbe(fleet, systemClock),
    onEvent: (e) => events.push(e),
  })
  cleanup(() => front.close())
  await front.start()
  return { front, events, url: `http://127.0.0.1:${fleet.spec.frontLoadBalancer.listen.port}` }
}

describe('FrontBalancer', () => {
  it('shares traffic by weight across targets', async () => {
    const a = await startBackend('a')
    const b = await startBackend('b')
    const { url } = await startFront(
      fleetOf(await freePort(), [
        { name: 'a', port: a.port, weight: 3 },
        { name: 'b', port: b.port, weight: 1 },
      ]),
    )
    const agent = keepAliveAgent()
    const seen: Record<string, number> = {}
    for (let i = 0; i < 200; i++) {
      const r = await request(url, { agent })
      seen[r.body] = (seen[r.body] ?? 0) + 1
    }
    expect(seen).toEqual({ a: 150, b: 50 })
  })

  it('drains a target: no new request reaches it, the one in flight finishes first', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((r) => (release = r))
    const holding =
      (name: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
        if (req.url === '/slow') void held.then(() => res.end(`${name}-slow`))
        else res.end(name)
      }
    const a = await startBackend('a', holding('a'))
    const b = await startBackend('b', holding('b'))
    const { front, events, url } = await startFront(
      fleetOf(await freePort(), [
        { name: 'a', port: a.port },
        { name: 'b', port: b.port },
      ]),
    )
    // Equal weights alternate the targets: one held request on each.
    const slow = [request(url, { path: '/slow' }), request(url, { path: '/slow' })]
    await vi.waitFor(() => expect(front.targets().map((t) => t.inflight)).toEqual([1, 1]))
    let drained = false
    const draining = front.drain('a').then((r) => {
      drained = true
      return r
    })
    await vi.waitFor(() => expect(events.map((e) => e.event)).toContain('drain'))
    const during = await Promise.all([1, 2, 3, 4].map(() => request(url)))
    expect(during.map((r) => r.body)).toEqual(['b', 'b', 'b', 'b'])
    expect(drained).toBe(false)
    release()
    expect((await Promise.all(slow)).map((r) => r.body).sort()).toEqual(['a-slow', 'b-slow'])
    expect(await draining).toEqual({ drained: true, inflight: 0 })
    expect(events.map((e) => [e.event, e.target])).toEqual([
      ['drain', 'a'],
      ['drained', 'a'],
    ])
    await front.add('a')
    const after = await Promise.all([1, 2, 3, 4].map(() => request(url)))
    expect(after.map((r) => r.body)).toContain('a')
  })

  it('takes an unhealthy target out of the route and puts it back when it recovers', async () => {
    let sick = false
    const a = await startBackend('a', (req, res) => {
      if (req.url === '/healthz' && sick) res.statusCode = 503
      res.end('a')
    })
    const b = await startBackend('b')
    const { front, events } = await startFront(
      fleetOf(await freePort(), [
        { name: 'a', port: a.port },
        { name: 'b', port: b.port },
      ]),
    )
    sick = true
    await vi.waitFor(() => expect(front.targets().find((t) => t.name === 'a')?.routed).toBe(false), { timeout: 5_000 })
    expect(front.route().backends.map((x) => x.podName)).toEqual(['b'])
    sick = false
    await vi.waitFor(() => expect(front.targets().find((t) => t.name === 'a')?.routed).toBe(true), { timeout: 5_000 })
    expect(events.map((e) => e.event)).toEqual(['unhealthy', 'healthy'])
  })
  it('sends to every added target when none passes its health check', async () => {
    const sick = (_req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      if (_req.url === '/healthz') res.statusCode = 503
      res.end('up')
    }
    const a = await startBackend('a', sick)
    const b = await startBackend('b', sick)
    const { front, url } = await startFront(
      fleetOf(await freePort(), [
        { name: 'a', port: a.port },
        { name: 'b', port: b.port },
      ]),
    )
    expect(front.targets().map((t) => [t.healthy, t.routed])).toEqual([
      [false, true],
      [false, true],
    ])
    expect((await request(url)).body).toBe('up')
    await front.drain('a')
    expect(front.route().backends.map((x) => x.podName)).toEqual(['b'])
  })
})
