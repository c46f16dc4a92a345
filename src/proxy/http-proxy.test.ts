import { createHash } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../platform/logger.ts'
import {
  cleanup,
  closeAll,
  freePort,
  keepAliveAgent,
  rawExchange,
  request,
  route,
  startBackend,
  startPlane,
  startRawServer,
} from './testing.ts'

afterEach(closeAll)

describe('HTTP proxy: connection state', () => {
  it('traces every state change as {state, was, why} when its logger logs debug', async () => {
    const lines: string[] = []
    const a = await startBackend('a')
    const { url } = await startPlane([a.backend('a')], {
      logger: createLogger({ debug: true, write: (l) => lines.push(l) }),
    })
    const agent = keepAliveAgent()
    for (let i = 0; i < 2; i++) expect((await request(url, { agent })).body).toBe('a')
    agent.destroy()
    await vi.waitFor(() => expect(lines.some((l) => l.includes('"state":"closed"'))).toBe(true), { timeout: 10_000 })
    const steps = lines
      .map((l) => JSON.parse(l) as { msg: string; state: string; was: string; why: string })
      .filter((r) => r.msg === 'connection state changed')
    expect(steps.every((t) => t.why.length > 0)).toBe(true)
    expect(steps.map((t) => `${t.was}→${t.state}`)).toEqual([
      'head→dispatch',
      'dispatch→response',
      'response→head',
      'head→dispatch',
      'dispatch→response',
      'response→head',
      'head→closed',
    ])
  })

  it('traces nothing when its logger does not log debug', async () => {
    const lines: string[] = []
    const a = await startBackend('a')
    const { url } = await startPlane([a.backend('a')], { logger: createLogger({ write: (l) => lines.push(l) }) })
    expect((await request(url)).body).toBe('a')
    expect(lines).toEqual([])
  })
})

