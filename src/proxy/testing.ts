/**
 * @module
 * Shared builders for the proxy's tests (kamal-proxy's testing.go): real loopback backends,
 * a data plane on a free port, and small clients. Everything started here is registered
 * with `cleanup` and closed by `closeAll()` in afterEach.
 */
import http from 'node:http'
import net from 'node:net'
import { DataPlane, type DataPlaneOptions } from './data-plane.ts'
import type { Backend, ProxyMode, ServiceRoute } from './types.ts'

const closers: Array<() => Promise<void> | void> = []

export function cleanup(fn: () => Promise<void> | void): void {
  closers.push(fn)
}

export async function closeAll(): Promise<void> {
  for (const fn of closers.splice(0).reverse()) await fn()
}

export interface TestBackend {
  server: http.Server
  port: number
  /** Requests seen, in order. */
  seen: http.IncomingMessage[]
  backend(podUid: string, revision?: string): Backend
}

/** An HTTP server on 127.0.0.1:0; `handler` defaults to answering its name. */
export async function startBackend(name: string, handler?: http.RequestListener): Promise<TestBackend> {
  const seen: http.IncomingMessage[] = []
  const server = http.createServer((req, res) => {
    seen.push(req)
    if (handler) return handler(req, res)
    res.end(name)
  })
  server.keepAliveTimeout = 5_000
  const port = await listen(server)
  cleanup(() => closeServer(server))
  return {
    server,
    port,
    seen,
    backend: (podUid, revision = 'r1') => ({ podUid, podName: `pod-${podUid}`, revision, host: '127.0.0.1', port }),
  }
}

/** A raw TCP server on 127.0.0.1:0 (garbage, hanging, echo replicas). */
export async function startRawServer(onConn: (s: net.Socket) => void): Promise<{ port: number; server: net.Server }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    onConn(s)
  })
  const port = await listen(server)
  cleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  )
  return { port, server }
}

export async function freePort(): Promise<number> {
  const s = net.createServer()
  const port = await listen(s)
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

export function route(port: number, backends: Backend[], mode: ProxyMode = 'http'): ServiceRoute {
  return { namespace: 'default', service: 'web', listen: { host: '127.0.0.1', port }, mode, backends }
}

export async function startPlane(
  backends: Backend[],
  opts: DataPlaneOptions & { mode?: ProxyMode } = {},
): Promise<{ dp: DataPlane; port: number; url: string; route: ServiceRoute }> {
  const dp = new DataPlane(opts)
  cleanup(() => dp.close())
  const port = await freePort()
  const r = route(port, backends, opts.mode)
  const failures = await dp.setRoutes([r])
  if (failures.length > 0) throw new Error(`listen failed: ${failures[0]!.error}`)
  return { dp, port, url: `http://127.0.0.1:${port}`, route: r }
}

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One request through node:http (optionally on a shared keep-alive agent). */
export function request(
  url: string,
  opts: {
    method?: string
    path?: string
    headers?: http.OutgoingHttpHeaders
    body?: string | Buffer
    agent?: http.Agent
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url + (opts.path ?? '/'),
      { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** Writes raw bytes to the port and collects everything until the server closes (or `untilMs`). */
export function rawExchange(port: number, bytes: string, untilMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    let out = ''
    const t = setTimeout(() => s.destroy(), untilMs)
    s.on('data', (d) => (out += d.toString('latin1')))
    s.on('error', () => {})
    s.on('close', () => {
      clearTimeout(t)
      resolve(out)
    })
    s.write(bytes)
  })
}

export function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  cleanup(() => agent.destroy())
  return agent
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  )
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
