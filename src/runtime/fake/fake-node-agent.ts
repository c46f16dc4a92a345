/**
 * @module
 * A node agent whose containers are imaginary and whose time is the injected clock: the
 * controllers' stand-in for real processes in simulations and tests. It passes the same
 * conformance suite as the process runtime (runtime/runtime.case.test.ts).
 *
 * Timeline of a pod bound to this node (all delays configurable, all on the clock):
 *
 *   seen            → Pending, containers Waiting ContainerCreating, ports allocated
 *   + startDelayMs  → Running; Ready at once when no container has a readiness probe
 *   + readyDelayMs  → Ready (readiness probe passing); Infinity: never
 *   image unknown   → Waiting ErrImagePull (Warning event "Failed"), then ImagePullBackOff
 *   deletionTimestamp → Ready=False at once; DrainGate; + terminateDelayMs → object removed
 *
 * Without a DrainGate everything happens synchronously inside clock timers, so a FakeClock
 * simulation is deterministic. Timers due at the same instant share one clock timer.
 */
import { isPodReady } from '../../api/pod-readiness.ts'
import type { Pod } from '../../api/types.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import type { Clock } from '../../platform/clock.ts'
import { fromTimestamp } from '../../platform/clock.ts'
import { recordEvent } from '../../events/record-event.ts'
import type { ObjectStore, Unsubscribe } from '../../store/types.ts'
import { DEFAULT_NODE_NAME } from '../../api/node-name.ts'
import type { DrainGate, NodeAgent } from '../types.ts'
import { type FakeContainerPhase, type PortMapping, allocatePorts, fakePodStatus } from './fake-pod-status.ts'

export interface FakePodBehavior {
  /** Ms from seen until the containers run (and, without a readiness probe, are ready); Infinity: never. */
  startDelayMs?: number
  /** Ms from container start until the readiness probe passes; Infinity: never ready. */
  readyDelayMs?: number
  /** Set: the image cannot be pulled, with this message. */
  pullError?: string
}

export interface FakeNodeAgentOptions {
  store: ObjectStore
  clock: Clock
  nodeName?: string
  /** Pending → Running. Default 0. */
  startDelayMs?: number
  /** Running → Ready for containers with a readiness probe. Default 0. */
  readyDelayMs?: number
  /** deletionTimestamp seen (and drained) → object removed; capped by the grace period. Default 0. */
  terminateDelayMs?: number
  /** ErrImagePull → ImagePullBackOff. Default 1000. */
  pullBackOffMs?: number
  /** Per-pod behaviour (e.g. staggered ready delays); overrides readyDelayMs. */
  behavior?: (pod: Pod) => FakePodBehavior | undefined
  /** Behaviour per image reference, the most specific setting (`{'web:broken': {readyDelayMs: Infinity}}`). */
  images?: Record<string, FakePodBehavior>
  /** Images this agent can "pull"; default: every image. */
  isImageKnown?: (image: string) => boolean
  drainGate?: DrainGate
  /** First fake host port handed out. Default 30000. */
  firstHostPort?: number
}

interface PodRecord {
  /** The latest version seen or written. */
  pod: Pod
  phase: FakeContainerPhase
  ports: PortMapping[]
  terminating: boolean
  /** Bumped when the record is dropped, so its pending timers become no-ops. */
  alive: boolean
}

export class FakeNodeAgent implements NodeAgent {
  readonly nodeName: string
  readonly #o: FakeNodeAgentOptions
  readonly #pods = new Map<string, PodRecord>()
  /** Due instant → callbacks and the one clock timer that runs them. */
  readonly #buckets = new Map<number, { fns: Array<() => void>; cancel: () => void }>()
  #unwatch: Unsubscribe | undefined
  #nextPort: number

  constructor(opts: FakeNodeAgentOptions) {
    this.#o = opts
    this.nodeName = opts.nodeName ?? DEFAULT_NODE_NAME
    this.#nextPort = opts.firstHostPort ?? 30000
  }