describe('HTTP proxy: balancing and headers', () => {
  it('spreads one keep-alive client over every replica', async () => {
    const a = await startBackend('a')
    const b = await startBackend('b')
    const { url } = await startPlane([a.backend('a'), b.backend('b')])
    const agent = keepAliveAgent()
    const bodies: string[] = []
    for (let i = 0; i < 20; i++) bodies.push((await request(url, { agent })).body)
    expect(bodies.filter((x) => x === 'a').length).toBe(10)
    expect(bodies.filter((x) => x === 'b').length).toBe(10)
    // One client connection carried all twenty requests.
    expect(new Set([...a.seen, ...b.seen].map((r) => r.headers['x-forwarded-for'])).size).toBe(1)
  })

  it('round robin alternates whatever the load', async () => {
    const a = await startBackend('a')
    const b = await startBackend('b')
    const { url } = await startPlane([a.backend('a'), b.backend('b')], { policy: 'round-robin' })
    const bodies = []
    for (let i = 0; i < 6; i++) bodies.push((await request(url)).body)
    expect(bodies.join('')).toMatch(/^(ab){3}$|^(ba){3}$/)
  })

  it('sets X-Forwarded-For/-Proto/-Host, appends to a client XFF and drops hop-by-hop headers', async () => {
    const a = await startBackend('a')
    const { url, port } = await startPlane([a.backend('a')])
    await request(url, {
      headers: { 'x-forwarded-for': '10.0.0.1', connection: 'x-secret', 'x-secret': '1', 'keep-alive': 'timeout=9' },
    })
    const h = a.seen[0]!.headers
    expect(h['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1')
    expect(h['x-forwarded-proto']).toBe('http')
    expect(h['x-forwarded-host']).toBe(`127.0.0.1:${port}`)
    expect(h['x-secret']).toBeUndefined()
    expect(h['keep-alive']).toBeUndefined()
  })

  it('passes pipelined requests in order on one connection', async () => {
    const a = await startBackend('a', (req, res) => res.end(req.url))
    const { port } = await startPlane([a.backend('a')])
    const out = await rawExchange(
      port,
      'GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\nGET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    )
    expect(out.match(/\/one|\/two|\/three/g)).toEqual(['/one', '/two', '/three'])
  })
})

describe('HTTP proxy: header routes (a Rollout setHeaderRoute step)', () => {
  it('sends requests whose headers match to the route revision, the rest by the weights, on one keep-alive connection', async () => {
    const stable = await startBackend('stable')
    const canary = await startBackend('canary')
    const { dp, route: r } = await startPlane([stable.backend('s', 'stable'), canary.backend('c', 'canary')])
    const routed = {
      ...r,
      weights: { stable: 100, canary: 0 },
      headerRoutes: [{ revision: 'canary', match: [{ name: 'X-Canary', exact: 'always' }] }],
    }
    expect(await dp.setRoutes([routed])).toEqual([])
    const url = `http://127.0.0.1:${r.listen.port}`
    const agent = keepAliveAgent()
    const bodies: string[] = []
    for (let i = 0; i < 6; i++) {
      bodies.push((await request(url, { agent, headers: i % 2 ? { 'x-canary': 'always' } : {} })).body)
    }
    expect(bodies).toEqual(['stable', 'canary', 'stable', 'canary', 'stable', 'canary'])
    // The route removed: the weights alone decide again.
    expect(await dp.setRoutes([{ ...routed, headerRoutes: [] }])).toEqual([])
    expect((await request(url, { agent, headers: { 'x-canary': 'always' } })).body).toBe('stable')
  })
})

describe('HTTP proxy: framing', () => {
  it('re-frames a chunked answer for an HTTP/1.0 client and closes after it', async () => {
    const a = await startBackend('a', (_req, res) => {
      res.write('he')
      res.end('llo')
    })
    const { port } = await startPlane([a.backend('a')])
    const out = await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n')
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(out).not.toMatch(/transfer-encoding/i)
    expect(out).toMatch(/Connection: close\r\n\r\nhello$/)
  })

  it('keeps the connection usable after a HEAD answer that announces a length', async () => {
    const a = await startBackend('a', (req, res) => {
      res.setHeader('content-length', '5')
      res.end(req.method === 'HEAD' ? undefined : 'hello')
    })
    const { port } = await startPlane([a.backend('a')])
    const out = await rawExchange(
      port,
      'HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    )
    expect(out.match(/HTTP\/1\.1 200/g)).toHaveLength(2)
    expect(out.endsWith('hello')).toBe(true)
  })
})

describe('HTTP proxy: streaming and upgrades', () => {
  it('streams a large chunked request body up and the echo back down', async () => {
    const a = await startBackend('a', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      req.pipe(res)
    })
    const { url } = await startPlane([a.backend('a')])
    const payload = Buffer.alloc(3 * 1024 * 1024)
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff
    const res = await new Promise<Buffer>((resolve, reject) => {
      const req = http.request(`${url}/echo`, { method: 'POST', agent: false }, (r) => {
        const chunks: Buffer[] = []
        r.on('data', (c: Buffer) => chunks.push(c))
        r.on('end', () => resolve(Buffer.concat(chunks)))
      })
      req.on('error', reject)
      for (let off = 0; off < payload.length; off += 256 * 1024) req.write(payload.subarray(off, off + 256 * 1024))
      req.end()
    })
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex')
    expect(res.length).toBe(payload.length)
    expect(hash(res)).toBe(hash(payload))
  })

  it('delivers the first part of a response before the replica has finished it', async () => {
    let finish: () => void = () => {}
    const a = await startBackend('a', (_req, res) => {
      res.writeHead(200)
      res.write('first;')
      finish = () => res.end('second')
    })
    const { url } = await startPlane([a.backend('a')])
    const firstSeen = await new Promise<string>((resolve) => {
      http.get(url, { agent: false }, (r) => r.once('data', (c: Buffer) => resolve(c.toString())))
    })
    expect(firstSeen).toBe('first;')
    finish()
  })

  it('passes a WebSocket upgrade through and tunnels bytes both ways', async () => {
    const a = await startBackend('a')
    a.server.on('upgrade', (req, socket: net.Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
      socket.on('data', (d) => socket.write(`echo:${d.toString()}`))
      socket.on('end', () => socket.end())
      expect(req.headers.upgrade).toBe('websocket')
    })
    const { port, dp } = await startPlane([a.backend('a')])
    const s = net.connect(port, '127.0.0.1')
    let got = ''
    s.on('data', (d) => {
      got += d.toString()
      if (got.includes('\r\n\r\n') && !got.includes('echo')) s.write('ping')
    })
    s.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n')
    await expect.poll(() => got.includes('echo:ping'), { timeout: 3_000, interval: 10 }).toBe(true)
    expect(got).toMatch(/^HTTP\/1\.1 101 /)
    // The tunnel counts as in flight on its pod until it closes.
    expect(dp.inflight('a')).toBe(1)
    s.destroy()
    await expect.poll(() => dp.inflight('a') === 0, { timeout: 3_000, interval: 10 }).toBe(true)
  })
})

describe('HTTP proxy: retries', () => {
  it('retries a GET and a POST on another replica when the connection is refused', async () => {
    const deadPort = await freePort()
    const live = await startBackend('live', (req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => res.end(`live:${body}`))
    })
    const { url, dp } = await startPlane([
      { podUid: 'dead', podName: 'dead', revision: 'r1', host: '127.0.0.1', port: deadPort },
      live.backend('live'),
    ])
    for (let i = 0; i < 4; i++) {
      expect((await request(url)).body).toBe('live:')
      expect((await request(url, { method: 'POST', body: 'hello' })).body).toBe('live:hello')
    }
    const m = dp.metrics()
    expect(m.pods.find((p) => p.podUid === 'dead')!.counters.failedConnections).toBeGreaterThan(0)
    // The revision's figures carry them too: a revision that refuses connections is judged by them.
    expect(m.services[0]!.revisions.r1!.failedConnections).toBe(
      m.pods.find((p) => p.podUid === 'dead')!.counters.failedConnections,
    )
    expect(m.anomalies.retries).toBeGreaterThan(0)
    expect(m.services[0]!.totals.errors).toBe(0)
  })

  it('retries a GET but not a POST when a replica drops the request after it was sent', async () => {
    const dropper = await startRawServer((s) => s.once('data', () => s.destroy()))
    const live = await startBackend('live')
    const { url, dp } = await startPlane(
      [
        { podUid: 'drop', podName: 'drop', revision: 'r1', host: '127.0.0.1', port: dropper.port },
        live.backend('live'),
      ],
      { policy: 'round-robin' },
    )
    const gets = [await request(url), await request(url)]
    expect(gets.map((g) => g.body)).toEqual(['live', 'live'])
    const posts = [await request(url, { method: 'POST', body: 'x' }), await request(url, { method: 'POST', body: 'x' })]
    expect(posts.map((p) => p.status).sort()).toEqual([200, 502])
    expect(posts.find((p) => p.status === 502)!.body).toMatch(/closed the connection before answering/)
    expect(dp.metrics().anomalies.upstreamResets).toBeGreaterThanOrEqual(2)
    // The POST that failed is the dropping replica's failure, counted against it (a fleet's front
    // balancer reports a killed target's lost requests this way); the GETs it dropped were
    // retried, so they are failed connections there, not failed requests.
    const pods = dp.metrics().pods
    const drop = pods.find((p) => p.podUid === 'drop')!.counters
    expect([drop.requests, drop.errors, drop.status['5xx']]).toEqual([1, 1, 1])
    expect(drop.failedConnections).toBeGreaterThanOrEqual(2)
    expect(pods.find((p) => p.podUid === 'live')!.counters.errors).toBe(0)
    expect(dp.metrics().services[0]!.totals.errors).toBe(1)
  })

  it('does not retry once response bytes went out: the client connection is cut', async () => {
    const half = await startRawServer((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial')
        setTimeout(() => s.destroy(), 20)
      }),
    )
    const live = await startBackend('live')
    const { url, dp } = await startPlane([
      { podUid: 'half', podName: 'half', revision: 'r1', host: '127.0.0.1', port: half.port },
    ])
    await expect(request(url)).rejects.toThrow()
    expect(live.seen.length).toBe(0)
    const pod = dp.metrics().pods.find((p) => p.podUid === 'half')!
    expect(pod.counters.errors).toBe(1)
  })
})

