/**
 * @module
 * A real Baton for end-to-end tests: a daemon started with `baton up -d` in a fresh temp data
 * directory on a free API port, the example app's versions pushed, and a CLI bound to that
 * directory. `stop()` runs `baton down --all`, then proves through /proc that no process of
 * the directory survived (daemon, load balancer, replicas), kills any that did, by PID, and
 * removes the directory; leftovers fail the test that owned them.
 *
 * The daemon's API is HTTPS with a CA of its own: `baton.api(path)` fetches it with that CA
 * trusted and the token sent (`daemonApi` does the same for a daemon started otherwise). Its
 * port also serves the dashboard over plain HTTP to this machine (`http://127.0.0.1:<port>/ui/`).
 *
 * @example
 * const baton = await startBaton({ servicePort: SERVICE_PORTS.smoke })
 * await baton.apply(webManifest({ servicePort: baton.servicePort, replicas: 3 }))
 * await baton.cli(['rollout', 'status', 'deployment/web'])
 * await baton.stop()
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { trustCertificateAuthority } from '../../../src/cli/tls-trust.ts'
import { ProxyClient } from '../../../src/proxy/client.ts'
import { readProxyFiles } from '../../../src/proxy/proxy-files.ts'
import { freePort, servicePort as pickServicePort } from './ports.ts'
import { killAll, processesUnder, type LeftoverProcess } from './processes.ts'

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..')
export const BATON_BIN = join(REPO_ROOT, 'bin', 'baton.mjs')

/** The example app's two versions; every instance has them. */
export const DEFAULT_IMAGES: Readonly<Record<string, string>> = {
  'web:v1': join(REPO_ROOT, 'examples', 'web', 'v1'),
  'web:v2': join(REPO_ROOT, 'examples', 'web', 'v2'),
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** Kill the CLI (SIGKILL) after this long; the result then has code -1 (default 120 s). */
  timeoutMs?: number
}

export interface StartOptions {
  /** The port test manifests give their Service, when free (else, and by default, a free port). */
  servicePort?: number
  /** Images to push besides web:v1 and web:v2: name:tag -> directory. */
  images?: Record<string, string>
  /** More `baton up` flags, e.g. ['--max-pods', '1000']. */
  upArgs?: readonly string[]
  /** `baton up --runtime docker`: pods are containers of the engine at $DOCKER_HOST; nothing is pushed (the caller builds the images). */
  runtime?: 'process' | 'docker'
}

export interface Baton {
  dataDir: string
  /** The daemon's API port. */
  port: number
  servicePort: number
  /** Runs `baton ARGS...` against this daemon. */
  cli(args: readonly string[], opts?: CliOptions): Promise<CliResult>
  /** The argv that runs `baton ARGS...` as a child command (e.g. after verify's "--"). */
  command(args: readonly string[]): string[]
  /**
   * One shell line from steps: a step is baton's args (quoted, run as `baton ...`) or raw
   * shell ("sleep 1"). Join with " && " for a script that stops at the first failure.
   */
  shellLine(steps: readonly (readonly string[] | string)[], join?: string): string
  /** http://127.0.0.1:<servicePort><path> */
  url(path?: string): string
  /** https://127.0.0.1:<port><path>: the daemon's API, whose CA this process trusts once the daemon has started. */
  apiUrl(path?: string): string
  /** fetch() of the daemon's API over HTTPS, with its token unless `init.headers` has an authorization of its own. */
  api(path: string, init?: RequestInit): Promise<Response>
  /** Writes the YAML into the data directory and applies it; throws unless the CLI exits 0. */
  apply(yaml: string): Promise<void>
  /** The daemon's PID from <dataDir>/daemon.json. */
  daemonPid(): Promise<number>
  /** The load balancer's PID from <dataDir>/proxy.json. */
  proxyPid(): Promise<number>
  /** The load balancer's control API (in-flight requests per pod, traffic figures, anomalies). */
  loadBalancer(): ProxyClient
  /** `baton up -d` again (after the daemon was killed). */
  up(): Promise<void>
  stop(): Promise<void>
}

