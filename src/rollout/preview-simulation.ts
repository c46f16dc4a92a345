/**
 * @module
 * A rollout before it happens: the Deployment planner run in a loop over synthetic ReplicaSets
 * and pods on a virtual clock, so `baton rollout plan` shows the batches the controller will go
 * through and can never disagree with it. The planner is passed in (the CLI hands it
 * controllers/deployment/plan.ts's planDeployment), so rollout/ imports no controller code,
 * only the type of its actions.
 *
 * The loop plays the other parts of the system the simplest way that keeps the counts right:
 *  - the ReplicaSet controller creates missing pods at once and deletes surplus ones, not-ready
 *    first, then the most recently ready (Kubernetes' ranking as far as counts are concerned);
 *  - a pod becomes Ready `readyMs` after it is created (its readiness probe), available
 *    minReadySeconds later (rollout/availability.ts, the RS controller's own rule);
 *  - a deleted pod stops counting at once and is gone `terminateMs` later (Recreate waits
 *    for that).
 * Every instant, planner and RS controller run until neither changes anything (one "sync
 * storm", as the watch-driven controllers would), then the clock jumps to the next pod change.
 *
 * Worked example (seed 001: 10 replicas, maxSurge 1, maxUnavailable 1, pods ready after 1 s):
 *   0 s  new 0→1, old 10→9, new 1→2          11 pods, 9 available
 *   1 s  (2 new ready) old 9→7, new 2→4      11 pods, 9 available
 *   …    4 s  old 3→1, new 8→10;  5 s  old 1→0: done after 5 s, old pods gone 1 s later.
 * With `spreadMs` > 0 pods created together get ready one by one and the planner moves one
 * pod at a time (new→3, old→8, new→4, old→7 …), which is the event list of the seed.
 */
import type { Deployment, Pod, ReplicaSet } from '../api/types.ts'
// Only the shape of the planner's answer: the planner itself is passed in.
import type { DeploymentAction } from '../controllers/deployment/actions.ts'
import { isPodActive, isPodAvailable, nextAvailabilityCheck, replicaSetStatusFromPods } from './availability.ts'
import { findNewReplicaSet } from './replica-sets.ts'
import { rsReplicas } from './spec-defaults.ts'
import { deploymentStatusViewer } from './status-viewer.ts'
import { formatTimestamp } from '../api/timestamps.ts'

export type Planner = (input: { deployment: Deployment; replicaSets: ReplicaSet[]; pods: Pod[] }, now: number) => readonly DeploymentAction[]

export interface PreviewTiming {
  /** Pod created → Ready (the readiness probe's estimate; 0 without a probe). */
  readyMs: number
  /** Pod deleted → process gone. */
  terminateMs: number
  /** Pods created in the same instant become ready this far apart (default 0: together). */
  spreadMs?: number
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
  /** The new ReplicaSet's name; the Deployment and ReplicaSets as they end up. */
  newReplicaSet: string | undefined
  deployment: Deployment
  replicaSets: ReplicaSet[]
}

interface SimPod {
  pod: Pod
  rs: string
  readyAt: number
  goneAt?: number
}

/** Enough for 1,000 replicas one pod at a time; a plan that needs more is reported as stalled. */
const MAX_INSTANTS = 5_000
const MAX_SYNCS_PER_INSTANT = 100