describe('HTTP proxy: no replica', () => {
  it('waits for a replica, then answers 503 with an explanation', async () => {
    const { url, dp } = await startPlane([], { timeouts: { endpointWaitMs: 150 } })
    const res = await request(url)
    expect(res.status).toBe(503)
    expect(res.body).toMatch(/Service default\/web has no ready replica: none became ready within 150 ms/)
    expect(dp.metrics().anomalies.noEndpointTimeouts).toBe(1)
  })

  it('serves a waiting request as soon as a replica appears', async () => {
    const a = await startBackend('a')
    const { url, dp, route } = await startPlane([], { timeouts: { endpointWaitMs: 5_000 } })
    const pending = request(url)
    await expect.poll(() => dp.metrics().services[0]!.waiting === 1, { timeout: 3_000, interval: 10 }).toBe(true)
    await dp.setRoutes([{ ...route, backends: [a.backend('a')] }])
    expect((await pending).body).toBe('a')
  })
})

describe('HTTP proxy: drain', () => {
  it('takes a removed replica out at once, finishes its in-flight request, closes its idle connections', async () => {
    const release: Array<() => void> = []
    const a = await startBackend('a', (req, res) => {
      if (req.url === '/slow') release.push(() => res.end('a-slow'))
      else res.end('a')
    })
    const b = await startBackend('b')
    const { url, dp, route } = await startPlane([a.backend('a'), b.backend('b')], { policy: 'round-robin' })
    const agent = keepAliveAgent()
    await request(url, { agent })
    await request(url, { agent }) // both replicas now hold an idle pooled connection
    const slow = request(url, { path: '/slow' })
    await expect
      .poll(() => release.length === 1 || b.seen.some((r) => r.url === '/slow'), { timeout: 3_000, interval: 10 })
      .toBe(true)
    if (release.length === 0) throw new Error('round robin sent /slow to b; expected a')
    expect(dp.inflight('a')).toBe(1)

    await dp.setRoutes([{ ...route, backends: [b.backend('b')] }])
    let drained: boolean | undefined
    void dp.waitDrained('a', Date.now() + 5_000).then((d) => (drained = d))
    const before = a.seen.length
    for (let i = 0; i < 5; i++) expect((await request(url, { agent })).body).toBe('b')
    expect(a.seen.length).toBe(before)
    expect(drained).toBeUndefined()

    release[0]!()
    expect((await slow).body).toBe('a-slow')
    await expect.poll(() => drained === true, { timeout: 3_000, interval: 10 }).toBe(true)
    await expect
      .poll(() => new Promise<boolean>((r) => a.server.getConnections((_e, n) => r(n === 0))), {
        timeout: 2_000,
        interval: 10,
      })
      .toBe(true)
  })

  it('gives up waiting at the deadline while a request is still in flight', async () => {
    const a = await startBackend('a', () => {}) // never answers
    const { url, dp, route } = await startPlane([a.backend('a')])
    void request(url).catch(() => {})
    await expect.poll(() => dp.inflight('a') === 1, { timeout: 3_000, interval: 10 }).toBe(true)
    await dp.setRoutes([{ ...route, backends: [] }])
    expect(await dp.waitDrained('a', Date.now() + 100)).toBe(false)
    expect(await dp.waitDrained('never-routed', Date.now() + 100)).toBe(true)
  })
})

