/**
 * Control-plane benchmark: D deployments × R replicas created and then rolled out to a new
 * image in the FakeClock simulator (controllers + fake node agent, no processes), measuring
 * CPU time per pod transition (every Pod ADDED/MODIFIED/DELETED the store commits) and peak
 * memory. Targets: < 0.2 ms CPU per transition, < 200 MB RSS at 100 × 100.
 *
 *   node bench/control-plane.ts                  # memory store, 100×25, 100×50 and 100×100
 *   node bench/control-plane.ts --store sqlite   # the SQLite store (WAL) in a temp dir
 *   node bench/control-plane.ts --deployments 10 --replicas 100
 *
 * The children run with the daemon's V8 flags (platform/env.ts DAEMON_V8_FLAGS), as the daemon
 * does; --v8-defaults runs them with V8's defaults instead.
 *
 *   node bench/control-plane.ts --heap-cap 160    # children run with --max-old-space-size=160
 *   node bench/control-plane.ts --v8 max-semi-space-size=2   # any V8 flag for the children (repeatable)
 *   node bench/control-plane.ts --replicas 100 --alloc-profile /tmp/rollout.heapprofile
 *       # V8's sampling heap profile of the rollout phase, counting objects that outlived a
 *       # scavenge (promoted, hence old-space garbage when they die): open in Chrome DevTools
 *       # (Memory tab) or sum by function with bench/heap-profile-top.ts; CPU figures then
 *       # include the profiler, and with several sizes the last one writes the file
 *
 * Each size runs in its own child process (so peak RSS is that run's alone, started with
 * --expose-gc to also report the live heap after a full GC). Prints one JSON line per phase,
 * then a markdown table (docs/benchmarks.md, "Control plane").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { FakeClock } from '../src/platform/clock.ts'
import { DAEMON_V8_FLAGS } from '../src/platform/env.ts'
import type { IdSource } from '../src/platform/ids.ts'
import { deploymentStatusViewer } from '../src/rollout/status-viewer.ts'
import { createSimulation } from '../src/sim/simulation.ts'
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts'
import { aDeployment } from '../test/support/builders.ts'
import { STAGGERED_AGENT } from '../test/support/sim.ts'
import { childResults } from './bench-io.ts'

interface RunResult {
  store: 'memory' | 'sqlite'
  deployments: number
  replicas: number
  pods: number
  phase: 'create' | 'rollout'
  podTransitions: number
  reconciles: number
  cpuMs: number
  cpuMsPerTransition: number
  wallMs: number
  fakeSeconds: number
  peakRssMb: number
  peakHeapMb: number
  /** heapUsed after a full GC at the end of the phase (what is really kept). */
  liveHeapMb: number
  heapCapMb: number | null
  /** V8 flags the run had beyond --expose-gc (the heap cap included). */
  v8Flags: string[]
}

const STEP_MS = 100
const MAX_FAKE_MS = 30 * 60_000

async function run(storeKind: 'memory' | 'sqlite', deployments: number, replicas: number): Promise<RunResult[]> {
  const dir = storeKind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'baton-bench-')) : undefined
  const sim = createSimulation({
    record: false,
    agent: STAGGERED_AGENT,
    ...(dir
      ? { store: (clock: FakeClock, ids: IdSource) => openSqliteStore(join(dir, 'state.db'), { clock, ids }) }
      : {}),
  })
  let transitions = 0
  sim.controllers.cache.subscribe((ev) => {
    if (ev.object.kind === 'Pod') transitions++
  })
  const names = Array.from({ length: deployments }, (_, i) => `app-${String(i).padStart(3, '0')}`)
  let peakRss = 0
  let peakHeap = 0
  const sampleMemory = () => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed)
  }
  const reconciles = () => sim.controllers.runners.reduce((n, r) => n + r.reconciles, 0)
  const allDone = () =>
    names.every((n) => {
      const d = sim.controllers.cache.get('Deployment', 'default', n)
      return d !== undefined && deploymentStatusViewer(d).done
    })

  const phase = async (label: 'create' | 'rollout', act: () => void): Promise<RunResult> => {
    transitions = 0
    const reconcilesBefore = reconciles()
    const fakeStart = sim.clock.now()
    const wallStart = performance.now()
    const cpuStart = process.cpuUsage()
    act()
    let steps = 0
    while (!allDone()) {
      if (sim.clock.now() - fakeStart > MAX_FAKE_MS)
        throw new Error(`${label}: not rolled out after ${MAX_FAKE_MS} ms of fake time`)
      sim.runFor(STEP_MS)
      if (++steps % 10 === 0) sampleMemory()
      // Back to the event loop between steps, as the daemon returns to it between tasks: V8
      // runs its own foreground tasks there (incremental marking, the memory reducer, the
      // release of pooled pages) and the SQLite store commits at the end of the task.
      await new Promise((resolve) => setImmediate(resolve))
    }
    sim.runFor(5_000) // let the last old pods terminate: their transitions count too
    const cpu = process.cpuUsage(cpuStart)
    sampleMemory()
    const cpuMs = (cpu.user + cpu.system) / 1000
    ;(globalThis as { gc?: () => void }).gc?.()
    const liveHeap = process.memoryUsage().heapUsed
    return {
      store: storeKind,
      deployments,
      replicas,
      pods: deployments * replicas,
      phase: label,
      podTransitions: transitions,
      reconciles: reconciles() - reconcilesBefore,
      cpuMs: Math.round(cpuMs),
      cpuMsPerTransition: Number((cpuMs / transitions).toFixed(4)),
      wallMs: Math.round(performance.now() - wallStart),
      fakeSeconds: Math.round((sim.clock.now() - fakeStart) / 1000),
      peakRssMb: Math.round(peakRss / 2 ** 20),
      peakHeapMb: Math.round(peakHeap / 2 ** 20),
      liveHeapMb: Math.round(liveHeap / 2 ** 20),
      heapCapMb: heapCap,
      v8Flags,
    }
  }

  try {
    const created = await phase('create', () => {
      for (const name of names) sim.apply(aDeployment({ name, replicas, image: `${name}:1` }))
    })
    const profiler = allocProfile ? startAllocProfile() : undefined
    const rolled = await phase('rollout', () => {
      for (const name of names) sim.setImage(name, `${name}:2`)
    })
    if (profiler && allocProfile) profiler.stop(allocProfile)
    return [created, rolled]
  } finally {
    sim.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * V8's sampling heap profiler with objects later freed by a major GC kept in the profile (the
 * ones a scavenge frees are left out): what the old generation fills with, live or garbage.
 * An inspector session on the own thread answers synchronously.
 */
