/**
 * @module
 * A rollout before it happens, played by the real control plane: the Deployment and
 * ReplicaSet controllers over a memory store seeded with the current objects (the Deployment
 * as the change would store it, its ReplicaSets and their pods as the API returns them), on a
 * FakeClock, with the fake node agent standing in for the processes. `baton rollout plan` and
 * the dashboard's dialogs read their steps off the simulation's recording, so the preview
 * takes the same decisions as the daemon: the Deployment planner's batches, the ReplicaSet
 * controller's victim order, minReadySeconds, Recreate's wait for the old pods to be gone.
 *
 * What is estimated is only the pods' timing (rollout/preview-timing.ts): a new pod gets
 * ready `readyMs` after it is created, and a deleted pod is gone `terminateMs` later.
 *
 * Worked example (seed 001: 10 replicas, maxSurge 1, maxUnavailable 1, pods ready after 1 s):
 *   0 s  new 0→1, old 10→9, new 1→2          11 pods, 9 available
 *   1 s  (2 new ready) old 9→7, new 2→4      11 pods, 9 available
 *   …    4 s  old 3→1, new 8→10;  5 s  old 1→0: done after 5 s, old pods gone 1 s later.
 * With `spreadMs` > 0 pods created together get ready one by one and the controller moves one
 * pod at a time (new→3, old→8, new→4, old→7 …), which is the event list of the seed.
 */
