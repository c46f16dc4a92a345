/**
 * The plan is what the rollout does: for each strategy, `previewRollout` (what `baton rollout
 * plan` prints) is computed from a running Deployment's objects, then the change is made and the
 * real controllers roll it out on the same fake agent. Step for step, the scaling events, the
 * new and old ReplicaSet sizes, the fewest available and the most pods must be equal, and so
 * must the time to completion. The pods follow the timing the plan assumes: ready 1 s after
 * creation, pods created together 300 ms apart (or together), gone 1 s after deletion.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { IntOrString, Pod } from '../../src/api/types.ts'
import { deploymentStatusViewer } from '../../src/rollout/status-viewer.ts'
import { previewRollout, type PreviewStep, type PreviewTiming } from '../../src/sim/preview.ts'
import type { RolloutSample } from '../../src/sim/recorder.ts'
import { createSimulation, type Simulation } from '../../src/sim/simulation.ts'
import { aDeployment } from '../support/builders.ts'

const START = Date.UTC(2026, 0, 1)
let sim: Simulation
afterEach(() => sim.stop())

/** The real pods' readiness: `readyMs` after creation, plus `spreadMs` per pod created before it at the same instant. */
function podTiming(timing: PreviewTiming, now: () => number): (pod: Pod) => { readyDelayMs: number } {
  const delays = new Map<string, number>()
  let batch = { at: -1, count: 0 }
  return (pod) => {
    const uid = pod.metadata.uid ?? ''
    if (!delays.has(uid)) {
      if (batch.at !== now()) batch = { at: now(), count: 0 }
      delays.set(uid, timing.readyMs + batch.count++ * (timing.spreadMs ?? 0))
    }
    return { readyDelayMs: delays.get(uid) as number }
  }
}

/**
 * The rollout as recorded: one step per instant with scaling events, each with the sizes at
 * the end of that instant and the extremes of the instants' end states until the next step.
 */
function recordedSteps(
  samples: readonly RolloutSample[],
  events: ReadonlyArray<{ t: number; message: string }>,
  from: number,
): PreviewStep[] {
  const endOf = new Map<number, RolloutSample>()
  for (const s of samples) if (s.t >= from) endOf.set(s.t - from, s)
  const steps: PreviewStep[] = []
  for (const [at, s] of endOf) {
    // A cluster combines similar events past the tenth (client-go); the plan keeps each whole.
    const scaled = events
      .filter((e) => e.t - from === at)
      .map((e) => e.message.replace(/^\(combined from similar events\): /, ''))
    if (scaled.length > 0 || steps.length === 0) {
      steps.push({
        at,
        events: scaled,
        newReplicas: s.newReplicas,
        oldReplicas: s.oldReplicas,
        minAvailable: s.available,
        maxPods: s.pods,
        maxTerminating: s.terminating,
      })
      continue
    }
    const last = steps.at(-1) as PreviewStep
    last.minAvailable = Math.min(last.minAvailable, s.available)
    last.maxPods = Math.max(last.maxPods, s.pods)
    last.maxTerminating = Math.max(last.maxTerminating, s.terminating)
  }
  return steps
}

const STRATEGIES: Array<{
  name: string
  replicas: number
  strategy?: 'Recreate'
  maxSurge?: IntOrString
  maxUnavailable?: IntOrString
}> = [
  { name: 'Recreate', replicas: 3, strategy: 'Recreate' },
  { name: '25% / 25%', replicas: 10, maxSurge: '25%', maxUnavailable: '25%' },
  { name: 'maxSurge 1 / maxUnavailable 0', replicas: 4, maxSurge: 1, maxUnavailable: 0 },
  { name: 'maxSurge 0 / maxUnavailable 1', replicas: 4, maxSurge: 0, maxUnavailable: 1 },
]
const CASES = STRATEGIES.flatMap((s) => [0, 300].map((spreadMs) => ({ ...s, spreadMs })))

describe('the plan equals the rollout the controllers then make', () => {
  it.each(CASES)(
    '$name, new pods ready $spreadMs ms apart',
    ({ replicas, strategy, maxSurge, maxUnavailable, spreadMs }) => {
      const timing: PreviewTiming = { readyMs: 1000, terminateMs: 1000, spreadMs }
      let now = () => START
      sim = createSimulation({
        start: START,
        agent: { terminateDelayMs: timing.terminateMs, behavior: podTiming(timing, () => now()) },
      })
      now = () => sim.clock.now()
      sim.apply(
        aDeployment({
          name: 'web',
          image: 'web:v1',
          replicas,
          ...(strategy ? { strategy } : { maxSurge, maxUnavailable }),
        }),
      )
      expect(sim.runUntilRolledOut('web', 120_000)).toBe(true)
      // Settled, on a whole second (timestamps have seconds; the plan starts on one).
      sim.runFor(60_000 - (sim.clock.now() % 1000))

      // The plan, from the objects as they are (as `baton rollout plan` reads them).
      const current = sim.deployment('web')
      const template = structuredClone(current.spec.template)
      for (const c of template.spec.containers) c.image = 'web:v2'
      const after = {
        ...current,
        metadata: { ...current.metadata, generation: (current.metadata.generation ?? 1) + 1 },
        spec: { ...current.spec, template },
      }
      const plan = previewRollout(
        { deployment: after, replicaSets: sim.replicaSets('web'), pods: sim.pods('web') },
        timing,
        sim.clock.now(),
      )

      // The rollout.
      const changedAt = sim.clock.now()
      const eventsFrom = sim.recorder.events('web').length
      const samplesFrom = sim.recorder.samples('web').length
      sim.setImage('web', 'web:v2')
      let doneAt: number | undefined
      sim.runUntil(
        () => {
          if (doneAt === undefined && deploymentStatusViewer(sim.deployment('web')).done) doneAt = sim.clock.now()
          return doneAt !== undefined && sim.pods('web').every((p) => !p.metadata.deletionTimestamp)
        },
        120_000,
        10,
      )
      const real = recordedSteps(
        sim.recorder.samples('web').slice(samplesFrom),
        sim.recorder
          .events('web')
          .slice(eventsFrom)
          .filter((e) => e.reason === 'ScalingReplicaSet'),
        changedAt - START,
      )

      expect(plan.steps.length).toBeGreaterThan(1)
      expect(plan.steps).toEqual(real)
      expect(plan.completeMs).toBe((doneAt as number) - changedAt)
    },
  )
})
