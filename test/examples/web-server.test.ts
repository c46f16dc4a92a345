// The example app (examples/web/server.js) as a real process: versions, readiness, and the
// order of events when it is stopped, read from its own log.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const WEB = fileURLToPath(new URL('../../examples/web/', import.meta.url))

interface App {
  proc: ChildProcessWithoutNullStreams
  port: number
  log: string[]
  exited: Promise<number | null>
}

const apps: App[] = []
afterEach(() => {
  for (const a of apps.splice(0)) if (a.proc.exitCode === null) a.proc.kill('SIGKILL')
})

async function startApp(dir: string, env: Record<string, string> = {}): Promise<App> {
  const proc = spawn(process.execPath, ['server.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
  })
  const log: string[] = []
  let buf = ''
  const port = new Promise<number>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const l of lines) {
        log.push(l)
        const m = / listening 127\.0\.0\.1:(\d+) /.exec(l)
        if (m) resolve(Number(m[1]))
      }
    })
    proc.once('exit', () => reject(new Error(`app exited early: ${log.join('\n')}`)))
  })
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const app = { proc, port: await port, log, exited }
  apps.push(app)
  return app
}

interface Answer {
  status: number
  body: string
  headers: http.IncomingHttpHeaders
}

function get(port: number, path: string, agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
  })
}

const events = (log: string[]) => log.map((l) => l.replace(/^\S+ /, '').replace(/ [\d.]+ms$/, ''))

describe('examples/web/server.js', () => {
  it.each<{ name: string; dir: string; env: Record<string, string>; want: string }>([
    { name: 'v1 folder', dir: 'v1', env: {}, want: 'v1' },
    { name: 'v2 folder', dir: 'v2', env: {}, want: 'v2' },
    { name: 'APP_VERSION over version.txt', dir: 'v1', env: { APP_VERSION: 'canary' }, want: 'canary' },
    { name: 'no version anywhere', dir: '', env: {}, want: 'v0' },
  ])('answers its version: $name', async ({ dir, env, want }) => {
    const app = await startApp(WEB + dir, env)
    const a = await get(app.port, '/')
    expect(a).toMatchObject({ status: 200, body: `${want}\n` })
    expect(a.headers['x-app-version']).toBe(want)
    expect((await get(app.port, '/healthz')).status).toBe(200)
    expect((await get(app.port, '/nope')).status).toBe(404)
  })

  it('is not ready, and answers 503, until STARTUP_DELAY_MS has passed', async () => {
    const app = await startApp(`${WEB}v1`, { STARTUP_DELAY_MS: '300' })
    expect((await get(app.port, '/ready')).status).toBe(503)
    expect((await get(app.port, '/')).status).toBe(503)
    expect((await get(app.port, '/healthz')).status).toBe(200)
    await new Promise((r) => setTimeout(r, 400))
    expect((await get(app.port, '/ready')).status).toBe(200)
    expect((await get(app.port, '/')).body).toBe('v1\n')
  })

  it('on SIGTERM finishes in-flight requests with Connection: close, closes idle ones, then exits', async () => {
    const app = await startApp(`${WEB}v1`)
    const keepAlive = new http.Agent({ keepAlive: true })
    await get(app.port, '/', keepAlive) // leaves an idle keep-alive connection behind
    const slow = get(app.port, '/?delay=300')
    await new Promise((r) => setTimeout(r, 100))
    const t0 = Date.now()
    app.proc.kill('SIGTERM')
    const answer = await slow
    expect(answer).toMatchObject({ status: 200, body: 'v1\n' })
    expect(answer.headers.connection).toBe('close')
    expect(await app.exited).toBe(0)
    // Far below DRAIN_TIMEOUT_MS (5 s): the idle keep-alive connection did not hold it open.
    expect(Date.now() - t0).toBeLessThan(2000)
    await expect(get(app.port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    keepAlive.destroy()
    expect(events(app.log).slice(2)).toEqual([
      'request GET / 200 v1',
      'sigterm received',
      'draining in-flight 1',
      'request GET / 200 v1',
      'drained',
      'exit 0',
    ])
  })

  it('SHUTDOWN=immediate exits at once, dropping in-flight requests', async () => {
    const app = await startApp(`${WEB}v1`, { SHUTDOWN: 'immediate' })
    const slow = get(app.port, '/?delay=2000')
    await new Promise((r) => setTimeout(r, 100))
    app.proc.kill('SIGTERM')
    await expect(slow).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(await app.exited).toBe(0)
  })

  it('SHUTDOWN=ignore keeps serving after SIGTERM', async () => {
    const app = await startApp(`${WEB}v1`, { SHUTDOWN: 'ignore' })
    app.proc.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 100))
    expect((await get(app.port, '/ready')).status).toBe(200)
    expect(app.proc.exitCode).toBeNull()
  })

  it('ships the same server.js in every version folder', () => {
    const source = readFileSync(`${WEB}server.js`, 'utf8')
    for (const v of ['v1', 'v2']) {
      expect(readFileSync(`${WEB}${v}/server.js`, 'utf8')).toBe(source)
      expect(readFileSync(`${WEB}${v}/version.txt`, 'utf8')).toBe(`${v}\n`)
    }
  })
})

describe('ERROR_RATE', () => {
  it('answers exactly that share of / with 500, evenly spread; probes stay healthy', async () => {
    const app = await startApp(WEB, { ERROR_RATE: '0.05' })
    const statuses: number[] = []
    for (let i = 0; i < 100; i++) statuses.push((await get(app.port, '/')).status)
    expect(statuses.filter((s) => s === 500)).toHaveLength(5)
    expect(statuses.filter((s) => s === 200)).toHaveLength(95)
    expect(statuses.indexOf(500)).toBe(19)
    expect((await get(app.port, '/ready')).status).toBe(200)
  })
})
