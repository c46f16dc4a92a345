/**
 * Rolling update vs Docker Swarm: the peers' Swarm scenario (`shared/peers/README.md` beside the main checkout,
 * "Running Baton side by side") run on Baton with the same inputs, cut into the same figures.
 *
 * The same app (peers/app/server.js, STARTUP_DELAY_MS=500, SHUTDOWN=graceful) pushed as
 * app:v1 and app:v2, 4 replicas, readiness on /healthz every second (Swarm's healthcheck
 * interval); the same load (peers/common/loadgen.mjs, 200 req/s, 16 connections with
 * keep-alive or a new connection per request, 2 s timeout); 5 s warm-up, `set image` to v2,
 * 5 s settle, `rollout undo`, 5 s settle. rollout_s runs from the command to the moment
 * `baton rollout status` exits 0 (Baton's own verdict, like Swarm's UpdateStatus completed).
 *
 * With `--runtime docker` the replicas are containers (`baton up --runtime docker`) of the
 * engine at $DOCKER_HOST, which must be a private one (bench/swarm.ts starts it): the image is
 * Swarm's own app:v1 / app:v2, built FROM scratch on that engine by the peers'
 * swarm/build-images.sh, so both systems roll the very same image.
 *
 * Scenarios: surge1 (maxSurge 1 / maxUnavailable 0: a new replica first, like Swarm's
 * start-first with parallelism 1 and a healthcheck) and defaults (25% / 25%, i.e. surge 1 and
 * unavailable 1 for 4 replicas; compared with Swarm's defaults). No preStop hook.
 *
 *   node bench/rollout-vs-swarm.ts                      # 2 scenarios x keep-alive off/on x 3 reps (~8 min)
 *   node bench/rollout-vs-swarm.ts --reps 1 --keepalive off --scenarios surge1
 *   DOCKER_HOST=unix:///tmp/x/docker.sock node bench/rollout-vs-swarm.ts --runtime docker   # containers (bench/swarm.ts runs it)
 *   node bench/rollout-vs-swarm.ts --swarm results/swarm-live.jsonl   # Swarm figures of this session
 *   node bench/rollout-vs-swarm.ts --from baton.jsonl --swarm swarm.jsonl  # only the table, from recorded runs
 *   bench/rollout-vs-swarm.sh                            # Baton, then Swarm live, then the table
 *   node bench/rollout-vs-swarm.ts --trace DIR ...       # per-request traces (bench/rollout-trace-report.ts reads DIR)
 *
 * With --trace DIR the load is bench/traced-load.ts (the same open loop, plus per request: connect,
 * first byte, which replica), Baton's daemon and load balancer sample their event-loop delay
 * (bench/event-loop-probe.mjs, preloaded through NODE_OPTIONS) and bench/cpu-sampler.ts records
 * CPU time per kind of process; DIR keeps <run>.csv, <run>.json (phase times), <run>-cpu.csv, eld/.
 *
 * Prints one JSON line per run and per median on stdout (also appended to --results FILE),
 * then the Markdown table for docs/benchmarks.md with Swarm's medians beside Baton's.
 */
import { spawn, spawnSync } from 'node:child_process'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { setPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { expectOk, REPO_ROOT, startBaton, type Baton } from '../test/e2e/support/baton.ts'
import { median, parseRecords, phaseFigures, stats, type Phase } from './rollout-figures.ts'
import { sharedPath } from './shared-dir.ts'

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    keepalive: { type: 'string', default: 'off,on' },
    scenarios: { type: 'string', default: 'surge1,defaults' },
    peers: { type: 'string', default: sharedPath(REPO_ROOT, 'peers') },
    swarm: { type: 'string' },
    results: { type: 'string' },
    port: { type: 'string', default: '18081' },
    /** process (artifacts pushed with baton push) or docker (Swarm's images on the engine at $DOCKER_HOST). */
    runtime: { type: 'string', default: 'process' },
    /** Print the table from Baton figures recorded earlier (--results FILE of a past run) instead of measuring. */
    from: { type: 'string' },
    /** Keep per-request traces, event-loop delays and CPU samples of each run in this directory. */
    trace: { type: 'string' },
    /** Nice value for the load balancer's processes (main and workers), e.g. -10: an A/B of CPU priority. */
    'lb-nice': { type: 'string' },
    /** Nice value for the load generator (the measuring client), so its own starvation stays out of the figures. */
    'load-nice': { type: 'string' },
  },
})
const BENCH = import.meta.dirname