  start(): Promise<void> {
    if (!this.#unwatch) {
      this.#unwatch = this.#o.store.watch('Pod', {}, (ev) => {
        if (ev.object.spec.nodeName !== this.nodeName) return
        if (ev.type === 'DELETED') this.#forget(ev.object)
        else this.#observe(ev.object)
      })
    }
    return Promise.resolve()
  }

  /** Stops watching; the fake has no processes, so `stopPods` only drops their state too. */
  stop(_opts?: { stopPods?: boolean }): Promise<void> {
    this.#unwatch?.()
    this.#unwatch = undefined
    for (const b of this.#buckets.values()) b.cancel()
    this.#buckets.clear()
    for (const r of this.#pods.values()) r.alive = false
    this.#pods.clear()
    return Promise.resolve()
  }

  #observe(pod: Pod): void {
    const uid = pod.metadata.uid ?? pod.metadata.name
    let r = this.#pods.get(uid)
    if (!r) {
      r = this.#adopt(pod)
      this.#pods.set(uid, r)
    } else {
      r.pod = pod
    }
    if (pod.metadata.deletionTimestamp && !r.terminating) this.#terminate(r)
  }

  #forget(pod: Pod): void {
    const uid = pod.metadata.uid ?? pod.metadata.name
    const r = this.#pods.get(uid)
    if (r) r.alive = false
    this.#pods.delete(uid)
  }

  /** A pod seen for the first time: a new one to start, or one a previous agent left running. */
  #adopt(pod: Pod): PodRecord {
    const status = pod.status
    const running = status?.phase === 'Running' && status.containerStatuses?.every((c) => c.state.running)
    if (running) {
      const ready = isPodReady(pod)
      const startedAt = status.containerStatuses?.[0]?.state.running?.startedAt
      const r: PodRecord = {
        pod,
        phase: { kind: 'running', startedAt: startedAt ? fromTimestamp(startedAt) : this.#o.clock.now(), ready },
        ports: status.portMappings ?? allocatePorts(pod, () => this.#nextPort++),
        terminating: false,
        alive: true,
      }
      if (!ready && !pod.metadata.deletionTimestamp) this.#scheduleReady(r)
      return r
    }
    const r: PodRecord = {
      pod,
      phase: { kind: 'creating' },
      ports: status?.portMappings ?? allocatePorts(pod, () => this.#nextPort++),
      terminating: false,
      alive: true,
    }
    if (pod.metadata.deletionTimestamp) return r
    const behavior = this.#behavior(pod)
    if (behavior.pullError !== undefined) {
      this.#pullFailed(r, behavior.pullError)
    } else {
      this.#write(r)
      this.#at(behavior.startDelayMs ?? 0, r, () => this.#run(r))
    }
    return r
  }

  /** The delay options < behavior(pod) < images[image] < unknown image (pull fails). */
  #behavior(pod: Pod): FakePodBehavior {
    const merged: FakePodBehavior = {
      startDelayMs: this.#o.startDelayMs ?? 0,
      readyDelayMs: this.#o.readyDelayMs ?? 0,
      ...this.#o.behavior?.(pod),
    }
    for (const c of pod.spec.containers) Object.assign(merged, this.#o.images?.[c.image ?? ''])
    const unknown = pod.spec.containers.find((c) => !(this.#o.isImageKnown?.(c.image ?? '') ?? true))
    if (unknown) merged.pullError = `pull access denied for ${unknown.image}, repository does not exist`
    return merged
  }

  #pullFailed(r: PodRecord, message: string): void {
    const image = r.pod.spec.containers[0]?.image ?? ''
    r.phase = { kind: 'pullFailed', reason: 'ErrImagePull', message }
    this.#write(r)
    this.#event(r, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`)
    this.#at(this.#o.pullBackOffMs ?? 1000, r, () => {
      r.phase = { kind: 'pullFailed', reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }
      this.#write(r)
      this.#event(r, 'Normal', 'BackOff', `Back-off pulling image "${image}"`)
    })
  }

  #run(r: PodRecord): void {
    const probed = r.pod.spec.containers.some((c) => c.readinessProbe)
    r.phase = { kind: 'running', startedAt: this.#o.clock.now(), ready: !probed }
    this.#write(r)
    if (probed) this.#scheduleReady(r)
  }

  #scheduleReady(r: PodRecord): void {
    const delay = this.#behavior(r.pod).readyDelayMs ?? 0
    if (!Number.isFinite(delay)) return
    this.#at(delay, r, () => {
      if (r.phase.kind !== 'running' || r.terminating) return
      r.phase = { ...r.phase, ready: true }
      this.#write(r)
    })
  }

  #terminate(r: PodRecord): void {
    r.terminating = true
    const wasReady = r.phase.kind === 'running' && r.phase.ready
    if (wasReady || isPodReady(r.pod)) this.#write(r)
    const deadline = fromTimestamp(r.pod.metadata.deletionTimestamp ?? '')
    const remove = () => {
      const graceLeft = Math.max(0, deadline - this.#o.clock.now())
      this.#at(Math.min(this.#o.terminateDelayMs ?? 0, graceLeft), r, () => this.#remove(r))
    }
    if (!this.#o.drainGate) return remove()
    this.#o.drainGate.waitDrained(r.pod, deadline).then(remove, remove)
  }

  #remove(r: PodRecord): void {
    const m = r.pod.metadata
    try {
      this.#o.store.delete('Pod', m.namespace ?? 'default', m.name, { gracePeriodSeconds: 0 })
    } catch (err) {
      if (!(isBatonError(err) && err.code === 'BATON_NOT_FOUND')) throw err
    }
  }

  /** Writes the record's status (no CAS: the agent owns pod status; updateStatus leaves the rest). */
  #write(r: PodRecord): void {
    const { resourceVersion: _rv, ...metadata } = r.pod.metadata
    const status = fakePodStatus(r.pod, r.phase, r.ports, this.#o.clock.now(), r.terminating)
    try {
      r.pod = this.#o.store.updateStatus<'Pod'>({ ...r.pod, metadata, status })
    } catch (err) {
      if (isBatonError(err) && err.code === 'BATON_NOT_FOUND') return
      throw err
    }
  }

  #event(r: PodRecord, type: 'Normal' | 'Warning', reason: string, message: string): void {
    recordEvent(this.#o.store, this.#o.clock, r.pod, type, reason, message, {
      component: 'kubelet',
      host: this.nodeName,
    })
  }

  /** Runs `fn` after `ms` (never when Infinity) unless the pod record was dropped; one clock timer per due instant. */
  #at(ms: number, r: PodRecord, fn: () => void): void {
    if (!Number.isFinite(ms)) return
    const at = this.#o.clock.now() + Math.max(0, ms)
    const run = () => r.alive && fn()
    const bucket = this.#buckets.get(at)
    if (bucket) return void bucket.fns.push(run)
    const handle = this.#o.clock.setTimeout(() => {
      const due = this.#buckets.get(at)?.fns ?? []
      this.#buckets.delete(at)
      for (const f of due) f()
    }, at - this.#o.clock.now())
    this.#buckets.set(at, { fns: [run], cancel: () => handle.cancel() })
  }
}