describe('HTTP proxy: route table pushes', () => {
  it('handles overlapping pushes without opening a listener twice', async () => {
    const a = await startBackend('a')
    const { DataPlane } = await import('./data-plane.ts')
    const dp = new DataPlane()
    cleanup(() => dp.close())
    const port = await freePort()
    const r = route(port, [a.backend('a')])
    const results = await Promise.all([dp.setRoutes([r]), dp.setRoutes([r]), dp.setRoutes([r])])
    expect(results).toEqual([[], [], []])
    expect((await request(`http://127.0.0.1:${port}`)).body).toBe('a')
  })

  it('settles a push whose route the next push removes while its port is being bound', async () => {
    const { DataPlane } = await import('./data-plane.ts')
    const dp = new DataPlane()
    cleanup(() => dp.close())
    const port = await freePort()
    const results = await Promise.all([dp.setRoutes([route(port, [])]), dp.setRoutes([])])
    expect(results).toEqual([[], []])
    expect(dp.routes()).toEqual([])
  })

  it('reports an address it cannot listen on', async () => {
    const taken = await startRawServer(() => {})
    const { dp } = await startPlane([])
    const failures = await dp.setRoutes([route(taken.port, [])])
    expect(failures).toEqual([
      { listen: `127.0.0.1:${taken.port}`, service: 'default/web', error: expect.stringMatching(/EADDRINUSE/) },
    ])
    expect(dp.metrics().services[0]!.listenError).toMatch(/EADDRINUSE/)
  })
})

