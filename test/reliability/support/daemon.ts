/**
 * @module
 * The daemon's entry point (src/daemon/main.ts) run directly, as `baton up` runs it, for the
 * store's fault tests: its pid at once, its output, and its exit. Every process started here
 * is SIGKILLed by `killStarted()` (by pid) if still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readProxyFiles } from '../../../src/proxy/proxy-files.ts'
import { killAll, processesUnder } from '../../e2e/support/processes.ts'
import { childNodeEnv, compileCacheRoot, DAEMON_V8_FLAGS } from '../../../src/platform/env.ts'
import { BATON_BIN, daemonApi, REPO_ROOT } from '../../e2e/support/baton.ts'
import { webManifest } from '../../e2e/support/manifests.ts'

export const DAEMON_MAIN = join(REPO_ROOT, 'src', 'daemon', 'main.ts')

export interface DaemonRun {
  pid: number
  child: ChildProcess
  /** stdout and stderr so far. */
  output(): string
  /** Resolves with the exit code (or -1 when killed by a signal). */
  exited: Promise<number>
}

const started = new Set<ChildProcess>()

/** `logFd`: the daemon writes its output there, as `baton up -d` has it write daemon.log, instead of to a pipe. */
export function runDaemon(dataDir: string, port: number, extra: readonly string[] = [], logFd?: number): DaemonRun {
  const child = spawn(
    process.execPath,
    [...DAEMON_V8_FLAGS, DAEMON_MAIN, '--data-dir', dataDir, '--port', String(port), ...extra],
    {
      // The compile cache `npm ci` fills: a daemon loads in a third of the time without type stripping.
      env: { ...childNodeEnv(), NODE_COMPILE_CACHE: compileCacheRoot() },
      stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
    },
  )
  started.add(child)
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c))
  const exited = new Promise<number>((resolve) =>
    child.once('close', (code) => {
      started.delete(child)
      resolve(code ?? -1)
    }),
  )
  if (child.pid === undefined) throw new Error('the daemon did not spawn')
  return { pid: child.pid, child, output: () => out, exited }
}

/** SIGKILLs, by pid, every daemon started here that is still running. */
export async function killStarted(): Promise<void> {
  const waits = [...started].map((c) => new Promise<void>((r) => c.once('close', () => r())))
  for (const c of started) c.kill('SIGKILL')
  await Promise.all(waits)
}

export { alive } from '../../e2e/support/processes.ts'

/** Waits until the daemon at `port` answers /version with the data directory's token. */
export async function waitServing(dataDir: string, port: number, run: DaemonRun, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (run.child.exitCode !== null) throw new Error(`the daemon exited during start:\n${run.output()}`)
    try {
      const res = await daemonApi(dataDir, port)('/version')
      if (res.status === 200) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`the daemon did not answer within ${timeoutMs} ms:\n${run.output()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Everything a test left running on `dataDir` (daemon, load balancer, replicas) is SIGKILLed by pid, then the directory goes. */
export function removeDataDir(dataDir: string): void {
  const proxy = readProxyFiles(dataDir)
  const procs = processesUnder(dataDir)
  if (proxy) procs.push({ pid: proxy.info.pid, cwd: dataDir, cmdline: 'load balancer' })
  killAll(procs)
  rmSync(dataDir, { recursive: true, force: true })
}

/** `baton ARGS` against the daemon of `dataDir`; rejects unless it exits 0 when `ok`. */
export function cli(
  dataDir: string,
  args: readonly string[],
  opts: { ok?: boolean; timeoutMs?: number } = {},
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BATON_BIN, ...args], {
      env: { ...process.env, BATON_HOME: dataDir, NODE_COMPILE_CACHE: compileCacheRoot() },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.once('close', (code) => {
      clearTimeout(timer)
      if (opts.ok !== false && code !== 0) reject(new Error(`baton ${args.join(' ')} exited ${code}: ${out}`))
      else resolve({ code: code ?? -1, out })
    })
  })
}

/** Pushes web:v1 and runs `replicas` of it behind a Service on `servicePort`; resolves once they serve. */
export async function deployWeb(dataDir: string, servicePort: number, replicas = 1): Promise<void> {
  await cli(dataDir, ['push', 'web:v1', join(REPO_ROOT, 'examples', 'web', 'v1')])
  const file = join(dataDir, 'web.yaml')
  writeFileSync(file, webManifest({ replicas, servicePort }))
  await cli(dataDir, ['apply', '-f', file])
  await cli(dataDir, ['rollout', 'status', 'deployment/web', '--timeout', '90s'], { timeoutMs: 100_000 })
}
