import { createServer, type Server } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../platform/clock.ts'
import { handlerExecutor, type HandlerContext } from './handler-executor.ts'

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
  const addr = server.address()
  if (!addr || typeof addr === 'string') throw new Error('no port')
  return addr.port
}

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const s = createTcpServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const addr = s.address()
  await new Promise<void>((r) => s.close(() => r()))
  if (!addr || typeof addr === 'string') throw new Error('no port')
  return addr.port
}

function ctx(ports: Record<string, number>, extra: Partial<HandlerContext> = {}): HandlerContext {
  const dir = mkdtempSync(join(tmpdir(), 'baton-probe-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return {
    clock: systemClock,
    resolvePort: (p) => ports[String(p)],
    cwd: dir,
    env: { PATH: '/usr/bin:/bin', GREETING: 'hi' },
    ...extra,
  }
}

describe('httpGet', () => {
  it('succeeds on 2xx/3xx, sends headers, fails with the status code otherwise', async () => {
    const seen: Array<string | undefined> = []
    const server = createServer((req, res) => {
      seen.push(req.headers['x-probe'] as string | undefined)
      res.writeHead(req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 503).end('nope')
    })
    const port = await listen(server)
    const c = ctx({ '8080': port, http: port })
    const get = (path: string, p: number | string = 8080) =>
      handlerExecutor({ httpGet: { path, port: p, httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }, c)(1000)
    expect(await get('/healthz')).toEqual({ ok: true, message: '' })
    expect(await get('/moved', 'http')).toEqual({ ok: true, message: '' })
    expect(await get('/down')).toEqual({ ok: false, message: 'HTTP probe failed with statuscode: 503' })
    expect(seen).toEqual(['yes', 'yes', 'yes'])
  })

  it('reports connection refused and timeouts in the kubelet wording', async () => {
    const port = await closedPort()
    const refused = await handlerExecutor({ httpGet: { path: '/healthz', port: 80 } }, ctx({ '80': port }))(1000)
    expect(refused).toEqual({
      ok: false,
      message: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    })
    const hang = createServer(() => {})
    const slow = await listen(hang)
    cleanups.unshift(() => void hang.closeAllConnections())
    const timedOut = await handlerExecutor({ httpGet: { path: '/', port: 80 } }, ctx({ '80': slow }))(200)
    expect(timedOut.ok).toBe(false)
    expect(timedOut.message).toContain('context deadline exceeded')
  })

  it('refuses header values that would inject lines into the request', async () => {
    const r = await handlerExecutor(
      { httpGet: { path: '/', port: 80, httpHeaders: [{ name: 'X-A', value: 'b\r\nX-Evil: 1' }] } },
      ctx({ '80': 1 }),
    )(1000)
    expect(r).toEqual({ ok: false, message: 'invalid probe header "X-A"' })
  })

  it('fails on an answer that is not HTTP', async () => {
    const port = await listen(createTcpServer((s) => s.end('SSH-2.0-OpenSSH\r\n', () => s.destroy())))
    const r = await handlerExecutor({ httpGet: { path: '/', port: 22 } }, ctx({ '22': port }))(1000)
    expect(r).toEqual({ ok: false, message: `Get "http://127.0.0.1:${port}/": malformed HTTP response` })
  })

  it('fails with a clear message for a port the pod does not declare', async () => {
    const r = await handlerExecutor({ httpGet: { path: '/', port: 'metrics' } }, ctx({}))(1000)
    expect(r).toEqual({
      ok: false,
      message: 'port "metrics" is not a port of this pod (name a containerPort or its name)',
    })
  })
})

describe('tcpSocket', () => {
  it('succeeds when a connection opens, fails when refused', async () => {
    const port = await listen(createTcpServer((s) => s.destroy()))
    const closed = await closedPort()
    const c = ctx({ '5432': port, '5433': closed })
    expect(await handlerExecutor({ tcpSocket: { port: 5432 } }, c)(1000)).toEqual({ ok: true, message: '' })
    expect(await handlerExecutor({ tcpSocket: { port: 5433 } }, c)(1000)).toEqual({
      ok: false,
      message: `dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    })
  })
})

describe('exec', () => {
  const run = (command: string[], timeoutMs = 2000, c = ctx({})) => handlerExecutor({ exec: { command } }, c)(timeoutMs)

  it.each([
    { name: 'exit 0 is success', command: ['sh', '-c', 'echo ok'], expected: { ok: true, message: 'ok' } },
    {
      name: 'runs in the pod environment',
      command: ['sh', '-c', 'test "$GREETING" = hi'],
      expected: { ok: true, message: '' },
    },
    {
      name: 'non-zero exit fails with the output',
      command: ['sh', '-c', 'echo broken >&2; exit 3'],
      expected: { ok: false, message: 'broken' },
    },
    {
      name: 'a missing binary is a failure, not a crash',
      command: ['no-such-binary-xyz'],
      expected: { ok: false, message: 'exec: "no-such-binary-xyz": executable file not found in $PATH' },
    },
  ])('$name', async ({ command, expected }) => {
    expect(await run(command)).toEqual(expected)
  })

  it('runs in the pod directory', async () => {
    const c = ctx({})
    expect(await run(['sh', '-c', 'pwd'], 2000, c)).toEqual({ ok: true, message: c.cwd })
  })

  it('kills the whole process group at the timeout', async () => {
    const c = ctx({})
    const pidFile = join(c.cwd, 'child.pid')
    const started = Date.now()
    const r = await run(['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], 300, c)
    expect(r.ok).toBe(false)
    expect(r.message).toContain('timed out')
    expect(Date.now() - started).toBeLessThan(2000)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    await new Promise((res) => setTimeout(res, 100))
    expect(isRunning(pid)).toBe(false)
  })
})

/** Alive and not a zombie (a killed orphan may linger as a zombie until init reaps it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
