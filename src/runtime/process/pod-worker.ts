/**
 * @module
 * One pod on this node: allocates its loopback ports, runs a ContainerSupervisor per
 * container, writes the pod's status (compare-and-swap, only when it changed), persists
 * what re-adoption needs, and carries out its termination when it gets a deletionTimestamp.
 */
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../../api/defaults.ts'
import type { Pod } from '../../api/types.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import type { LogCollector } from '../../logs/log-collector.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import type { ObjectStore } from '../../store/types.ts'
import { deletePodObject, podRef, writePodStatus } from '../pod-object.ts'
import type { DrainGate } from '../types.ts'
import { containerDir, podDir, removePodDir, STATE_VERSION, writePodState, type PodState } from './adoption.ts'
import { ContainerSupervisor } from './container-supervisor.ts'
import type { PodEventRecorder } from './pod-events.ts'
import { buildPodStatus } from './pod-status.ts'
import type { PortAllocator, PortMapping } from './port-allocator.ts'
import { terminatePod } from '../termination.ts'

export interface AgentContext {
  store: ObjectStore
  clock: Clock
  logger: Logger
  logs: LogCollector
  dataDir: string
  artifacts: ArtifactStore
  drainGate: DrainGate
  ports: PortAllocator
  baseEnv: Record<string, string>
  event: PodEventRecorder
}

export class PodWorker {
  readonly key: string
  readonly uid: string
  #ctx: AgentContext
  #pod: Pod
  #dir: string
  #log: Logger
  #supervisors: ContainerSupervisor[]
  #portMappings: PortMapping[] = []
  #startTime: number
  #terminating: Promise<void> | undefined
  #gone = false
  /** The last state.json written, as #persist compares it. */
  #persisted: string | undefined

