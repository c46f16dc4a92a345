/**
 * Process-runtime benchmark: real processes on loopback, examples/web/v1 as the replica.
 *
 * 1. Pod creation → Ready, one pod at a time: how long the agent takes to start the app
 *    (pod created → container running), how long the app takes to become ready on its own
 *    (running → the app's "ready" log line), and how long Ready=True lags behind the app
 *    (bounded by one readiness period: the first probe fires as the process starts, before
 *    the app listens). Target: created → Ready minus the app's own start < one period + 50 ms.
 * 2. Supervising R replicas (default 100): the agent's CPU (share of one core) and RSS over a
 *    steady-state window, with readiness and liveness probes every `--period` seconds.
 *    Targets: < 2 % of a core, < 150 MB.
 *
 *   node bench/runtime.ts                         # 10 latency samples, 100 replicas, period 1 s
 *   node bench/runtime.ts --replicas 20 --window 10 --period 10
 *
 * Prints JSON lines, then markdown rows for docs/benchmarks.md ("Process runtime").
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Pod } from '../src/api/types.ts'
import { openArtifactStore, removeCheckout } from '../src/artifacts/artifact-store.ts'
import { readLogs } from '../src/logs/read-logs.ts'
import { systemClock } from '../src/platform/clock.ts'
import { randomIds } from '../src/platform/ids.ts'
import { podDir } from '../src/runtime/process/adoption.ts'
import { createProcessNodeAgent } from '../src/runtime/process/process-node-agent.ts'
import { processGroupMembers } from '../src/platform/proc-stat.ts'
import { DEFAULT_NODE_NAME } from '../src/api/node-name.ts'
import { createMemoryStore } from '../src/store/memory/memory-store.ts'

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '100' },
    window: { type: 'string', default: '20' },
    period: { type: 'string', default: '1' },
    profile: { type: 'string' },
  },
})
const SAMPLES = Number(args.samples)
const REPLICAS = Number(args.replicas)
const WINDOW_S = Number(args.window)
const PERIOD_S = Number(args.period)

const EXAMPLE = fileURLToPath(new URL('../examples/web/v1', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'baton-bench-rt-'))
const store = createMemoryStore({ clock: systemClock, ids: randomIds })
const artifacts = openArtifactStore(join(dir, 'artifacts'))
await artifacts.push('web:v1', EXAMPLE)
const dataDir = join(dir, 'data')
const agent = createProcessNodeAgent({ store, clock: systemClock, dataDir, artifacts })

/** When each pod was first seen running and Ready (ms, from the store's synchronous watch). */
const runningAt = new Map<string, number>()
const readyAt = new Map<string, number>()
store.watch('Pod', {}, (ev) => {
  const name = ev.object.metadata.name
  if (!runningAt.has(name) && ev.object.status?.containerStatuses?.[0]?.state.running) runningAt.set(name, Date.now())
  if (!readyAt.has(name) && ev.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
    readyAt.set(name, Date.now())
  }
})