import { awaitsConfigStamp, CONFIG_ROLLOUT_ANNOTATION } from '../api/config-snapshot.ts'
import type { AnyObject, Deployment, Pod, ReplicaSet } from '../api/types.ts'
import { createConfigRevisionController } from '../controllers/config-revision/reconcile.ts'
import { CONTROLLERS } from '../controllers/manager.ts'
import { configureEventCorrelation } from '../events/record-event.ts'
import { findNewReplicaSet } from '../rollout/replica-sets.ts'
import { deploymentStatusViewer } from '../rollout/status-viewer.ts'
import { type IdSource, sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { RolloutSample } from './recorder.ts'
import { createSimulation } from './simulation.ts'

export interface PreviewTiming {
  /** Pod created → Ready (the readiness probe's estimate; 0 without a probe). */
  readyMs: number
  /** Pod deleted → process gone. */
  terminateMs: number
  /** Pods created in the same instant become ready this far apart (default 0: together). */
  spreadMs?: number
}

export interface PreviewInput {
  /**
   * The Deployment as the change would store it: the new spec (generation moved on when the
   * spec changed) with the current uid, annotations and status.
   */
  deployment: Deployment
  /** Its ReplicaSets and their pods, as the API returns them. */
  replicaSets: readonly ReplicaSet[]
  pods: readonly Pod[]
}

export interface PreviewStep {
  /** Ms after the change. */
  at: number
  /** The ScalingReplicaSet events of this step, in Kubernetes' words. */
  events: string[]
  /** spec.replicas of the new ReplicaSet after the step. */
  newReplicas: number
  /** spec.replicas of all old ReplicaSets after the step. */
  oldReplicas: number
  /** The fewest available pods from this step until the next. */
  minAvailable: number
  /** The most pods (not terminating) from this step until the next. */
  maxPods: number
  /** The most pods still exiting in that time (they hold memory, not traffic). */
  maxTerminating: number
}

export interface RolloutPreview {
  steps: PreviewStep[]
  /** Ms until `rollout status` would report success; undefined: never (it stalls). */
  completeMs: number | undefined
  /** Ms until the last deleted pod is gone (undefined when it never completes). */
  settledMs: number | undefined
  minAvailable: number
  maxPods: number
  maxTerminating: number
  /** The new ReplicaSet's name; the Deployment, ReplicaSets and pods as they end up. */
  newReplicaSet: string | undefined
  deployment: Deployment
  replicaSets: ReplicaSet[]
  pods: Pod[]
}

/** Enough for 1,000 replicas one pod at a time; a plan that needs more is reported as stalled. */
const MAX_INSTANTS = 5_000
/** Where the clock starts when neither a time nor a timestamp in the objects says otherwise. */
const DEFAULT_START = Date.UTC(2026, 0, 1)
const TIME_FIELDS = new Set(['creationTimestamp', 'lastTransitionTime', 'lastUpdateTime', 'startTime', 'startedAt'])

/** The latest past timestamp the objects carry (deletionTimestamp is a deadline, not a past). */
function latestTimestamp(value: unknown, key = ''): number {
  if (typeof value === 'string') return TIME_FIELDS.has(key) ? Date.parse(value) || 0 : 0
  if (typeof value !== 'object' || value === null) return 0
  let latest = 0
  for (const [k, v] of Object.entries(value)) latest = Math.max(latest, latestTimestamp(v, k))
  return latest
}

/** Timestamps have whole seconds: a start on a second keeps "ready 1 s later" exact. */
const wholeSecondAtOrAfter = (ms: number) => Math.ceil(ms / 1000) * 1000

/**
 * The preview plays the change as stated: the config-revision controller is left out (the
 * store holds no ConfigMaps or Secrets to snapshot), and a template still waiting for its
 * config stamp is played as if config revisions were off, as it rolls once stamped.
 */
const PREVIEW_CONTROLLERS = CONTROLLERS.filter((c) => c !== createConfigRevisionController)

function previewDeployment(d: Deployment): Deployment {
  if (!awaitsConfigStamp(d.metadata.annotations, d.spec.template)) return d
  const annotations = { ...d.metadata.annotations, [CONFIG_ROLLOUT_ANNOTATION]: 'false' }
  return { ...d, metadata: { ...d.metadata, annotations } }
}

/** sequentialIds without the uids and pod-name suffixes the seeded objects already use. */
function idsAvoiding(objects: readonly AnyObject[]): IdSource {
  const seq = sequentialIds()
  const uids = new Set(objects.map((o) => o.metadata.uid))
  const suffixes = new Set(objects.filter((o) => o.kind === 'Pod').map((o) => o.metadata.name.slice(-5)))
  const fresh = (next: () => string, taken: Set<string | undefined>) => () => {
    let id = next()
    while (taken.has(id)) id = next()
    return id
  }
  return { uid: fresh(seq.uid, uids), suffix: fresh(seq.suffix, suffixes) }
}

/** Ready delays per pod: `readyMs`, plus `spreadMs` for each pod created before it in the same instant. */
function readyDelays(timing: PreviewTiming, now: () => number): (pod: Pod) => number {
  const delays = new Map<string, number>()
  let batch = { at: Number.NaN, count: 0 }
  return (pod) => {
    const uid = pod.metadata.uid ?? pod.metadata.name
    let delay = delays.get(uid)
    if (delay === undefined) {
      if (batch.at !== now()) batch = { at: now(), count: 0 }
      delay = timing.readyMs + batch.count++ * (timing.spreadMs ?? 0)
      delays.set(uid, delay)
    }
    return delay
  }
}

/**
 * Simulates rolling `input.deployment` out from its current ReplicaSets and pods. The clock
 * starts at `now` (epoch ms), or at the latest timestamp in the objects when that is later,
 * rounded up to a whole second.
 *
 * @example
 * previewRollout({ deployment: webV2, replicaSets, pods }, { readyMs: 1000, terminateMs: 1000 }, clock.now())
 * // { steps: [{ at: 0, newReplicas: 2, oldReplicas: 9, minAvailable: 9, maxPods: 11, … }, …], completeMs: 5000, … }
 */
export function previewRollout(input: PreviewInput, timing: PreviewTiming, now?: number): RolloutPreview {
  const objects: AnyObject[] = [previewDeployment(input.deployment), ...input.replicaSets, ...input.pods]
  const latest = Math.max(now ?? 0, latestTimestamp(objects))
  const start = latest > 0 ? wholeSecondAtOrAfter(latest) : DEFAULT_START
  const name = input.deployment.metadata.name
  const namespace = input.deployment.metadata.namespace ?? 'default'
  const nodeName = input.pods.find((p) => p.spec.nodeName)?.spec.nodeName
  let clockNow = () => start
  const readyDelay = readyDelays(timing, () => clockNow())
  const sim = createSimulation({
    start,
    eventTtlMs: false,
    record: 'on-demand',
    ids: idsAvoiding(objects),
    controllers: PREVIEW_CONTROLLERS,
    ...(nodeName !== undefined ? { nodeName } : {}),
    store: (clock, ids) => {
      const store = createMemoryStore({ clock, ids, objects })
      configureEventCorrelation(store, {
        spamBurst: Number.POSITIVE_INFINITY,
        aggregateMaxEvents: Number.POSITIVE_INFINITY,
      })
      return store
    },
    agent: {
      terminateDelayMs: timing.terminateMs,
      // Without a readiness probe a pod is ready once it runs: the whole delay is its start.
      behavior: (pod) => {
        const delay = readyDelay(pod)
        return pod.spec.containers.some((c) => c.readinessProbe) ? { readyDelayMs: delay } : { startDelayMs: delay }
      },
    },
  })
  clockNow = () => sim.clock.now()
  try {
    const d = () => sim.store.get('Deployment', namespace, name) as Deployment
    const owned = () => {
      const sets = sim.controllers.cache.ownedBy('ReplicaSet', d().metadata.uid ?? '')
      return { sets, pods: sets.flatMap((rs) => sim.controllers.cache.ownedBy('Pod', rs.metadata.uid ?? '')) }
    }
    let completeMs: number | undefined
    let settledMs: number | undefined
    sim.runFor(0)
    for (let instant = 0; instant < MAX_INSTANTS; instant++) {
      // The state this instant ends in (see stepsOf).
      sim.recorder.sample(name, namespace, 'end of instant')
      const at = sim.clock.now() - start
      if (completeMs === undefined && deploymentStatusViewer(d()).done) completeMs = at
      if (completeMs !== undefined && !owned().pods.some((p) => p.metadata.deletionTimestamp)) {
        settledMs = at
        break
      }
      const next = sim.clock.nextTimerAt()
      if (next === undefined) break
      sim.runFor(Math.max(0, next - sim.clock.now()))
    }
    const steps = stepsOf(
      sim.recorder.samples(name, namespace),
      sim.recorder.events(name, namespace).filter((e) => e.reason === 'ScalingReplicaSet'),
    )
    const { sets, pods } = owned()
    const deployment = d()
    return {
      steps,
      completeMs,
      settledMs,
      minAvailable: Math.min(...steps.map((s) => s.minAvailable)),
      maxPods: Math.max(...steps.map((s) => s.maxPods)),
      maxTerminating: Math.max(...steps.map((s) => s.maxTerminating)),
      newReplicaSet: findNewReplicaSet(deployment, sets)?.metadata.name,
      deployment,
      replicaSets: [...sets],
      pods: [...pods],
    }
  } finally {
    sim.stop()
  }
}

/**
 * One step per instant at which the Deployment controller scaled a ReplicaSet (and the first
 * instant): its events, the sizes after it, and the extremes until the next step. Each instant
 * counts as the state it ends in: the controllers' work at one instant takes no fake time, so
 * the states it passes through on the way (an old pod gone a moment before a new one is
 * ready, when both are due at the same instant) last no time either.
 */
function stepsOf(
  samples: readonly RolloutSample[],
  events: ReadonlyArray<{ t: number; message: string }>,
): PreviewStep[] {
  const settled = new Map<number, RolloutSample>()
  for (const s of samples) settled.set(s.t, s)
  const steps: PreviewStep[] = []
  for (const [at, s] of settled) {
    const scaled = events.filter((e) => e.t === at).map((e) => e.message)
    const last = steps.at(-1)
    if (!last || scaled.length > 0) {
      steps.push({
        at,
        events: scaled,
        newReplicas: s.newReplicas,
        oldReplicas: s.oldReplicas,
        minAvailable: s.available,
        maxPods: s.pods,
        maxTerminating: s.terminating,
      })
    } else {
      last.minAvailable = Math.min(last.minAvailable, s.available)
      last.maxPods = Math.max(last.maxPods, s.pods)
      last.maxTerminating = Math.max(last.maxTerminating, s.terminating)
    }
  }
  return steps
}