  constructor(ctx: AgentContext, pod: Pod) {
    this.#ctx = ctx
    this.#pod = pod
    const ns = pod.metadata.namespace ?? 'default'
    this.key = `${ns}/${pod.metadata.name}`
    this.uid = pod.metadata.uid ?? ''
    this.#dir = podDir(ctx.dataDir, this.uid)
    this.#log = ctx.logger.with({ pod: this.key })
    this.#startTime = ctx.clock.now()
    this.#supervisors = pod.spec.containers.map(
      (spec) =>
        new ContainerSupervisor(
          {
            clock: ctx.clock,
            logger: this.#log,
            logs: ctx.logs,
            artifacts: ctx.artifacts,
            baseEnv: ctx.baseEnv,
            podDir: this.#dir,
            containerDir: containerDir(this.#dir, spec.name),
            pod: () => this.#pod,
            portMappings: () => this.#portMappings,
            configMap: (namespace, name) => ctx.store.get('ConfigMap', namespace, name),
            secret: (namespace, name) => ctx.store.get('Secret', namespace, name),
            claim: (namespace, name) => ctx.store.get('PersistentVolumeClaim', namespace, name),
            dataDir: ctx.dataDir,
            event: (type, reason, message) => ctx.event(this.#pod, type, reason, message),
            changed: () => this.#changed(),
          },
          spec,
        ),
    )
  }

  get terminating(): boolean {
    return this.#terminating !== undefined
  }

  async start(): Promise<void> {
    this.#portMappings = await this.#ctx.ports.allocateFor(this.#pod.spec.containers)
    this.#log.info('pod accepted', { ports: this.#portMappings.map((m) => m.hostPort) })
    this.#changed()
    for (const s of this.#supervisors) s.lifecycle.start()
  }

  /** An artifact was pushed: containers waiting for their image try again now. */
  imagePushed(): void {
    for (const s of this.#supervisors) s.imagePushed()
  }

  /** Takes over from the state an earlier agent persisted. */
  adopt(state: PodState): void {
    this.#startTime = state.startTime
    this.#portMappings = state.portMappings
    for (const m of state.portMappings) this.#ctx.ports.reserve(m.hostPort)
    for (const s of this.#supervisors) {
      const saved = state.containers.find((c) => c.name === s.name)
      if (saved) s.adopt(saved)
      else s.lifecycle.start()
    }
    this.#log.info('pod adopted', { containers: state.containers.map((c) => c.process?.pid) })
    this.#changed()
  }

  /** A newer snapshot of the pod; a deletionTimestamp starts termination. */
  update(pod: Pod): void {
    if (pod.metadata.uid !== this.uid) return
    this.#pod = pod
    if (pod.metadata.deletionTimestamp) void this.terminate()
  }

  /**
   * Terminates the pod (idempotent). `removed`: the Pod object is already gone (deleted with
   * grace 0 by someone else), so there is no status to write and nothing to delete.
   */
  terminate(opts: { removed?: boolean } = {}): Promise<void> {
    this.#terminating ??= this.#runTermination(opts.removed === true)
    return this.#terminating
  }

  /** The agent stops: with `kill`, the containers die (grace period applies); otherwise they keep running for adoption. */
  async shutdown(kill: boolean): Promise<void> {
    if (this.#terminating !== undefined) return this.#terminating
    if (!kill) {
      this.#persist()
      for (const s of this.#supervisors) s.lifecycle.detach()
      return
    }
    this.#gone = true
    await Promise.all(this.#supervisors.map((s) => s.lifecycle.stop(this.#graceMs())))
    this.#releasePorts()
    await removePodDir(this.#dir)
  }

  async #runTermination(removed: boolean): Promise<void> {
    const { store, clock, drainGate } = this.#ctx
    this.#log.info('pod terminating', { removed })
    for (const s of this.#supervisors) s.lifecycle.beginTermination()
    if (!removed) this.#changed() // Ready=False first, so endpoints drop the pod
    await terminatePod({
      pod: this.#pod,
      clock,
      drainGate,
      killContainers: async (graceMs) =>
        void (await Promise.all(this.#supervisors.map((s) => s.lifecycle.stop(graceMs)))),
    })
    if (!removed) this.#changed()
    this.#gone = true
    this.#releasePorts()
    await removePodDir(this.#dir)
    deletePodObject(store, podRef(this.#pod))
    this.#log.info('pod terminated')
  }

  #graceMs(): number {
    return (this.#pod.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS) * 1000
  }

  #releasePorts(): void {
    for (const m of this.#portMappings) this.#ctx.ports.release(m.hostPort)
  }

  #changed(): void {
    if (this.#gone) return
    this.#persist()
    this.#writeStatus()
  }

  #persist(): void {
    const state: PodState = {
      version: STATE_VERSION,
      namespace: this.#pod.metadata.namespace ?? 'default',
      name: this.#pod.metadata.name,
      uid: this.uid,
      startTime: this.#startTime,
      terminationGracePeriodSeconds:
        this.#pod.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
      portMappings: this.#portMappings,
      containers: this.#supervisors.map((s) => s.saved()),
    }
    // A container's waiting reason is not needed to re-adopt it (one without a process is
    // started afresh), and it alternates ErrImagePull / ImagePullBackOff on every pull retry:
    // rewriting the file for that alone cost 1000 waiting pods seconds of synchronous renames.
    const durable = JSON.stringify(state, (k, v: unknown) => (k === 'waiting' ? undefined : v))
    if (durable === this.#persisted) return
    try {
      writePodState(this.#dir, state)
      this.#persisted = durable
    } catch (err) {
      this.#log.error('pod state not saved', { err })
    }
  }

  /** Compare-and-swap on the latest pod; retried on conflict, skipped when nothing changed. */
  #writeStatus(): void {
    const { store, clock } = this.#ctx
    const written = writePodStatus(
      store,
      podRef(this.#pod),
      (pod) =>
        buildPodStatus({
          pod,
          containers: this.#supervisors.map((s) => s.lifecycle.status()),
          portMappings: this.#portMappings,
          startTime: this.#startTime,
          terminating: this.#terminating !== undefined || pod.metadata.deletionTimestamp !== undefined,
          now: clock.now(),
        }),
      this.#log,
    )
    if (written) this.#pod = written
  }
}
