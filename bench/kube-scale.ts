/**
 * The real kubectl v1.35 against Baton at scale: `kubectl get pods` over 1,000 pods (the
 * server-side Table, and `-o json`), and `kubectl get pods --watch` through the rolling update
 * of a 100-replica Deployment; the wall time of each, and the daemon's CPU over each.
 *
 * The 1,000 pods are a Deployment's whose image was never pushed: they are stored, listed and
 * watched like any pod, and wait in ImagePullBackOff without a process each, which a 2-vCPU
 * machine could not run. The 100 replicas run (`sleep`, ready once started), so the rollout
 * is a real one: 100 pods started and 100 stopped, maxSurge and maxUnavailable 25%.
 *
 *   node bench/kube-scale.ts                 # writes its section of docs/benchmarks.md
 *   node bench/kube-scale.ts --runs 3 --pods 200 --replicas 20 --no-write
 */
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '../src/cli/commands/demo-ports.ts'
import { kubeTools } from '../test/e2e/support/kube-tools.ts'
import { cpuTicks, daemonPid, mustRun, withOwnBaton, writeBenchmarkSection } from './bench-io.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BATON = join(ROOT, 'bin', 'baton.mjs')
const SECTION = '## kubectl at scale: a list of 1,000 pods, a watch of a 100-replica rollout'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    pods: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '100' },
    'no-write': { type: 'boolean', default: false },
  },
})
const RUNS = Math.min(50, Number(values.runs))
const PODS = Math.min(1000, Number(values.pods))
const REPLICAS = Math.min(200, Number(values.replicas))

const must = (argv: string[], env: NodeJS.ProcessEnv) =>
  mustRun(argv, env, { maxBuffer: 256 * 1024 * 1024, timeout: 600_000 })

/** utime + stime of a process, in seconds. */
const cpuSeconds = (pid: number) => cpuTicks(pid) / 100

const now = () => Number(process.hrtime.bigint()) / 1e6

function deployment(name: string, replicas: number, image: string, command: string[]): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image, command }] },
      },
    },
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Timed {
  medianMs: number
  minMs: number
  maxMs: number
  daemonCpuMsPerCall: number
  bytes: number
}

/** `runs` calls of one kubectl command, one after the other: wall time each, the daemon's CPU over all. */
function timeCalls(argv: string[], env: NodeJS.ProcessEnv, daemon: number): Timed {
  must(argv, env) // warm-up: discovery cache, TLS session
  const walls: number[] = []
  let bytes = 0
  const cpu0 = cpuSeconds(daemon)
  for (let i = 0; i < RUNS; i++) {
    const t0 = now()
    bytes = must(argv, env).length
    walls.push(now() - t0)
  }
  const cpu = cpuSeconds(daemon) - cpu0
  return {
    medianMs: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    daemonCpuMsPerCall: (cpu / RUNS) * 1000,
    bytes,
  }
}

/**
 * `kubectl rollout status` until it succeeds: while the node starts a hundred processes on a
 * loaded machine, one kubectl can time out in its TLS handshake (10 s) and exit 1.
 */
async function rolledOut(kubectl: string, env: NodeJS.ProcessEnv): Promise<void> {
  await waitFor(
    'the rollout',
    async () => {
      try {
        await mustAsync([kubectl, 'rollout', 'status', 'deployment/roll', '--timeout=120s'], env)
        return true
      } catch {
        return false
      }
    },
    900_000,
  )
}

