/**
 * @module
 * One pod on this node, the part every runtime shares: one ContainerLifecycle per container,
 * the pod's status written compare-and-swap when it changed (buildPodStatus), and its
 * termination in Kubernetes' order (termination.ts: Ready=False, the drain gate, every
 * container's preStop, SIGTERM, SIGKILL, then the Pod object's removal). A runtime's worker
 * (process/pod-worker.ts, docker/docker-pod-worker.ts) adds what it keeps beside: ports and a
 * state file for processes, nothing for Docker (the engine's labels are its state).
 */
import type { Pod } from '../api/types.ts'
import type { Clock } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import type { ObjectStore } from '../store/types.ts'
import type { ContainerInstance, ContainerLifecycle } from './container-lifecycle.ts'
import { deletePodObject, podRef, writePodStatus } from './pod-object.ts'
import type { PodWorkerPort } from './pod-workers.ts'
import { buildPodStatus } from './pod-status.ts'
import type { PortMapping } from './port-mapping.ts'
import { podGraceMs, terminatePod } from './termination.ts'
import type { DrainGate } from './types.ts'

export interface PodWorkerDeps {
  store: ObjectStore
  clock: Clock
  logger: Logger
  drainGate: DrainGate
}

export abstract class PodWorkerBase implements PodWorkerPort {
  readonly key: string
  readonly uid: string
  protected readonly log: Logger
  protected startTime: number
  #deps: PodWorkerDeps
  #pod: Pod
  #terminating: Promise<void> | undefined
  /** The pod is gone (or going without status): nothing more is written. */
  #gone = false

  constructor(deps: PodWorkerDeps, pod: Pod) {
    this.#deps = deps
    this.#pod = pod
    this.key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`
    this.uid = pod.metadata.uid ?? ''
    this.log = deps.logger.with({ pod: this.key })
    this.startTime = deps.clock.now()
  }

  /** The latest snapshot of the pod. */
  protected get pod(): Pod {
    return this.#pod
  }

  /** Each container's lifecycle, in the pod's order. */
  protected abstract lifecycles(): ReadonlyArray<ContainerLifecycle<ContainerInstance>>
  /** The pod's published ports, for its status. */
  protected abstract portMappings(): PortMapping[]
  /** The runtime's own record of the pod, written before its status (a state file); none by default. */
  protected persist(): void {}
  /** What the runtime frees once the pod's containers are gone (ports, directories): the pod terminated, or the agent shut down with kill. */
  protected abstract released(why: 'terminated' | 'shutdown'): Promise<void>

  get terminating(): boolean {
    return this.#terminating !== undefined
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
      this.persist()
      for (const c of this.lifecycles()) c.detach()
      return
    }
    this.#gone = true
    await Promise.all(this.lifecycles().map((c) => c.stop(podGraceMs(this.#pod))))
    await this.released('shutdown')
  }

  async #runTermination(removed: boolean): Promise<void> {
    const { store, clock, drainGate } = this.#deps
    this.log.info('pod terminating', { removed })
    for (const c of this.lifecycles()) c.beginTermination()
    if (!removed) this.changed() // Ready=False first, so endpoints drop the pod
    await terminatePod({
      pod: this.#pod,
      clock,
      drainGate,
      killContainers: async (graceMs) => void (await Promise.all(this.lifecycles().map((c) => c.stop(graceMs)))),
    })
    if (!removed) this.changed()
    this.#gone = true
    await this.released('terminated')
    deletePodObject(store, podRef(this.#pod))
    this.log.info('pod terminated')
  }

  /** A container's status changed: the runtime's record, then the pod's status. */
  protected changed(): void {
    if (this.#gone) return
    this.persist()
    this.#writeStatus()
  }

  /** Compare-and-swap on the latest pod; retried on conflict, skipped when nothing changed. */
  #writeStatus(): void {
    const { store, clock } = this.#deps
    const written = writePodStatus(
      store,
      podRef(this.#pod),
      (pod) =>
        buildPodStatus({
          pod,
          containers: this.lifecycles().map((c) => c.status()),
          portMappings: this.portMappings(),
          startTime: this.startTime,
          terminating: this.#terminating !== undefined || pod.metadata.deletionTimestamp !== undefined,
          now: clock.now(),
        }),
      this.log,
    )
    if (written) this.#pod = written
  }
}