function makePod(rs: ReplicaSet, n: number, readyAt: number, now: number): SimPod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${n}`,
      namespace: rs.metadata.namespace ?? 'default',
      uid: `preview-pod-${rs.metadata.name}-${n}`,
      labels: { ...rs.spec.template.metadata?.labels },
      creationTimestamp: formatTimestamp(now),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid ?? '', controller: true }],
    },
    spec: rs.spec.template.spec,
    status: { phase: 'Running', conditions: [] },
  }
  return { pod, rs: rs.metadata.name, readyAt }
}

/** The pod as the RS controller would see it at `now`: Ready condition, deletion mark. */
function podAt(p: SimPod, now: number): Pod {
  const ready = p.readyAt <= now
  const conditions = [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: formatTimestamp(ready ? p.readyAt : now) }] as const
  const metadata = p.goneAt !== undefined ? { ...p.pod.metadata, deletionTimestamp: formatTimestamp(now) } : p.pod.metadata
  return { ...p.pod, metadata, status: { phase: 'Running', conditions: [...conditions] } }
}

class PreviewWorld {
  d: Deployment
  replicaSets: ReplicaSet[]
  pods: SimPod[] = []
  readonly timing: PreviewTiming
  #serial = 0
  /** Pods created so far in the current instant (spreadMs staggers them). */
  #batch = { at: Number.NaN, count: 0 }

  constructor(d: Deployment, replicaSets: readonly ReplicaSet[], timing: PreviewTiming, now: number) {
    this.d = structuredClone(d)
    this.timing = timing
    this.replicaSets = replicaSets.map((rs) => structuredClone(rs))
    // The starting pods have been ready for long enough to count as available.
    for (const rs of this.replicaSets) {
      for (let i = 0; i < rsReplicas(rs); i++) this.pods.push(makePod(rs, this.#serial++, now - 3_600_000, now))
    }
  }

  podsOf(rs: string): SimPod[] {
    return this.pods.filter((p) => p.rs === rs)
  }

  /** The RS controller: pods to match spec.replicas, then status counted from them. */
  syncReplicaSets(now: number): boolean {
    let changed = false
    this.pods = this.pods.filter((p) => p.goneAt === undefined || p.goneAt > now)
    for (const rs of this.replicaSets) {
      const active = this.podsOf(rs.metadata.name).filter((p) => p.goneAt === undefined)
      const diff = rsReplicas(rs) - active.length
      for (let i = 0; i < diff; i++) {
        if (this.#batch.at !== now) this.#batch = { at: now, count: 0 }
        const readyAt = now + this.timing.readyMs + this.#batch.count++ * (this.timing.spreadMs ?? 0)
        this.pods.push(makePod(rs, this.#serial++, readyAt, now))
      }
      if (diff < 0) {
        // Not ready first, then the most recently ready.
        const victims = [...active].sort((a, b) => (a.readyAt > now ? 0 : 1) - (b.readyAt > now ? 0 : 1) || b.readyAt - a.readyAt)
        for (const p of victims.slice(0, -diff)) p.goneAt = now + this.timing.terminateMs
      }
      const status = replicaSetStatusFromPods(rs, this.podsOf(rs.metadata.name).map((p) => podAt(p, now)), now)
      if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
        rs.status = status
        changed = true
      }
      changed ||= diff !== 0
    }
    return changed
  }

  /** Applies one plan the way reconcile.ts would; returns the scale events and whether anything changed. */
  apply(actions: readonly DeploymentAction[], now: number): { events: string[]; changed: boolean } {
    const events: string[] = []
    let changed = false
    const find = (name: string) => this.replicaSets.find((r) => r.metadata.name === name)
    for (const a of actions) {
      switch (a.type) {
        case 'createReplicaSet': {
          const rs = structuredClone(a.replicaSet)
          rs.metadata = { ...rs.metadata, uid: `preview-${rs.metadata.name}`, creationTimestamp: formatTimestamp(now), generation: 1 }
          this.replicaSets.push(rs)
          changed = true
          break
        }
        case 'scaleReplicaSet': {
          const rs = find(a.name)
          if (!rs) break
          if (rsReplicas(rs) !== a.replicas) rs.metadata.generation = (rs.metadata.generation ?? 1) + 1
          rs.spec.replicas = a.replicas
          rs.metadata.annotations = a.annotations
          changed = true
          break
        }
        case 'updateReplicaSet': {
          const rs = find(a.name)
          if (!rs) break
          rs.metadata.annotations = a.annotations
          if (a.minReadySeconds !== undefined) rs.spec.minReadySeconds = a.minReadySeconds
          changed = true
          break
        }
        case 'deleteReplicaSet':
          this.replicaSets = this.replicaSets.filter((r) => r.metadata.name !== a.name)
          changed = true
          break
        case 'updateDeploymentAnnotations':
          this.d.metadata.annotations = a.annotations
          changed = true
          break
        case 'updateDeploymentStatus':
          this.d.status = a.status
          changed = true
          break
        case 'event':
          if (a.reason === 'ScalingReplicaSet') events.push(a.message)
          break
        case 'requeue':
          break
      }
    }
    return { events, changed }
  }

  counts(now: number): { available: number; pods: number; terminating: number } {
    let available = 0
    let pods = 0
    for (const p of this.pods) {
      const pod = podAt(p, now)
      if (!isPodActive(pod)) continue
      pods++
      const rs = this.replicaSets.find((r) => r.metadata.name === p.rs)
      if (isPodAvailable(pod, rs?.spec.minReadySeconds ?? 0, now)) available++
    }
    return { available, pods, terminating: this.pods.length - pods }
  }

  /** The next instant a pod gets ready, becomes available or is gone; undefined: nothing pending. */
  nextChange(now: number): number | undefined {
    const times: number[] = []
    for (const p of this.pods) {
      if (p.readyAt > now && p.goneAt === undefined) times.push(p.readyAt)
      if (p.goneAt !== undefined) times.push(p.goneAt)
    }
    for (const rs of this.replicaSets) {
      const wait = nextAvailabilityCheck(rs, this.podsOf(rs.metadata.name).map((p) => podAt(p, now)), now)
      if (wait !== undefined) times.push(now + wait)
    }
    const future = times.filter((t) => t > now && Number.isFinite(t))
    return future.length > 0 ? Math.min(...future) : undefined
  }
}

/**
 * Simulates rolling `deployment` (the spec after the change, with the current uid, generation
 * and status) out from `replicaSets` (the current ones, their pods all available) starting at
 * `start` (epoch ms, whole seconds keep timestamps exact).
 *
 * @example
 * previewRollout({ deployment: webV2, replicaSets: current }, planDeployment, { readyMs: 1000, terminateMs: 1000 })
 * // { steps: [{ at: 0, newReplicas: 2, oldReplicas: 9, minAvailable: 9, maxPods: 11, … }, …], completeMs: 5000, … }
 */
export function previewRollout(
  input: { deployment: Deployment; replicaSets: readonly ReplicaSet[] },
  plan: Planner,
  timing: PreviewTiming,
  start = Date.UTC(2026, 0, 1),
): RolloutPreview {
  const world = new PreviewWorld(input.deployment, input.replicaSets, timing, start)
  const steps: PreviewStep[] = []
  let now = start
  let completeMs: number | undefined
  let settledMs: number | undefined
  for (let instant = 0; instant < MAX_INSTANTS; instant++) {
    const events: string[] = []
    for (let sync = 0; sync < MAX_SYNCS_PER_INSTANT; sync++) {
      const rsChanged = world.syncReplicaSets(now)
      const pods = world.pods.map((p) => podAt(p, now))
      const result = world.apply(plan({ deployment: world.d, replicaSets: world.replicaSets, pods }, now), now)
      events.push(...result.events)
      if (!rsChanged && !result.changed) break
    }
    const c = world.counts(now)
    if (events.length > 0 || steps.length === 0) {
      const newRS = findNewReplicaSet(world.d, world.replicaSets)
      const old = world.replicaSets.filter((rs) => rs !== newRS)
      steps.push({
        at: now - start,
        events,
        newReplicas: newRS ? rsReplicas(newRS) : 0,
        oldReplicas: old.reduce((n, rs) => n + rsReplicas(rs), 0),
        minAvailable: c.available,
        maxPods: c.pods,
        maxTerminating: c.terminating,
      })
    } else {
      const last = steps[steps.length - 1] as PreviewStep
      last.minAvailable = Math.min(last.minAvailable, c.available)
      last.maxPods = Math.max(last.maxPods, c.pods)
      last.maxTerminating = Math.max(last.maxTerminating, c.terminating)
    }
    if (completeMs === undefined && deploymentStatusViewer(world.d).done) completeMs = now - start
    if (completeMs !== undefined && c.terminating === 0) {
      settledMs = now - start
      break
    }
    const next = world.nextChange(now)
    if (next === undefined) break
    now = next
  }
  return {
    steps,
    completeMs,
    settledMs,
    minAvailable: Math.min(...steps.map((s) => s.minAvailable)),
    maxPods: Math.max(...steps.map((s) => s.maxPods)),
    maxTerminating: Math.max(...steps.map((s) => s.maxTerminating)),
    newReplicaSet: findNewReplicaSet(world.d, world.replicaSets)?.metadata.name,
    deployment: world.d,
    replicaSets: world.replicaSets,
  }
}