const PEERS = args.peers
const REPLICAS = 4
const RATE = 200
const WARMUP_S = 5
const SETTLE_S = 5
const SWARM_FILE = args.swarm ?? join(PEERS, 'results', 'swarm-20261121.jsonl')
const SCENARIOS: Record<string, { strategy: Record<string, number>; swarm: string; label: string }> = {
  surge1: {
    strategy: { maxSurge: 1, maxUnavailable: 0 },
    swarm: 'start-first-hc',
    label: 'maxSurge 1 / maxUnavailable 0',
  },
  defaults: { strategy: {}, swarm: 'default', label: 'defaults (25% / 25%)' },
}
const PHASE_FIGURES = [
  'requests',
  'failed',
  'p50_ms',
  'p99_ms',
  'max_ms',
  'rollout_s',
  'first_new_version_s',
  'last_old_version_s',
] as const

const log = (...a: unknown[]) => console.error(`[rollout-bench ${new Date().toISOString().slice(11, 19)}]`, ...a)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** app:v1 and app:v2: the peers' server.js and a main.js that sets its APP_VERSION (baked in, as in Swarm's images). */
function buildImages(root: string): Record<string, string> {
  const images: Record<string, string> = {}
  for (const v of ['v1', 'v2']) {
    const dir = join(root, v)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'server.js'), readFileSync(join(PEERS, 'app', 'server.js')))
    writeFileSync(join(dir, 'main.js'), `process.env.APP_VERSION = '${v}'\nrequire('./server.js')\n`)
    images[`app:${v}`] = dir
  }
  return images
}

/** Swarm's app:v1 and app:v2 built on the engine at $DOCKER_HOST by the peers' script (FROM scratch, cached). */
function buildEngineImages(scratch: string): void {
  const host = process.env.DOCKER_HOST ?? ''
  if (!host.startsWith('unix://') || host === 'unix:///var/run/docker.sock')
    throw new Error(
      '--runtime docker needs DOCKER_HOST=unix://<private socket> (bench/swarm.ts starts a private engine)',
    )
  const r = spawnSync('bash', [join(PEERS, 'swarm', 'build-images.sh')], {
    env: { ...process.env, PEER_BUILD_DIR: join(scratch, 'build') },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (r.status !== 0) throw new Error(`build-images.sh exited with ${r.status}`)
}

/** The app's container: a pushed artifact run with node, or Swarm's image with its own ENTRYPOINT. */
function appContainer(): Record<string, unknown> {
  const common = {
    name: 'app',
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
  }
  const load = [
    { name: 'STARTUP_DELAY_MS', value: '500' },
    { name: 'SHUTDOWN', value: 'graceful' },
  ]
  if (args.runtime === 'docker') return { ...common, image: 'app:v1', env: load }
  return {
    ...common,
    image: 'app:v1',
    command: ['node', 'main.js'],
    env: [{ name: 'HOST', value: '127.0.0.1' }, ...load],
  }
}

function appManifest(servicePort: number, strategy: Record<string, number>): string {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app' },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: 'app' } },
      strategy: { type: 'RollingUpdate', ...(Object.keys(strategy).length ? { rollingUpdate: strategy } : {}) },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: {
          containers: [appContainer()],
        },
      },
    },
  }
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'app' },
    spec: { selector: { app: 'app' }, ports: [{ name: 'http', port: servicePort, targetPort: 'http' }] },
  }
  return `${stringify(deployment)}---\n${stringify(service)}`
}

function startLoad(url: string, keepalive: string, recFile: string, readyFile: string) {
  const capS = WARMUP_S + 2 * 120 + 3 * SETTLE_S + 30
  const p = spawn(
    process.execPath,
    [
      ...(args.trace ? [join(BENCH, 'traced-load.ts')] : [join(PEERS, 'common', 'loadgen.mjs')]),
      '--url',
      url,
      '--rate',
      String(RATE),
      '--duration',
      String(capS),
      ...(args.trace ? [] : ['--max-requests', String(RATE * capS)]),
      '--keepalive',
      keepalive,
      '--connections',
      '16',
      '--timeout-ms',
      '2000',
      '--records',
      recFile,
      '--ready-file',
      readyFile,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  if (args['load-nice'] !== undefined && p.pid) setPriority(p.pid, Number(args['load-nice']))
  let out = ''
  p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
  return { p, done: new Promise<string>((r) => p.once('close', () => r(out))) }
}

async function phase(baton: Baton, name: string, command: string[]): Promise<Phase> {
  const t0 = Date.now()
  expectOk(command.join(' '), await baton.cli(command))
  const tCmd = Date.now()
  const status = await baton.cli(['rollout', 'status', 'deployment/app', '--timeout', '120s'])
  const tDone = status.code === 0 ? Date.now() : null
  log(`${name}: rollout ${tDone ? `${((tDone - t0) / 1000).toFixed(1)}s` : `NOT DONE: ${status.stderr.trim()}`}`)
  return { t0, tCmd, tDone }
}

/** The load balancer's main process and its workers (its children), by /proc. */
async function lbPids(baton: Baton): Promise<number[]> {
  const main = await baton.proxyPid()
  const kids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const st = readFileSync(`/proc/${d}/stat`, 'latin1')
        return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === main
      } catch {
        return false
      }
    })
    .map(Number)
  return [main, ...kids]
}