describe('HTTP proxy: route removal', () => {
  it('stops accepting at once but finishes the request in flight', async () => {
    let release: () => void = () => {}
    const a = await startBackend('a', (_req, res) => void (release = () => res.end('done')))
    const { url, port, dp } = await startPlane([a.backend('a')])
    const inFlight = request(url)
    await expect.poll(() => a.seen.length === 1, { timeout: 3_000, interval: 10 }).toBe(true)
    await dp.setRoutes([])
    await expect(request(`http://127.0.0.1:${port}`)).rejects.toThrow(/ECONNREFUSED/)
    release()
    const res = await inFlight
    expect(res.body).toBe('done')
    expect(res.headers.connection).toBe('close')
  })
})

describe('HTTP proxy: figures and bad input', () => {
  it('counts requests and errors per service, revision and pod', async () => {
    const v1 = await startBackend('v1', (req, res) => {
      res.statusCode = req.url === '/fail' ? 500 : 200
      res.end()
    })
    const v2 = await startBackend('v2')
    const { url, dp } = await startPlane([v1.backend('p1', 'rev1'), v2.backend('p2', 'rev2')], {
      policy: 'round-robin',
    })
    for (let i = 0; i < 4; i++) await request(url, { path: '/fail' })
    const m = dp.metrics()
    const svc = m.services[0]!
    expect(svc.totals.requests).toBe(4)
    expect(svc.totals.errors).toBe(2)
    expect(svc.revisions.rev1).toMatchObject({ requests: 2, errors: 2 })
    expect(svc.revisions.rev2).toMatchObject({ requests: 2, errors: 0 })
    expect(m.pods.find((p) => p.podUid === 'p1')!.counters.status['5xx']).toBe(2)
    expect(svc.totals.latency.count).toBe(4)
    expect(svc.totals.latency.p99Ms).toBeGreaterThan(0)
  })

  it('answers 502 for a replica that speaks garbage and 504 for one that hangs', async () => {
    const garbage = await startRawServer((s) => s.once('data', () => s.write('SSH-2.0-OpenSSH\r\n\r\n')))
    const { url, dp } = await startPlane([
      { podUid: 'g', podName: 'g', revision: 'r', host: '127.0.0.1', port: garbage.port },
    ])
    const bad = await request(url)
    expect(bad.status).toBe(502)
    expect(bad.body).toMatch(/invalid answer/)
    expect(dp.metrics().anomalies.upstreamMalformed).toBe(1)

    const hang = await startRawServer(() => {})
    const h = await startPlane([{ podUid: 'h', podName: 'h', revision: 'r', host: '127.0.0.1', port: hang.port }], {
      timeouts: { responseTimeoutMs: 150 },
    })
    const slow = await request(h.url)
    expect(slow.status).toBe(504)
    expect(h.dp.metrics().anomalies.upstreamTimeouts).toBe(1)
  })

  it.each([
    { name: 'garbage request line', raw: 'HELLO\r\n\r\n', status: 400 },
    {
      name: 'Content-Length and Transfer-Encoding',
      raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      status: 400,
    },
    { name: 'HTTP/1.1 without Host', raw: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
    { name: 'bare LF in a header', raw: 'GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n', status: 400 },
    {
      name: 'unknown transfer coding',
      raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
      status: 501,
    },
  ])('answers $status to a client that sends $name, and counts it', async ({ raw, status }) => {
    const a = await startBackend('a')
    const { port, dp } = await startPlane([a.backend('a')])
    const out = await rawExchange(port, raw)
    expect(out.startsWith(`HTTP/1.1 ${status} `)).toBe(true)
    expect(a.seen.length).toBe(0)
    expect(dp.metrics().anomalies.malformedRequests).toBe(1)
  })

  it('counts a client that disconnects mid-request and keeps serving others', async () => {
    const a = await startBackend('a', (req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 100)
      else res.end('a')
    })
    const { url, port, dp } = await startPlane([a.backend('a')])
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'))
    await expect.poll(() => a.seen.length === 1, { timeout: 3_000, interval: 10 }).toBe(true)
    s.destroy()
    await expect.poll(() => dp.metrics().anomalies.clientAborts === 1, { timeout: 3_000, interval: 10 }).toBe(true)
    expect((await request(url)).body).toBe('a')
    await expect.poll(() => dp.inflight('a') === 0, { timeout: 3_000, interval: 10 }).toBe(true)
  })
})