function startAllocProfile(): { stop: (file: string) => void } {
  const session = new Session()
  session.connect()
  const post = (method: string, params?: object): unknown => {
    let out: unknown
    session.post(method, params, (err, res) => {
      if (err) throw err
      out = res
    })
    return out
  }
  post('HeapProfiler.enable')
  post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true })
  return {
    stop(file) {
      const { profile } = post('HeapProfiler.stopSampling') as { profile: unknown }
      writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
    },
  }
}

function table(results: RunResult[]): string {
  const head =
    '| store | deployments × replicas | phase | pod transitions | reconciles | CPU ms | CPU ms / transition | peak RSS MB | peak heap MB | live heap MB | V8 flags |'
  const sep = '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
  const rows = results.map(
    (r) =>
      `| ${r.store} | ${r.deployments} × ${r.replicas} | ${r.phase} | ${r.podTransitions} | ${r.reconciles} | ${r.cpuMs} | ${r.cpuMsPerTransition} | ${r.peakRssMb} | ${r.peakHeapMb} | ${r.liveHeapMb} | ${r.v8Flags.length > 0 ? r.v8Flags.map((f) => `\`--${f}\``).join(' ') : '—'} |`,
  )
  return [head, sep, ...rows].join('\n')
}

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    deployments: { type: 'string', default: '100' },
    replicas: { type: 'string' },
    'heap-cap': { type: 'string' },
    v8: { type: 'string', multiple: true, default: [] },
    'alloc-profile': { type: 'string' },
    'v8-defaults': { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
  },
})
const storeKind = values.store === 'sqlite' ? 'sqlite' : 'memory'
const deployments = Number(values.deployments)
const heapCap = values['heap-cap'] ? Number(values['heap-cap']) : null
const daemonFlags = values['v8-defaults'] ? [] : DAEMON_V8_FLAGS.map((f) => f.replace(/^--/, ''))
const v8Flags = [
  ...daemonFlags,
  ...(heapCap ? [`max-old-space-size=${heapCap}`] : []),
  ...(values.v8 ?? []).map((f) => f.replace(/^--/, '')),
]
const allocProfile = values['alloc-profile']

if (values.child) {
  for (const r of await run(storeKind, deployments, Number(values.replicas))) console.log(JSON.stringify(r))
} else {
  const sizes = values.replicas ? [Number(values.replicas)] : [25, 50, 100]
  const results: RunResult[] = []
  for (const replicas of sizes) {
    const flags = ['--expose-gc', ...v8Flags.map((f) => `--${f}`)]
    const passOn = [
      ...(values['v8-defaults'] ? ['--v8-defaults'] : []),
      ...(heapCap ? ['--heap-cap', String(heapCap)] : []),
      ...(values.v8 ?? []).flatMap((f) => ['--v8', f]),
      ...(allocProfile ? ['--alloc-profile', allocProfile] : []),
    ]
    const args = [
      ...flags,
      import.meta.filename,
      '--child',
      '--store',
      storeKind,
      '--deployments',
      String(deployments),
      '--replicas',
      String(replicas),
      ...passOn,
    ]
    results.push(...childResults<RunResult>(args))
  }
  console.log(`\n${table(results)}`)
}
