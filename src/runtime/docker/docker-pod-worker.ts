/**
 * @module
 * One pod on the Docker runtime: a DockerContainer per container, the pod's status written
 * compare-and-swap when it changed (buildPodStatus, shared with the process runtime), and its
 * termination in Kubernetes' order (terminatePod: Ready=False, drain gate, then every
 * container's preStop, SIGTERM, SIGKILL). Nothing is persisted by Baton: the engine's
 * containers and their labels are what a restarted agent adopts.
 */
import type { ContainerStatus, Pod } from '../../api/types.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import type { ObjectStore } from '../../store/types.ts'
import type { PodEventRecorder } from '../process/pod-events.ts'
import { buildPodStatus } from '../process/pod-status.ts'
import { podGraceMs, terminatePod } from '../termination.ts'
import { deletePodObject, podRef, writePodStatus } from '../pod-object.ts'
import type { DrainGate } from '../types.ts'
import { DockerContainer, type FoundContainer } from './docker-container.ts'
import type { Engine } from './engine.ts'
import type { PullAuth } from './registry-auth.ts'

export interface DockerAgentContext {
  store: ObjectStore
  clock: Clock
  logger: Logger
  engine: Engine
  owner: string
  drainGate: DrainGate
  event: PodEventRecorder
  credentials?: (image: string) => PullAuth | undefined
}

export class DockerPodWorker {
  readonly key: string
  readonly uid: string
  #ctx: DockerAgentContext
  #pod: Pod
  #log: Logger
  #containers: DockerContainer[]
  #startTime: number
  #terminating: Promise<void> | undefined
  #gone = false

  constructor(ctx: DockerAgentContext, pod: Pod) {
    this.#ctx = ctx
    this.#pod = pod
    this.key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`
    this.uid = pod.metadata.uid ?? ''
    this.#log = ctx.logger.with({ pod: this.key })
    this.#startTime = ctx.clock.now()
    this.#containers = pod.spec.containers.map(
      (spec) =>
        new DockerContainer(
          {
            engine: ctx.engine,
            clock: ctx.clock,
            logger: this.#log,
            owner: ctx.owner,
            pod: () => this.#pod,
            configMap: (namespace, name) => ctx.store.get('ConfigMap', namespace, name),
            secret: (namespace, name) => ctx.store.get('Secret', namespace, name),
            ...(ctx.credentials ? { credentials: ctx.credentials } : {}),
            event: (type, reason, message) => ctx.event(this.#pod, type, reason, message),
            changed: () => this.#writeStatus(),
          },
          spec,
        ),
    )
  }

  start(): void {
    this.#log.info('pod accepted')
    this.#writeStatus()
    for (const c of this.#containers) c.lifecycle.start()
  }

  /** Takes over the containers an earlier agent started (newest instance of each container name). */
  adopt(found: ReadonlyMap<string, FoundContainer>): void {
    const previous = this.#pod.status
    if (previous?.startTime) this.#startTime = Date.parse(previous.startTime) || this.#startTime
    for (const c of this.#containers) {
      const f = found.get(c.name)
      const was: ContainerStatus | undefined = previous?.containerStatuses?.find((s) => s.name === c.name)
      if (f) c.adopt(f, was)
      else c.lifecycle.start()
    }
    this.#log.info('pod adopted', { containers: [...found.values()].map((f) => f.id.slice(0, 12)) })
    this.#writeStatus()
  }

  update(pod: Pod): void {
    if (pod.metadata.uid !== this.uid) return
    this.#pod = pod
    if (pod.metadata.deletionTimestamp) void this.terminate()
  }

  terminate(opts: { removed?: boolean } = {}): Promise<void> {
    this.#terminating ??= this.#runTermination(opts.removed === true)
    return this.#terminating
  }

  async shutdown(kill: boolean): Promise<void> {
    if (this.#terminating !== undefined) return this.#terminating
    if (!kill) {
      for (const c of this.#containers) c.lifecycle.detach()
      return
    }
    this.#gone = true
    await Promise.all(this.#containers.map((c) => c.lifecycle.stop(podGraceMs(this.#pod))))
  }

  async #runTermination(removed: boolean): Promise<void> {
    const { store, clock, drainGate } = this.#ctx
    this.#log.info('pod terminating', { removed })
    for (const c of this.#containers) c.lifecycle.beginTermination()
    if (!removed) this.#writeStatus()
    await terminatePod({
      pod: this.#pod,
      clock,
      drainGate,
      killContainers: async (graceMs) =>
        void (await Promise.all(this.#containers.map((c) => c.lifecycle.stop(graceMs)))),
    })
    if (!removed) this.#writeStatus()
    this.#gone = true
    deletePodObject(store, podRef(this.#pod))
    this.#log.info('pod terminated')
  }

  #writeStatus(): void {
    if (this.#gone) return
    const { store, clock } = this.#ctx
    const written = writePodStatus(
      store,
      podRef(this.#pod),
      (pod) =>
        buildPodStatus({
          pod,
          containers: this.#containers.map((c) => c.lifecycle.status()),
          portMappings: this.#containers.flatMap((c) => c.portMappings()),
          startTime: this.#startTime,
          terminating: this.#terminating !== undefined || pod.metadata.deletionTimestamp !== undefined,
          now: clock.now(),
        }),
      this.#log,
    )
    if (written) this.#pod = written
  }
}