describe('TCP mode', () => {
  it('pipes bytes both ways and spreads connections', async () => {
    const echo = (tag: string) => startRawServer((s) => s.on('data', (d) => s.write(`${tag}:${d.toString()}`)))
    const e1 = await echo('one')
    const e2 = await echo('two')
    const { port, dp } = await startPlane(
      [
        { podUid: 'one', podName: 'one', revision: 'r', host: '127.0.0.1', port: e1.port },
        { podUid: 'two', podName: 'two', revision: 'r', host: '127.0.0.1', port: e2.port },
      ],
      { mode: 'tcp' },
    )
    const say = (text: string) =>
      new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => s.write(text))
        s.once('data', (d) => {
          resolve(d.toString())
          s.destroy()
        })
      })
    const answers = [await say('hi'), await say('hi')]
    expect(answers.sort()).toEqual(['one:hi', 'two:hi'])
    expect(dp.metrics().services[0]!.totals.requests).toBe(2)
  })

  it('skips a replica that refuses the connection', async () => {
    const deadPort = await freePort()
    const echo = await startRawServer((s) => s.on('data', (d) => s.write(d)))
    const { port, dp } = await startPlane(
      [
        { podUid: 'dead', podName: 'dead', revision: 'r', host: '127.0.0.1', port: deadPort },
        { podUid: 'live', podName: 'live', revision: 'r', host: '127.0.0.1', port: echo.port },
      ],
      { mode: 'tcp', policy: 'round-robin' },
    )
    for (let i = 0; i < 2; i++) {
      const got = await new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => s.write('x'))
        s.once('data', (d) => {
          resolve(d.toString())
          s.destroy()
        })
      })
      expect(got).toBe('x')
    }
    // No passive ejection: readiness (the endpoints) decides who is in; each try is counted.
    expect(dp.metrics().pods.find((p) => p.podUid === 'dead')!.counters.failedConnections).toBe(2)
  })
})
