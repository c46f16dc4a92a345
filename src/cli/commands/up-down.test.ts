import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { readDaemonInfo } from '../config.ts'
import { runRealCli } from '../testing/harness.ts'
import { isRunning } from '../../platform/proc-stat.ts'
import { readProxyFiles } from '../../proxy/proxy-files.ts'
import { ensureProxy } from '../../proxy/supervise.ts'
import { DAEMON_V8_FLAGS } from '../../platform/env.ts'

/** The real thing: `up -d` spawns src/daemon/main.ts, `down --all` stops it and its pods. */
const dirs: string[] = []
const pids: number[] = []
afterEach(() => {
  for (const pid of pids.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
}

const baton = runRealCli

describe('up -d and down', () => {
  it('starts the daemon in the background, talks to it, and stops it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-'))
    dirs.push(dataDir)
    const port = await freePort()
    const up = await baton(['up', '-d', '--port', String(port), '--data-dir', dataDir])
    const info = readDaemonInfo(dataDir)
    if (info) pids.push(info.pid)
    expect(up.err).toBe('')
    expect(up.out).toBe(`baton daemon started (pid ${info?.pid}) on https://127.0.0.1:${port}\n`)

    const again = await baton(['up', '-d', '--port', String(port), '--data-dir', dataDir])
    expect(again.out).toBe(`baton daemon already running (pid ${info?.pid}) on https://127.0.0.1:${port}\n`)
    const version = await baton(['version', '--data-dir', dataDir])
    expect(version.out).toMatch(/^Client Version: v\S+\nServer Version: v\S+\n$/)

    expect(await baton(['down', '--all', '--data-dir', dataDir])).toEqual({
      code: 0,
      err: '',
      out: `baton daemon stopped (pid ${info?.pid})\n`,
    })
    expect(isRunning(info!.pid)).toBe(false)
  }, 60_000)
})

describe('a start that fails', () => {
  it('on a feature gate Baton does not know, refuses before any daemon starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-gates-'))
    dirs.push(dataDir)
    const up = await baton([
      'up',
      '-d',
      '--port',
      String(await freePort()),
      '--data-dir',
      dataDir,
      '--feature-gates',
      'NoSuchGate=true',
    ])
    expect(up.code).not.toBe(0)
    expect(up.err).toContain('invalid argument for "--feature-gates" flag: unrecognized feature gate: NoSuchGate')
    expect(up.err).toContain('Known gates: DeploymentReplicaSetTerminatingReplicas')
    expect(readDaemonInfo(dataDir)).toBeUndefined()
  })

  it('on a taken API port says why in plain words and leaves no load balancer behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-taken-'))
    dirs.push(dataDir)
    const holder = createServer()
    const port = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
    )
    try {
      const up = await baton(['up', '-d', '--port', String(port), '--data-dir', dataDir])
      const lb = readProxyFiles(dataDir)?.info.pid
      if (lb !== undefined) pids.push(lb)
      expect(up.code).toBe(1)
      expect(up.out).toBe('')
      expect(up.err).toBe(
        `error: the daemon could not start: BATON_INTERNAL: the API cannot listen on 127.0.0.1:${port}: EADDRINUSE\n` +
          `hint: Another daemon runs there: stop it with \`baton down\`, or pass --port\nfull log: ${join(dataDir, 'daemon.log')}\n`,
      )
      expect(lb === undefined || !isRunning(lb)).toBe(true)
    } finally {
      await new Promise((r) => holder.close(r))
    }
  }, 60_000)

  it('leaves nothing that down --all cannot stop: a load balancer without its daemon', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-down-lb-'))
    dirs.push(dataDir)
    const lb = await ensureProxy(dataDir)
    const { pid } = await lb.ping()
    lb.close()
    pids.push(pid)
    expect(await baton(['down', '--all', '--data-dir', dataDir])).toEqual({
      code: 0,
      err: '',
      out: `no Baton daemon was running; its load balancer is stopped (pid ${pid})\n`,
    })
    expect(isRunning(pid)).toBe(false)
    const again = await baton(['down', '--all', '--data-dir', dataDir])
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/^error: no Baton daemon is running for /)
  }, 60_000)
})

describe('the compile cache the CLI hands to the daemon', () => {
  const BIN = fileURLToPath(new URL('../../../bin/baton.mjs', import.meta.url))
  const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')

  it("is the CLI's own cache root, for the daemon and the load balancer it starts, which fill it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-cache-'))
    dirs.push(dataDir)
    const cache = join(dataDir, 'compile-cache')
    const env = { ...process.env, NODE_COMPILE_CACHE: cache, BATON_HOME: dataDir }
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' })
    const up = run('up', '-d', '--port', String(await freePort()))
    const info = readDaemonInfo(dataDir)
    if (info) pids.push(info.pid)
    expect(up.stderr).toBe('')
    expect(up.status).toBe(0)
    const proxy = readProxyFiles(dataDir)!.info.pid
    pids.push(proxy)
    expect(environ(info!.pid)).toContain(`NODE_COMPILE_CACHE=${cache}`)
    expect(environ(proxy)).toContain(`NODE_COMPILE_CACHE=${cache}`)
    expect(readFileSync(`/proc/${info!.pid}/cmdline`, 'utf8').split('\0')).toEqual(
      expect.arrayContaining([...DAEMON_V8_FLAGS]),
    )
    expect(run('down', '--all').status).toBe(0)
    // Node keeps one folder per Node version and V8 flag set inside the root (the daemon runs
    // with its own flags, so it has its own), and never one nested in another.
    const folders = readdirSync(cache)
    expect(folders.length).toBeGreaterThan(0)
    for (const folder of folders) {
      expect(folder).toMatch(/^v\d+\.\d+\.\d+-/)
      expect(readdirSync(join(cache, folder)).filter((f) => /^v\d+\.\d+\.\d+-/.test(f))).toEqual([])
    }
    expect(folders.reduce((n, f) => n + readdirSync(join(cache, f)).length, 0)).toBeGreaterThan(100)
  }, 60_000)
})
