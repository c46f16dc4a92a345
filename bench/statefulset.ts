/**
 * StatefulSet control-plane benchmark: S StatefulSets × R replicas created, then rolled to a new
 * image N times in a row (each rollout waits for kubectl's `rollout status` to report done), in
 * the FakeClock simulator (the real controllers over the memory store, the fake node agent, no
 * processes). Measures CPU time per pod transition (every Pod ADDED/MODIFIED/DELETED the store
 * commits) and peak RSS, as bench/control-plane.ts does for Deployments.
 *
 *   node bench/statefulset.ts                          # 1 × 100 and 100 × 10, 10 rollouts each
 *   node bench/statefulset.ts --sets 1 --replicas 100 --rollouts 10 [--max-unavailable 10]
 *
 * OrderedReady and maxUnavailable 1 (the defaults) replace one pod at a time, highest ordinal
 * first. Each size runs in its own child process with the daemon's V8 flags and compile cache,
 * so its peak RSS is its own. Prints one JSON line per phase, then a markdown table
 * (docs/benchmarks.md, "StatefulSets").
 */
import { parseArgs } from 'node:util'
import type { StatefulSet } from '../src/api/types.ts'
import { DAEMON_V8_FLAGS } from '../src/platform/env.ts'
import { statefulSetStatusViewer } from '../src/rollout/status-viewer.ts'
import { createSimulation } from '../src/sim/simulation.ts'
import { template } from '../test/support/builders.ts'
import { STAGGERED_AGENT } from '../test/support/sim.ts'
import { childResults } from './bench-io.ts'

interface RunResult {
  sets: number
  replicas: number
  phase: 'create' | 'rollouts'
  rollouts: number
  podTransitions: number
  reconciles: number
  cpuMs: number
  cpuMsPerTransition: number
  wallMs: number
  fakeSeconds: number
  peakRssMb: number
  liveHeapMb: number
}

const STEP_MS = 100
const MAX_FAKE_MS_PER_ROLLOUT = 60 * 60_000

function statefulSet(name: string, replicas: number, maxUnavailable: number): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: template(`${name}:0`, name),
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable } },
      revisionHistoryLimit: 10,
    },
  }
}

async function run(sets: number, replicas: number, rollouts: number, maxUnavailable: number): Promise<RunResult[]> {
  const sim = createSimulation({ record: false, agent: STAGGERED_AGENT })
  let transitions = 0
  sim.controllers.cache.subscribe((ev) => {
    if (ev.object.kind === 'Pod') transitions++
  })
  const names = Array.from({ length: sets }, (_, i) => `db-${String(i).padStart(3, '0')}`)
  let peakRss = 0
  const sampleMemory = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss()) // rss() alone: memoryUsage() walks the heap spaces too
  }
  const reconciles = () => sim.controllers.runners.reduce((n, r) => n + r.reconciles, 0)
  const allDone = () =>
    names.every((n) => {
      const s = sim.store.get('StatefulSet', 'default', n)
      return (
        s !== undefined &&
        statefulSetStatusViewer(s).done &&
        s.status?.currentRevision === s.status?.updateRevision &&
        (s.status?.updatedReplicas ?? 0) === replicas
      )
    })
  const untilDone = async (label: string) => {
    const start = sim.clock.now()
    let steps = 0
    while (!allDone()) {
      if (sim.clock.now() - start > MAX_FAKE_MS_PER_ROLLOUT) throw new Error(`${label}: not rolled out in time`)
      sim.runFor(STEP_MS)
      if (++steps % 10 === 0) sampleMemory()
      // Back to the event loop between steps, as the daemon returns to it between tasks.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const setImage = (name: string, image: string) => {
    const s = structuredClone(sim.store.get('StatefulSet', 'default', name) as StatefulSet)
    const container = s.spec.template.spec.containers[0]
    if (container) container.image = image
    sim.store.update<'StatefulSet'>(s)
  }

  const phase = async (label: 'create' | 'rollouts', count: number, act: (i: number) => void): Promise<RunResult> => {
    transitions = 0
    const reconcilesBefore = reconciles()
    const fakeStart = sim.clock.now()
    const wallStart = performance.now()
    const cpuStart = process.cpuUsage()
    for (let i = 0; i < count; i++) {
      act(i)
      await untilDone(`${label} ${i + 1}`)
    }
    sim.runFor(5_000) // the last replaced pods finish terminating: their transitions count too
    const cpu = process.cpuUsage(cpuStart)
    sampleMemory()
    const cpuMs = (cpu.user + cpu.system) / 1000
    ;(globalThis as { gc?: () => void }).gc?.()
    return {
      sets,
      replicas,
      phase: label,
      rollouts: label === 'create' ? 0 : count,
      podTransitions: transitions,
      reconciles: reconciles() - reconcilesBefore,
      cpuMs: Math.round(cpuMs),
      cpuMsPerTransition: Number((cpuMs / transitions).toFixed(4)),
      wallMs: Math.round(performance.now() - wallStart),
      fakeSeconds: Math.round((sim.clock.now() - fakeStart) / 1000),
      peakRssMb: Math.round(peakRss / 2 ** 20),
      liveHeapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    }
  }

  try {
    const created = await phase('create', 1, () => {
      for (const name of names) sim.store.create<'StatefulSet'>(statefulSet(name, replicas, maxUnavailable))
    })
    const rolled = await phase('rollouts', rollouts, (i) => {
      for (const name of names) setImage(name, `${name}:${i + 1}`)
    })
    return [created, rolled]
  } finally {
    sim.stop()
  }
}

function table(results: RunResult[]): string {
  const head =
    '| sets × replicas | phase | pod transitions | reconciles | CPU ms | CPU ms / transition | fake s | wall ms | peak RSS MB | live heap MB |'
  const sep = '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
  const rows = results.map(
    (r) =>
      `| ${r.sets} × ${r.replicas} | ${r.phase === 'create' ? 'create' : `${r.rollouts} rollouts`} | ${r.podTransitions} | ${r.reconciles} | ${r.cpuMs} | ${r.cpuMsPerTransition} | ${r.fakeSeconds} | ${r.wallMs} | ${r.peakRssMb} | ${r.liveHeapMb} |`,
  )
  return [head, sep, ...rows].join('\n')
}

const { values } = parseArgs({
  options: {
    sets: { type: 'string' },
    replicas: { type: 'string' },
    rollouts: { type: 'string', default: '10' },
    'max-unavailable': { type: 'string', default: '1' },
    child: { type: 'boolean', default: false },
  },
})
const rollouts = Number(values.rollouts)
const maxUnavailable = Number(values['max-unavailable'])

if (values.child) {
  for (const r of await run(Number(values.sets), Number(values.replicas), rollouts, maxUnavailable))
    console.log(JSON.stringify(r))
} else {
  const sizes: Array<[number, number]> =
    values.sets || values.replicas
      ? [[Number(values.sets ?? 1), Number(values.replicas ?? 100)]]
      : [
          [1, 100],
          [100, 10],
        ]
  const results: RunResult[] = []
  for (const [sets, replicas] of sizes) {
    const args = [
      '--expose-gc',
      ...DAEMON_V8_FLAGS,
      import.meta.filename,
      '--child',
      ...['--sets', String(sets), '--replicas', String(replicas)],
      ...['--rollouts', String(rollouts), '--max-unavailable', String(maxUnavailable)],
    ]
    results.push(...childResults<RunResult>(args))
  }
  console.log(`\n${table(results)}`)
}
