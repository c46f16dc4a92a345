/**
 * @module
 * One pod on the Docker runtime (the shared part is ../pod-worker-base.ts): a DockerContainer
 * per container, its published ports in the pod's status. Nothing is persisted by Baton: the
 * engine's containers and their labels are what a restarted agent adopts.
 */
import type { ContainerStatus, Pod } from '../../api/types.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import type { ObjectStore } from '../../store/types.ts'
import { PodWorkerBase } from '../pod-worker-base.ts'
import type { PodEventRecorder } from '../process/pod-events.ts'
import type { PortMapping } from '../process/port-allocator.ts'
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

export class DockerPodWorker extends PodWorkerBase {
  #containers: DockerContainer[]

  constructor(ctx: DockerAgentContext, pod: Pod) {
    super(ctx, pod)
    this.#containers = pod.spec.containers.map(
      (spec) =>
        new DockerContainer(
          {
            engine: ctx.engine,
            clock: ctx.clock,
            logger: this.log,
            owner: ctx.owner,
            pod: () => this.pod,
            configMap: (namespace, name) => ctx.store.get('ConfigMap', namespace, name),
            secret: (namespace, name) => ctx.store.get('Secret', namespace, name),
            ...(ctx.credentials ? { credentials: ctx.credentials } : {}),
            event: (type, reason, message) => ctx.event(this.pod, type, reason, message),
            changed: () => this.changed(),
          },
          spec,
        ),
    )
  }

  start(): void {
    this.log.info('pod accepted')
    this.changed()
    for (const c of this.#containers) c.lifecycle.start()
  }

  /** Takes over the containers an earlier agent started (newest instance of each container name). */
  adopt(found: ReadonlyMap<string, FoundContainer>): void {
    const previous = this.pod.status
    if (previous?.startTime) this.startTime = Date.parse(previous.startTime) || this.startTime
    for (const c of this.#containers) {
      const f = found.get(c.name)
      const was: ContainerStatus | undefined = previous?.containerStatuses?.find((s) => s.name === c.name)
      if (f) c.adopt(f, was)
      else c.lifecycle.start()
    }
    this.log.info('pod adopted', { containers: [...found.values()].map((f) => f.id.slice(0, 12)) })
    this.changed()
  }

  protected lifecycles() {
    return this.#containers.map((c) => c.lifecycle)
  }

  protected portMappings(): PortMapping[] {
    return this.#containers.flatMap((c) => c.portMappings())
  }

  protected async released(): Promise<void> {}
}
