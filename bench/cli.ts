/**
 * CLI and daemon benchmark: how long `baton get pods` takes end to end (a new Node process,
 * the CLI's imports, one authenticated HTTP round trip to the daemon, the table printed), next
 * to the start-up of `node -e 0` and of `kubectl version --client` on the same machine, the
 * floors any Node CLI and a Go CLI pay; and what an idle daemon costs with a few deployments
 * running: resident memory and CPU over a quiet window, for the daemon and its load balancer.
 *
 *   node bench/cli.ts                       # 20 runs, 20 s idle window, writes docs/benchmarks.md
 *   node bench/cli.ts --runs 5 --idle 5 --no-write
 *
 * Targets (issue 5): idle daemon RSS < 100 MB, idle CPU < 1 % of one core.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { freePort } from '../src/cli/commands/demo-ports.ts'
import { writeBenchmarkSection } from './bench-io.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BATON = join(ROOT, 'bin', 'baton.mjs')
const SECTION = '## CLI and daemon'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    idle: { type: 'string', default: '20' },
    deployments: { type: 'string', default: '3' },
    replicas: { type: 'string', default: '2' },
    'no-write': { type: 'boolean', default: false },
  },
})
const RUNS = Number(values.runs)
const IDLE_S = Number(values.idle)
const DEPLOYMENTS = Number(values.deployments)
const REPLICAS = Number(values.replicas)

/** Wall time of one command, ms; throws unless it exits 0. */
function timed(argv: string[], env: NodeJS.ProcessEnv, extraEnv: NodeJS.ProcessEnv = {}): number {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...env, ...extraEnv }, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** utime and stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { user: Number(fields[11]), sys: Number(fields[12]) }
}

/** Resident memory, MB: all of it, and the private (anonymous) part without mapped files such as the node binary. */
function rssMb(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024
  return { rss: mb('VmRSS'), anon: mb('RssAnon') }
}

const pidOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid

