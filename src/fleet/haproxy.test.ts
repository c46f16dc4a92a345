/**
 * The HAProxy adapter against a real HAProxy (Debian's `haproxy`), two loopback HTTP servers
 * as targets `a` and `b`, the runtime API on a Unix socket in a temp directory.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { isBatonError } from '../errors/baton-error.ts'
import { systemClock } from '../platform/clock.ts'
import { HaproxyFrontClient, haproxyCommand, parseShowStat } from './haproxy.ts'
import { parseFleet } from './spec.ts'
import type { Fleet } from './types.ts'

const haproxyBin = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
})()

let dir = ''
let haproxy: ChildProcess | undefined
let frontPort = 0
const servers: http.Server[] = []
/** Answers of each server, and a gate that holds /slow requests until opened. */
const served: Record<string, number> = { a: 0, b: 0 }
let release: () => void = () => {}
let slowGate = Promise.resolve()

const fleet = (backend = 'web', socket = join(dir, 'admin.sock')): Fleet =>
  parseFleet(`
apiVersion: baton.dev/v1
kind: Fleet
metadata: {name: web}
spec:
  manifests: [deploy.yaml]
  targets:
    - {name: a, connection: {server: "http://127.0.0.1:1"}, service: {host: 127.0.0.1, port: 1}, weight: 3}
    - {name: b, connection: {server: "http://127.0.0.1:1"}, service: {host: 127.0.0.1, port: 2}}
  frontLoadBalancer:
    haproxy: {socket: ${socket}, backend: ${backend}}
    drainTimeoutSeconds: 20
  windowSize: 1
`)

const get = (path: string) =>
  new Promise<string>((done, fail) =>
    http
      .get({ host: '127.0.0.1', port: frontPort, path, agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (c: string) => (body += c))
        res.on('end', () => done(body))
      })
      .on('error', fail),
  )

beforeAll(async () => {
  if (!haproxyBin) return
  dir = mkdtempSync(join(tmpdir(), 'baton-haproxy-'))
  const ports: number[] = []
  for (const name of ['a', 'b']) {
    const s = http.createServer(async (req, res) => {
      if (req.url === '/slow') await slowGate
      served[name]!++
      res.end(name)
    })
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
    servers.push(s)
    ports.push((s.address() as AddressInfo).port)
  }
  const probe = http.createServer()
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok))
  frontPort = (probe.address() as AddressInfo).port
  await new Promise((ok) => probe.close(ok))
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    `global
    stats socket ${join(dir, 'admin.sock')} mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:${frontPort}
    default_backend web
backend web
    balance roundrobin
    server a 127.0.0.1:${ports[0]}
    server b 127.0.0.1:${ports[1]}
`,
  )
  haproxy = spawn(haproxyBin, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' })
  await vi.waitFor(() => haproxyCommand(join(dir, 'admin.sock'), 'show info'), { timeout: 20_000, interval: 200 })
}, 30_000)

afterAll(async () => {
  release()
  if (haproxy?.pid !== undefined && haproxy.exitCode === null) process.kill(haproxy.pid, 'SIGKILL')
  for (const s of servers) s.closeAllConnections()
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!haproxyBin)('HaproxyFrontClient (a real HAProxy)', () => {
  it('drain sends no new request to the target and waits for its in-flight one; add puts it back with its weight', async () => {
    const front = new HaproxyFrontClient(fleet(), fleet().spec.frontLoadBalancer.haproxy!, dir, systemClock)
    slowGate = new Promise((ok) => (release = ok))
    // Round robin: the first two go one to a, one to b; both wait behind the gate.
    const slow = [get('/slow'), get('/slow')]
    await vi.waitFor(async () => expect((await front.targets()).map((t) => t.inflight)).toEqual([1, 1]))
    let drainedAt = 0
    const drain = front.drain('a').then((d) => {
      drainedAt = Date.now()
      return d
    })
    await vi.waitFor(async () => expect((await front.targets())[0]!.drained).toBe(true))
    const before = { ...served }
    for (let i = 0; i < 10; i++) expect(await get('/')).toBe('b')
    expect(served.a).toBe(before.a)
    expect(drainedAt).toBe(0) // still waiting for a's request in flight
    const releasedAt = Date.now()
    release()
    expect(await drain).toEqual({ drained: true, inflight: 0 })
    expect(drainedAt).toBeGreaterThanOrEqual(releasedAt)
    expect((await Promise.all(slow)).sort()).toEqual(['a', 'b'])
    await front.add('a')
    const [a, b] = await front.targets()
    expect([a!.drained, a!.routed, a!.weight, b!.weight]).toEqual([false, true, 3, 1])
    const answers = await Promise.all(Array.from({ length: 8 }, () => get('/')))
    expect(answers.filter((x) => x === 'a').length).toBeGreaterThan(answers.filter((x) => x === 'b').length)
  })

  it('refuses a backend without a server per target, naming them', async () => {
    const f = fleet('fe')
    const err = await new HaproxyFrontClient(f, f.spec.frontLoadBalancer.haproxy!, dir, systemClock)
      .drain('a')
      .catch((e: unknown) => e)
    expect(isBatonError(err) && err.code).toBe('BATON_FLEET_HAPROXY')
    expect((err as Error).message).toBe("HAProxy's backend fe has no server named a, b")
  })

  it('refuses a socket nothing answers on, naming it', async () => {
    const f = fleet('web', join(dir, 'nothing.sock'))
    const err = await new HaproxyFrontClient(f, f.spec.frontLoadBalancer.haproxy!, dir, systemClock)
      .targets()
      .catch((e: unknown) => e)
    expect(isBatonError(err) && err.code).toBe('BATON_FLEET_HAPROXY')
    expect((err as Error).message).toContain(`HAProxy's runtime API at ${join(dir, 'nothing.sock')} does not answer`)
  })
})

describe('parseShowStat', () => {
  it('reads the servers of one backend, skipping its FRONTEND and BACKEND rows', () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,hrsp_5xx',
      'fe,FRONTEND,,,0,1,,5,,,,,,,,,,OPEN,,',
      'web,a,0,0,2,3,,40,,,,,,1,0,,,DRAIN,0,3',
      'web,b,0,0,0,3,,41,,,,,,0,2,,,UP,1,0',
      'web,BACKEND,0,0,2,3,,81,,,,,,1,2,,,UP,1,3',
    ].join('\n')
    expect(parseShowStat(csv, 'web')).toEqual([
      { name: 'a', status: 'DRAIN', weight: 0, current: 2, total: 40, errors: 3, failedConnections: 1 },
      { name: 'b', status: 'UP', weight: 1, current: 0, total: 41, errors: 2, failedConnections: 0 },
    ])
  })
})