function webPod(name: string): Pod {
  const probe = (path: string) => ({ httpGet: { path, port: 'http' }, periodSeconds: PERIOD_S })
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: {
      nodeName: DEFAULT_NODE_NAME,
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: 'web',
          image: 'web:v1',
          command: ['node', 'server.js'],
          env: [{ name: 'QUIET', value: '1' }],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: probe('/ready'),
          livenessProbe: probe('/healthz'),
        },
      ],
    },
  }
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** The app's own "ready" time, from the ISO timestamp it prints in its log (NaN until logged). */
async function appReadyAt(pod: Pod): Promise<number> {
  for await (const line of readLogs(podDir(dataDir, pod.metadata.uid ?? ''), 'web')) {
    const [iso, event] = line.split(' ')
    if (event === 'ready' && iso) return Date.parse(iso)
  }
  return NaN
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const max = (xs: number[]) => Math.max(...xs)

try {
  await agent.start()

  // 1. Creation → Ready, sequentially.
  const rows: Array<{ createToRunning: number; appStart: number; readyLag: number; total: number; overhead: number }> =
    []
  for (let i = 0; i < SAMPLES; i++) {
    const name = `lat-${i}`
    const created = Date.now()
    const pod = store.create<'Pod'>(webPod(name))
    await until('Ready', () => readyAt.has(name), 30_000)
    // The node's log collector stores a line up to one period (200 ms) after the app prints it.
    let appReady = await appReadyAt(pod)
    for (let tries = 0; Number.isNaN(appReady) && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 20))
      appReady = await appReadyAt(pod)
    }
    const running = runningAt.get(name) ?? NaN
    const ready = readyAt.get(name) ?? NaN
    const total = ready - created
    const appStart = appReady - running
    rows.push({
      createToRunning: running - created,
      appStart,
      readyLag: ready - appReady,
      total,
      overhead: total - appStart,
    })
    store.delete('Pod', 'default', name)
    await until('deleted', () => !store.get('Pod', 'default', name), 30_000)
  }
  const latency = {
    bench: 'runtime-ready-latency',
    samples: SAMPLES,
    periodSeconds: PERIOD_S,
    medianMs: Object.fromEntries(
      Object.entries(rows[0] ?? {}).map(([k]) => [k, median(rows.map((r) => r[k as keyof typeof r]))]),
    ),
    maxMs: Object.fromEntries(
      Object.entries(rows[0] ?? {}).map(([k]) => [k, max(rows.map((r) => r[k as keyof typeof r]))]),
    ),
  }
  console.log(JSON.stringify(latency))

  // 2. Supervising many replicas.
  const began = Date.now()
  for (let i = 0; i < REPLICAS; i++) store.create(webPod(`rep-${String(i).padStart(3, '0')}`))
  await until(
    `${REPLICAS} Ready`,
    () => [...readyAt.keys()].filter((n) => n.startsWith('rep-')).length === REPLICAS,
    300_000,
  )
  const allReadyMs = Date.now() - began
  await new Promise((r) => setTimeout(r, 3000))
  const profiler = args.profile ? await startProfile() : undefined
  const rv0 = Number(store.currentResourceVersion())
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250)
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000))
  clearInterval(sampler)
  const cpu = process.cpuUsage(cpu0)
  const wall = performance.now() - t0
  if (profiler && args.profile) await profiler.stop(args.profile)
  const pods = store.list('Pod').items
  const restarts = pods.reduce((n, p) => n + (p.status?.containerStatuses?.[0]?.restartCount ?? 0), 0)
  // Every process a replica costs: its process group (the shim and the app). Logs need none
  // of their own (the agent's LogCollector reads the app's output files).
  const replicaPids = pods.flatMap((p) =>
    processGroupMembers(Number(p.status?.containerStatuses?.[0]?.containerID?.replace('process://', ''))),
  )
  const replicaRssMb = replicaPids.reduce((s, pid) => s + rssKb(pid), 0) / 1024
  const supervision = {
    bench: 'runtime-supervision',
    replicas: REPLICAS,
    periodSeconds: PERIOD_S,
    probesPerSecond: (2 * REPLICAS) / PERIOD_S,
    allReadyMs,
    windowS: WINDOW_S,
    agentCpuPercentOfCore: Number(((100 * (cpu.user + cpu.system)) / 1000 / wall).toFixed(2)),
    agentPeakRssMb: Math.round(peakRss / 1024 / 1024),
    replicaProcesses: replicaPids.length,
    replicaGroupsRssMb: Math.round(replicaRssMb),
    restarts,
    storeWritesInWindow: Number(store.currentResourceVersion()) - rv0,
  }
  console.log(JSON.stringify(supervision))

  const f = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n)}`)
  const m = latency.medianMs as Record<string, number>
  const x = latency.maxMs as Record<string, number>
  console.log('\n| metric | median | max |\n| --- | ---: | ---: |')
  for (const k of ['createToRunning', 'appStart', 'readyLag', 'total', 'overhead'])
    console.log(`| ${k} (ms) | ${f(m[k])} | ${f(x[k])} |`)
  console.log(
    `\n| replicas | period | probes/s | all Ready | agent CPU | agent RSS | replica processes | their RSS |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      `| ${REPLICAS} | ${PERIOD_S} s | ${supervision.probesPerSecond} | ${(allReadyMs / 1000).toFixed(1)} s | ` +
      `${supervision.agentCpuPercentOfCore} % | ${supervision.agentPeakRssMb} MB | ${supervision.replicaProcesses} | ` +
      `${supervision.replicaGroupsRssMb} MB |`,
  )
} finally {
  // The agent's timers do not hold the event loop open (a daemon has its servers for that).
  const keepAlive = setInterval(() => {}, 1000)
  await agent.stop({ stopPods: true })
  clearInterval(keepAlive)
  store.close()
  await removeCheckout(dir)
}

/** --profile FILE: a CPU profile of the steady-state window only (open in Chrome DevTools). */
async function startProfile() {
  const { Session } = await import('node:inspector/promises')
  const { writeFileSync } = await import('node:fs')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
    },
  }
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}