/** 'it'\''s' — single quotes, safe for any argument. */
const shellQuote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`

/** Throws with the CLI's output unless it exited 0. */
export function expectOk(what: string, r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  return r
}

function runCli(dataDir: string, args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, [BATON_BIN, ...args], {
      env: { ...process.env, BATON_HOME: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const timer = setTimeout(() => {
      stderr += `\n[e2e] baton ${args.join(' ')} killed after ${opts.timeoutMs ?? 120_000} ms\n`
      child.kill('SIGKILL')
    }, opts.timeoutMs ?? 120_000)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolveResult({ code: code ?? -1, stdout, stderr })
    })
  })
}

/**
 * fetch() of the API of the daemon on `port` whose data directory is `dataDir`: HTTPS with the
 * directory's CA trusted by this process, `Authorization: Bearer <its token>` unless the
 * caller's headers carry one.
 */
export function daemonApi(dataDir: string, port: number): (path: string, init?: RequestInit) => Promise<Response> {
  return (path, init = {}) => {
    // Read on every call: both files appear only once the daemon has started.
    trustCertificateAuthority(readFileSync(join(dataDir, 'ca.crt'), 'utf8'))
    const headers = new Headers(init.headers)
    if (!headers.has('authorization'))
      headers.set('authorization', `Bearer ${readFileSync(join(dataDir, 'token'), 'utf8').trim()}`)
    return fetch(`https://127.0.0.1:${port}${path}`, { ...init, headers })
  }
}

async function readPid(file: string): Promise<number> {
  const { pid } = JSON.parse(await readFile(file, 'utf8')) as { pid: number }
  return pid
}

export async function startBaton(opts: StartOptions = {}): Promise<Baton> {
  const dataDir = await mkdtemp(join(tmpdir(), 'baton-e2e-'))
  const port = await freePort()
  const servicePort = await pickServicePort(opts.servicePort)
  const cli = (args: readonly string[], o?: CliOptions) => runCli(dataDir, args, o)
  const runtimeArgs = opts.runtime ? ['--runtime', opts.runtime] : []
  const up = async () =>
    void expectOk(
      'baton up -d',
      await cli(['up', '-d', '--port', String(port), ...runtimeArgs, ...(opts.upArgs ?? [])]),
    )
  let applied = 0

  const baton: Baton = {
    dataDir,
    port,
    servicePort,
    cli,
    command: (args) => [process.execPath, BATON_BIN, ...args],
    shellLine: (steps, joiner = ' && ') =>
      steps.map((s) => (typeof s === 'string' ? s : baton.command(s).map(shellQuote).join(' '))).join(joiner),
    url: (path = '/') => `http://127.0.0.1:${servicePort}${path}`,
    apiUrl: (path = '/') => `https://127.0.0.1:${port}${path}`,
    api: daemonApi(dataDir, port),
    async apply(yaml) {
      const file = join(dataDir, `manifest-${++applied}.yaml`)
      await writeFile(file, yaml)
      expectOk(`baton apply -f ${file}`, await cli(['apply', '-f', file]))
    },
    daemonPid: () => readPid(join(dataDir, 'daemon.json')),
    proxyPid: () => readPid(join(dataDir, 'proxy.json')),
    loadBalancer() {
      const files = readProxyFiles(dataDir)
      if (!files) throw new Error(`no load balancer is running for ${dataDir} (no proxy.json)`)
      return new ProxyClient({ address: files.info.controlAddress, token: files.token, now: Date.now })
    },
    up,
    stop: () => stopBaton(dataDir, cli),
  }
  try {
    await up()
    for (const [ref, dir] of Object.entries(opts.runtime === 'docker' ? {} : { ...DEFAULT_IMAGES, ...opts.images })) {
      expectOk(`baton push ${ref}`, await cli(['push', ref, dir]))
    }
  } catch (err) {
    await stopBaton(dataDir, cli).catch(() => {})
    throw err
  }
  return baton
}

async function stopBaton(dataDir: string, cli: Baton['cli']): Promise<void> {
  const down = await cli(['down', '--all'])
  // `down --all` returns once the daemon is gone; its replicas and the load balancer end with it.
  let leftovers: LeftoverProcess[] = []
  for (let i = 0; i < 20; i++) {
    leftovers = processesUnder(dataDir)
    if (leftovers.length === 0) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const killed = killAll(leftovers)
  // A daemon that was not there to stop died during the test: its log says why.
  const daemonLog = down.code === 0 ? '' : await readFile(join(dataDir, 'daemon.log'), 'utf8').catch(() => '')
  await rm(dataDir, { recursive: true, force: true, maxRetries: 3 })
  if (killed.length > 0 || down.code !== 0) {
    const list = killed.map((p) => `  pid ${p.pid} cwd ${p.cwd}: ${p.cmdline}`).join('\n')
    throw new Error(
      `baton down --all exited ${down.code}: ${down.stderr}\n` +
        `${killed.length} process(es) left behind, killed now:\n${list}\n` +
        `daemon.log ends with:\n${daemonLog.trimEnd().split('\n').slice(-30).join('\n')}`,
    )
  }
}