async function runOnce(baton: Baton, scenario: string, keepalive: string, rep: number, scratch: string) {
  log(`=== ${scenario} keepalive=${keepalive} rep ${rep}`)
  if (args['lb-nice'] !== undefined) for (const pid of await lbPids(baton)) setPriority(pid, Number(args['lb-nice']))
  await baton.apply(appManifest(baton.servicePort, SCENARIOS[scenario]!.strategy))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/app', '--timeout', '60s']))
  const id = `${scenario}-ka${keepalive}-${rep}`
  const recFile = join(scratch, `${id}.csv`)
  const readyFile = join(scratch, `${id}.ready`)
  const cpu = args.trace
    ? spawn(
        process.execPath,
        [join(BENCH, 'cpu-sampler.ts'), '--out', join(args.trace, `${id}-cpu.csv`), '--mine', mineRe(baton)],
        {
          stdio: 'inherit',
        },
      )
    : undefined
  const load = startLoad(baton.url('/'), keepalive, recFile, readyFile)
  for (let i = 0; i < 100 && !existsSync(readyFile); i++) await sleep(50)
  const tLoad = Date.now()
  await sleep(WARMUP_S * 1000)
  const up = await phase(baton, 'update', ['set', 'image', 'deployment/app', 'app=app:v2'])
  await sleep(SETTLE_S * 1000)
  const rb = await phase(baton, 'rollback', ['rollout', 'undo', 'deployment/app'])
  await sleep(SETTLE_S * 1000)
  const tEnd = Date.now()
  load.p.kill('SIGTERM')
  const summary = JSON.parse((await load.done).trim().split('\n').pop()!) as { requests: number; failed: number }
  const recs = args.trace ? tracedRecords(recFile) : parseRecords(readFileSync(recFile, 'utf8'))
  if (args.trace) {
    const closed = new Promise((r) => cpu?.once('close', r))
    cpu?.kill('SIGTERM')
    await closed
    writeFileSync(join(args.trace, `${id}.csv`), readFileSync(recFile))
    const nice = { lb: args['lb-nice'] ?? '0', load: args['load-nice'] ?? '0' }
    writeFileSync(
      join(args.trace, `${id}.json`),
      JSON.stringify({ id, runtime: args.runtime, nice, tLoad, up, rb, tEnd }),
    )
  }
  return {
    harness: 'baton',
    kind: 'run',
    runtime: args.runtime,
    scenario,
    strategy: SCENARIOS[scenario]!.label,
    keepalive: keepalive === 'on',
    rep,
    replicas: REPLICAS,
    rate_rps: RATE,
    startup_delay_ms: 500,
    shutdown: 'graceful',
    total_requests: summary.requests,
    total_failed: summary.failed,
    baseline: stats(recs, tLoad, up.t0),
    update: phaseFigures(recs, up, rb.t0, 'v2', 'v1'),
    rollback: phaseFigures(recs, rb, tEnd + 5000, 'v1', 'v2'),
  }
}

/** This run's processes by command line: its daemon and load balancer (its data directory), its engine, its load. */
function mineRe(baton: Baton): string {
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const engine = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '').replace(/\/[^/]*$/, '')
  return [baton.dataDir, engine, args.trace!].filter(Boolean).map(esc).join('|')
}

/** bench/traced-load.ts's records as the figures read them (start, total latency, outcome, version). */
function tracedRecords(file: string) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(',')
      return { t: Number(f[0]), l: Number(f[4]), o: f[5] ?? '', v: f[6] ?? '' }
    })
}

type Run = Awaited<ReturnType<typeof runOnce>>
type Median = Record<string, unknown> & { update: Record<string, unknown>; rollback: Record<string, unknown> }

function emit(obj: object): void {
  const line = JSON.stringify(obj)
  console.log(line)
  if (args.results) appendFileSync(args.results, `${line}\n`)
}