/** A command that leaves the event loop free (the watch's lines are timed as they arrive). */
async function mustAsync(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await promisify(execFile)(argv[0]!, argv.slice(1), {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  })
  return r.stdout
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

async function main(): Promise<void> {
  const { kubectl } = kubeTools()
  await withOwnBaton('baton-bench-kube-scale-', async (dataDir, env) => {
    const baton = (...args: string[]) => must([process.execPath, BATON, ...args], env)
    const k = (...args: string[]) => must([kubectl, ...args], env)
    const load = loadavg()[0]!.toFixed(2)
    baton('up', '-d', '--port', String(await freePort()), '--max-pods', String(PODS + 2 * REPLICAS))
    const daemon = daemonPid(dataDir)
    baton('push', 'app:v1', join(ROOT, 'examples', 'web', 'v1'))

    // 1. The list: PODS stored pods in namespace `list`.
    writeFileSync(join(dataDir, 'list.json'), deployment('many', PODS, 'never-pushed:v1', ['node', 'server.js']))
    k('create', 'namespace', 'list')
    k('apply', '-n', 'list', '-f', join(dataDir, 'list.json'))
    await waitFor(
      `${PODS} pods`,
      () => k('get', 'pods', '-n', 'list', '--no-headers').trim().split('\n').length === PODS,
      300_000,
    )
    // What the daemon spends meanwhile with no request (the waiting pods' image pull retries), per second.
    const idle0 = cpuSeconds(daemon)
    const idleT0 = now()
    await new Promise((r) => setTimeout(r, 10_000))
    const idleCpuMsPerS = ((cpuSeconds(daemon) - idle0) * 1000) / ((now() - idleT0) / 1000)
    const table = timeCalls([kubectl, 'get', 'pods', '-n', 'list'], env, daemon)
    const json = timeCalls([kubectl, 'get', 'pods', '-n', 'list', '-o', 'json'], env, daemon)
    const t0 = now()
    k('delete', 'namespace', 'list', '--timeout=300s')
    const deleteNsMs = now() - t0
    console.log({ table, json, deleteNsMs, idleCpuMsPerS })

    // 2. The watch: a REPLICAS-replica rollout, watched by kubectl from start to end.
    writeFileSync(join(dataDir, 'roll.json'), deployment('roll', REPLICAS, 'app:v1', ['sleep', '3600']))
    k('apply', '-f', join(dataDir, 'roll.json'))
    await rolledOut(kubectl, env)
    const watch = spawn(
      kubectl,
      ['get', 'pods', '-l', 'app=roll', '--watch-only', '--output-watch-events', '-o', 'name'],
      {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const events: number[] = []
    let partial = ''
    watch.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n')
      partial = lines.pop() ?? ''
      for (const _ of lines) events.push(now())
    })
    await new Promise((r) => setTimeout(r, 3000)) // the watch is open (kubectl prints nothing for --watch-only)
    const cpu0 = cpuSeconds(daemon)
    const start = now()
    const ka = (...args: string[]) => mustAsync([kubectl, ...args], env)
    await ka('set', 'env', 'deployment/roll', 'REVISION=2')
    await rolledOut(kubectl, env)
    const rolledMs = now() - start
    // The old pods' last events (their removal) come after rollout status is done.
    await waitFor(
      'the old pods gone',
      async () =>
        (await ka('get', 'pods', '-l', 'app=roll', '--no-headers').catch(() => '')).trim().split('\n').length ===
        REPLICAS,
      300_000,
    )
    await new Promise((r) => setTimeout(r, 2000))
    const rolloutCpuS = cpuSeconds(daemon) - cpu0
    watch.kill()
    const first = events.find((t) => t >= start)
    const section = render({
      load,
      date: new Date().toISOString().slice(0, 10),
      table,
      json,
      deleteNsMs,
      idleCpuMsPerS,
      rolledMs,
      rolloutCpuS,
      events: events.filter((t) => t >= start).length,
      firstEventMs: first === undefined ? undefined : first - start,
      lastEventMs: events.length ? events[events.length - 1]! - start : undefined,
    })
    console.log(section)
    if (!values['no-write']) writeBenchmarkSection(SECTION, section)
  })
}

function render(r: {
  load: string
  date: string
  table: Timed
  json: Timed
  deleteNsMs: number
  idleCpuMsPerS: number
  rolledMs: number
  rolloutCpuS: number
  events: number
  firstEventMs: number | undefined
  lastEventMs: number | undefined
}): string {
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(0)} ms`)
  const row = (name: string, t: Timed) =>
    `| ${name} | ${ms(t.medianMs)} (${ms(t.minMs)}–${ms(t.maxMs)}) | ${ms(t.daemonCpuMsPerCall)} | ${(t.bytes / 1024).toFixed(0)} KiB |`
  return [
    SECTION,
    '',
    `Measured by \`node bench/kube-scale.ts\` with the real kubectl v1.35 and the daemon's kubeconfig (HTTPS). ` +
      `Machine: 2 vCPU shared with other work, ${r.date}, load average ${r.load} at start.`,
    '',
    `**A list of ${PODS} pods** (a Deployment's, its image never pushed: stored and listed, no process each), ` +
      `${RUNS} calls each after one warm-up, one after the other; each call is a whole kubectl process.`,
    '',
    '| command | wall, median (min–max) | daemon CPU per call | output |',
    '|---|---:|---:|---:|',
    row(`kubectl get pods (server-side Table)`, r.table),
    row(`kubectl get pods -o json`, r.json),
    '',
    `The daemon's CPU per call includes what it spends meanwhile without any request: ${r.idleCpuMsPerS.toFixed(0)} ms of CPU per second ` +
      `with the ${PODS} pods waiting (their image pulls retried), measured over 10 s before the calls (the retries back off, so it falls as the calls go on).`,
    '',
    `\`kubectl delete namespace list\` with the ${PODS} pods in it returned after ${ms(r.deleteNsMs)}.`,
    '',
    `**A watch of a ${REPLICAS}-replica rollout** (\`sleep\` replicas, ready once started; maxSurge and maxUnavailable 25%): ` +
      '`kubectl get pods --watch-only --output-watch-events` open through `kubectl set env` and `kubectl rollout status`.',
    '',
    '| | |',
    '|---|---:|',
    `| rollout, set env to rollout status done | ${ms(r.rolledMs)} |`,
    `| watch events received | ${r.events} |`,
    `| first pod event after \`kubectl set env\` was started | ${ms(r.firstEventMs)} |`,
    `| last event (the last old pod removed) | ${ms(r.lastEventMs)} |`,
    `| daemon CPU over the rollout | ${r.rolloutCpuS.toFixed(2)} s |`,
    '',
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