function manifest(i: number, servicePort: number): string {
  const name = `web-${i}`
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:v1',
              command: ['node', 'server.js'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  }
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: servicePort, targetPort: 'http' }] },
  }
  return `${stringify(deployment)}---\n${stringify(service)}`
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-bench-cli-'))
  const env: NodeJS.ProcessEnv = { ...process.env, BATON_HOME: dataDir }
  delete env.BATON_SERVER
  delete env.BATON_TOKEN
  const baton = (...args: string[]) => timed([process.execPath, BATON, ...args], env)
  const load = loadavg()[0]!.toFixed(2)
  try {
    // A daemon whose modules Node has never compiled (an empty compile cache): what the first
    // start after a source change costs, as Node's type stripper then stays resident.
    const coldHome = join(dataDir, 'cold')
    const coldEnv = { ...env, BATON_HOME: coldHome, NODE_COMPILE_CACHE: join(dataDir, 'cold-compile-cache') }
    timed([process.execPath, BATON, 'up', '-d', '--port', String(await freePort())], coldEnv)
    await new Promise((r) => setTimeout(r, 2000))
    const cold = rssMb(pidOf(join(coldHome, 'daemon.json')))
    timed([process.execPath, BATON, 'down'], coldEnv)

    baton('up', '-d', '--port', String(await freePort()))
    await new Promise((r) => setTimeout(r, 2000))
    const empty = rssMb(pidOf(join(dataDir, 'daemon.json')))
    const bareNode =
      Number(spawnSync(process.execPath, ['-p', 'process.memoryUsage().rss'], { encoding: 'utf8' }).stdout) / 1048576
    baton('push', 'web:v1', join(ROOT, 'examples', 'web', 'v1'))
    for (let i = 0; i < DEPLOYMENTS; i++) {
      const file = join(dataDir, `web-${i}.yaml`)
      writeFileSync(file, manifest(i, await freePort()))
      baton('apply', '-f', file)
    }
    for (let i = 0; i < DEPLOYMENTS; i++) baton('rollout', 'status', `deployment/web-${i}`, '--timeout', '120s')

    // Interleaved, so a busy moment on the machine hits every command alike.
    // NODE_COMPILE_CACHE keeps Node's compiled (type-stripped) modules on disk between runs.
    const cache = { NODE_COMPILE_CACHE: join(dataDir, 'compile-cache') }
    const commands: Record<string, { argv: string[]; env?: NodeJS.ProcessEnv }> = {
      'node -e 0': { argv: [process.execPath, '-e', '0'] },
      'baton version --client': { argv: [process.execPath, BATON, 'version', '--client'] },
      'baton get pods': { argv: [process.execPath, BATON, 'get', 'pods'] },
      'NODE_COMPILE_CACHE=… baton get pods': { argv: [process.execPath, BATON, 'get', 'pods'], env: cache },
    }
    const kubectl = spawnSync('which', ['kubectl'], { encoding: 'utf8' }).stdout.trim()
    if (kubectl) commands['kubectl version --client'] = { argv: [kubectl, 'version', '--client'] }
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]))
    for (const c of Object.values(commands)) timed(c.argv, env, c.env) // warm the page cache (and the compile cache)
    for (let r = 0; r < RUNS; r++)
      for (const [name, c] of Object.entries(commands)) times[name]!.push(timed(c.argv, env, c.env))

    // Idle: let the last rollout's terminations settle, then watch a quiet window.
    await new Promise((r) => setTimeout(r, 5000))
    const daemon = pidOf(join(dataDir, 'daemon.json'))
    const proxyFile = join(dataDir, 'proxy.json')
    const proxy = existsSync(proxyFile) ? pidOf(proxyFile) : undefined
    const before = { daemon: cpuTicks(daemon), proxy: proxy ? cpuTicks(proxy) : undefined }
    const t0 = process.hrtime.bigint()
    await new Promise((r) => setTimeout(r, IDLE_S * 1000))
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    const pct = (ticks: number) => (ticks / 100 / seconds) * 100
    const after = { daemon: cpuTicks(daemon), proxy: proxy ? cpuTicks(proxy) : undefined }
    const idle = {
      daemonCpu: pct(after.daemon.user + after.daemon.sys - before.daemon.user - before.daemon.sys),
      daemonSysCpu: pct(after.daemon.sys - before.daemon.sys),
      proxyCpu:
        after.proxy && before.proxy
          ? pct(after.proxy.user + after.proxy.sys - before.proxy.user - before.proxy.sys)
          : undefined,
      daemonRss: rssMb(daemon),
      proxyRss: proxy ? rssMb(proxy) : undefined,
    }
    const result = {
      empty,
      cold,
      bareNode,
      date: new Date().toISOString().slice(0, 10),
      load,
      runs: RUNS,
      medians: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
      min: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.min(...v)])),
      idle,
      seconds,
    }
    console.log(JSON.stringify(result))
    const section = render(result)
    console.log(section)
    if (!values['no-write']) writeBenchmarkSection(SECTION, section)
  } finally {
    spawnSync(process.execPath, [BATON, 'down', '--all'], { env, stdio: 'inherit' })
    rmSync(dataDir, { recursive: true, force: true })
  }
}

interface Result {
  /** The daemon right after start, before any deployment. */
  empty: { rss: number; anon: number }
  /** The same, with an empty compile cache. */
  cold: { rss: number; anon: number }
  bareNode: number
  date: string
  load: string
  runs: number
  medians: Record<string, number>
  min: Record<string, number>
  idle: {
    daemonCpu: number
    daemonSysCpu: number
    proxyCpu: number | undefined
    daemonRss: { rss: number; anon: number }
    proxyRss: { rss: number; anon: number } | undefined
  }
  seconds: number
}