function medianOf(runs: Run[], scenario: string, keepalive: boolean): Median {
  const med: Median = {
    harness: 'baton',
    kind: 'median',
    runtime: args.runtime,
    scenario,
    keepalive,
    reps: runs.length,
    update: {},
    rollback: {},
  }
  for (const ph of ['update', 'rollback'] as const) {
    for (const k of PHASE_FIGURES) med[ph][k] = median(runs.map((r) => r[ph][k]))
    med[ph].failed_each = runs.map((r) => r[ph].failed)
  }
  return med
}

function swarmMedians(): Median[] {
  if (!existsSync(SWARM_FILE)) return []
  return (
    readFileSync(SWARM_FILE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Median)
      // The recorded medians name no shutdown when it was the default (graceful).
      .filter((m) => m.kind === 'median' && (m.shutdown ?? 'graceful') === 'graceful')
  )
}

function table(meds: Median[], swarm: Median[]): string {
  const f = (x: unknown) => (x == null ? '–' : String(x))
  const rows = [
    '| Baton strategy | Swarm scenario | keep-alive | phase | requests | failed Baton (each run) | failed Swarm (each run) | p50 / p99 ms Baton | p50 / p99 ms Swarm | rollout s Baton | rollout s Swarm | Baton / Swarm | first new / last old s Baton | Swarm |',
    '|---|---|---|---|---:|---|---|---|---|---:|---:|---:|---|---|',
  ]
  for (const m of meds) {
    const sc = SCENARIOS[m.scenario as string]!
    const s = swarm.find((x) => x.scenario === sc.swarm && x.keepalive === m.keepalive)
    for (const ph of ['update', 'rollback'] as const) {
      const b = m[ph]
      const w = s?.[ph]
      const each = (x: Record<string, unknown> | undefined) =>
        x ? `${f(x.failed)} (${(x.failed_each as number[]).join(', ')})` : '–'
      const ratio =
        typeof b.rollout_s === 'number' && typeof w?.rollout_s === 'number'
          ? (b.rollout_s / w.rollout_s).toFixed(2)
          : '–'
      rows.push(
        `| ${sc.label} | ${sc.swarm} | ${m.keepalive ? 'on' : 'off'} | ${ph} | ${f(b.requests)} | ${each(b)} | ${each(w)} | ` +
          `${f(b.p50_ms)} / ${f(b.p99_ms)} | ${w ? `${f(w.p50_ms)} / ${f(w.p99_ms)}` : '–'} | ${f(b.rollout_s)} | ${f(w?.rollout_s)} | ${ratio} | ` +
          `${f(b.first_new_version_s)} / ${f(b.last_old_version_s)} | ${w ? `${f(w.first_new_version_s)} / ${f(w.last_old_version_s)}` : '–'} |`,
      )
    }
  }
  return rows.join('\n')
}

function recordedMedians(file: string): Median[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  return lines.map((l) => JSON.parse(l) as Median).filter((m) => m.harness === 'baton' && m.kind === 'median')
}

async function measure(): Promise<Median[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'baton-rollout-bench-'))
  const docker = args.runtime === 'docker'
  if (args.trace) {
    mkdirSync(join(args.trace, 'eld'), { recursive: true })
    // Inherited by the CLI, hence by the daemon it starts and the load balancer the daemon starts.
    process.env.NODE_OPTIONS = `--import=${join(BENCH, 'event-loop-probe.mjs')}`
    process.env.BATON_ELD_DIR = join(args.trace, 'eld')
  }
  const baton = await (async () => {
    if (docker) buildEngineImages(scratch)
    return startBaton({
      servicePort: Number(args.port),
      ...(docker ? { runtime: 'docker' as const } : { images: buildImages(join(scratch, 'images')) }),
    })
  })().catch((err: unknown) => {
    rmSync(scratch, { recursive: true, force: true })
    throw err
  })
  const stop = async () => {
    await baton.stop()
    rmSync(scratch, { recursive: true, force: true })
  }
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)))
  const meds: Median[] = []
  try {
    for (const scenario of args.scenarios.split(',').filter(Boolean)) {
      if (!SCENARIOS[scenario])
        throw new Error(`unknown scenario ${scenario} (known: ${Object.keys(SCENARIOS).join(', ')})`)
      for (const ka of args.keepalive.split(',').filter(Boolean)) {
        const runs: Run[] = []
        for (let rep = 1; rep <= Number(args.reps); rep++) {
          const r = await runOnce(baton, scenario, ka, rep, scratch)
          emit(r)
          runs.push(r)
        }
        const med = medianOf(runs, scenario, ka === 'on')
        emit(med)
        meds.push(med)
      }
    }
  } finally {
    await stop()
  }
  return meds
}

const meds = args.from ? recordedMedians(args.from) : await measure()
console.log(`\nSwarm figures from ${SWARM_FILE}\n\n${table(meds, swarmMedians())}`)
