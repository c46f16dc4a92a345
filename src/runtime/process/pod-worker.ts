/**
 * @module
 * One pod on this node, for the process runtime (the shared part is ../pod-worker-base.ts):
 * allocates its loopback ports, runs a ContainerSupervisor per container, and persists what
 * re-adoption needs whenever a container changes.
 */
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../../api/defaults.ts'
import type { Pod } from '../../api/types.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import type { LogCollector } from '../../logs/log-collector.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import type { ObjectStore } from '../../store/types.ts'
import { podConfigSource } from '../config-source.ts'
import { PodWorkerBase } from '../pod-worker-base.ts'
import type { DrainGate } from '../types.ts'
import { containerDir, podDir, removePodDir, STATE_VERSION, writePodState, type PodState } from './adoption.ts'
import { ContainerSupervisor } from './container-supervisor.ts'
import type { PodEventRecorder } from '../pod-events.ts'
import type { PortAllocator } from './port-allocator.ts'
import type { PortMapping } from '../port-mapping.ts'

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

export class PodWorker extends PodWorkerBase {
  #ctx: AgentContext
  #dir: string
  #supervisors: ContainerSupervisor[]
  #portMappings: PortMapping[] = []
  /** The last state.json written, as persist compares it. */
  #persisted: string | undefined

  constructor(ctx: AgentContext, pod: Pod) {
    super(ctx, pod)
    this.#ctx = ctx
    this.#dir = podDir(ctx.dataDir, this.uid)
    this.#supervisors = pod.spec.containers.map(
      (spec) =>
        new ContainerSupervisor(
          {
            clock: ctx.clock,
            logger: this.log,
            logs: ctx.logs,
            artifacts: ctx.artifacts,
            baseEnv: ctx.baseEnv,
            podDir: this.#dir,
            containerDir: containerDir(this.#dir, spec.name),
            pod: () => this.pod,
            portMappings: () => this.#portMappings,
            ...podConfigSource(ctx.store, () => this.pod),
            claim: (namespace, name) => ctx.store.get('PersistentVolumeClaim', namespace, name),
            dataDir: ctx.dataDir,
            event: (type, reason, message) => ctx.event(this.pod, type, reason, message),
            changed: () => this.changed(),
          },
          spec,
        ),
    )
  }

  async start(): Promise<void> {
    this.#portMappings = await this.#ctx.ports.allocateFor(this.pod.spec.containers)
    this.log.info('pod accepted', { ports: this.#portMappings.map((m) => m.hostPort) })
    this.changed()
    for (const s of this.#supervisors) s.lifecycle.start()
  }

  /** An artifact was pushed: containers waiting for their image try again now. */
  imagePushed(): void {
    for (const s of this.#supervisors) s.imagePushed()
  }

  /** Takes over from the state an earlier agent persisted. */
  adopt(state: PodState): void {
    this.startTime = state.startTime
    this.#portMappings = state.portMappings
    for (const m of state.portMappings) this.#ctx.ports.reserve(m.hostPort)
    for (const s of this.#supervisors) {
      const saved = state.containers.find((c) => c.name === s.name)
      if (saved) s.adopt(saved)
      else s.lifecycle.start()
    }
    this.log.info('pod adopted', { containers: state.containers.map((c) => c.process?.pid) })
    this.changed()
  }

  protected lifecycles() {
    return this.#supervisors.map((s) => s.lifecycle)
  }

  protected portMappings(): PortMapping[] {
    return this.#portMappings
  }

  protected async released(): Promise<void> {
    for (const m of this.#portMappings) this.#ctx.ports.release(m.hostPort)
    await removePodDir(this.#dir)
  }

  protected override persist(): void {
    const state: PodState = {
      version: STATE_VERSION,
      namespace: this.pod.metadata.namespace ?? 'default',
      name: this.pod.metadata.name,
      uid: this.uid,
      startTime: this.startTime,
      terminationGracePeriodSeconds:
        this.pod.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
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
      this.log.error('pod state not saved', { err })
    }
  }
}