function render(r: Result): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`
  const rows = Object.keys(r.medians).map((k) => `| \`${k}\` | ${ms(r.medians[k]!)} | ${ms(r.min[k]!)} |`)
  const get = r.medians['baton get pods']!
  const _cached = r.medians['NODE_COMPILE_CACHE=… baton get pods']!
  const node = r.medians['node -e 0']!
  const pods = DEPLOYMENTS * REPLICAS
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed')
  return [
    SECTION,
    '',
    `Measured by \`node bench/cli.ts\`: a real daemon (\`baton up -d\`) with ${DEPLOYMENTS} deployments of ` +
      `examples/web (${REPLICAS} replicas each, readiness probe every 1 s, liveness every 5 s, one Service each). ` +
      `Wall time of each command from spawn to exit, Node start included, ${r.runs} runs each, interleaved. ` +
      `Machine: 2 vCPU shared with other work, ${r.date}, load average ${r.load} at start.`,
    '',
    '| command | median | fastest |',
    '|---|---:|---:|',
    ...rows,
    '',
    `\`baton get pods\` costs ${ms(get - node)} over a bare Node start (target: under 150 ms in all): ` +
      "loading the CLI's TypeScript (type-stripped, no build step), the one command's modules " +
      '(cli/commands/registry.ts imports only the command invoked) and one HTTP round trip. ' +
      "bin/baton.mjs turns on V8's on-disk compile cache, so both `get pods` rows use it once warm. " +
      'kubectl (a static Go binary) is the start-up floor of a compiled CLI; it has no Baton server ' +
      'to talk to, so only its start is measured.',
    '',
    `Idle daemon over ${r.seconds.toFixed(0)} s with ${pods} pods running (their probes included):`,
    '',
    '| process | RSS | of which private (RssAnon) | CPU (one core) | of which in the kernel | target |',
    '|---|---:|---:|---:|---:|---|',
    `| daemon | ${r.idle.daemonRss.rss.toFixed(0)} MB | ${r.idle.daemonRss.anon.toFixed(0)} MB | ${r.idle.daemonCpu.toFixed(2)} % | ${r.idle.daemonSysCpu.toFixed(2)} % | RSS < 100 MB ${verdict(r.idle.daemonRss.rss < 100)}, CPU < 1 % ${verdict(r.idle.daemonCpu < 1)} |`,
    ...(r.idle.proxyRss !== undefined
      ? [
          `| load balancer | ${r.idle.proxyRss.rss.toFixed(0)} MB | ${r.idle.proxyRss.anon.toFixed(0)} MB | ${r.idle.proxyCpu!.toFixed(2)} % | | |`,
        ]
      : []),
    '',
    `For scale: a bare Node process is ${r.bareNode.toFixed(0)} MB RSS, and the daemon right after start, before any ` +
      `deployment, held ${r.empty.rss.toFixed(0)} MB (${r.empty.anon.toFixed(0)} MB private): the mapped node binary and the daemon's ` +
      'modules (HTTP server, SQLite, controllers, runtime, probes) are the floor, not the running pods. ' +
      `With an empty compile cache the same daemon held ${r.cold.rss.toFixed(0)} MB (${r.cold.anon.toFixed(0)} MB private): ` +
      "Node's TypeScript stripper, a WASM module, is loaded for every module it has not compiled before and stays resident. " +
      'The CLI hands its compile cache to the daemon (platform/env.ts childNodeEnv) and `npm ci` fills it ' +
      '(scripts/warm-compile-cache.mjs), so only the first start after a source change pays that, until the daemon restarts.',
    '',
    'What took the idle daemon from 130 MB (the first measurement, 2026-11-21) under the target, each measured on its own: ' +
      "the compile cache above (about 27 MB); the daemon's client for the load balancer on node:http instead of fetch " +
      '(9 MB: fetch is undici, whose WASM HTTP parser V8 re-compiled with TurboFan at the first route resync and whose ' +
      'compiler memory stayed resident; found with `--liftoff-only`, which made the step disappear); and a 1 MB young ' +
      'generation semi-space for the daemon (`--max-semi-space-size=1`, platform/env.ts DAEMON_V8_FLAGS, about 7 MB). ' +
      "The daemon's idle CPU is its probes: an empty daemon used 0.05 %. Since 2026-11-22 the daemon also runs with " +
      '`--memory-saver-mode --heap-growing-percent=50` (for its peak under a burst, docs/benchmarks.md "Control plane"); ' +
      'idle, that measured the same as without (0.8-1.0 % CPU, 90 MB), where memory-saver mode alone cost 1.2 %.',
    '',
  ].join('\n')
}

await main()
