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
import type { PodEventRecorder } from '../pod-events.ts'
import { podConfigSource } from '../config-source.ts'
import type { PortMapping } from '../port-mapping.ts'
import type { DrainGate } from '../types.ts'
import { DockerContainer, type FoundContainer } from './docker-container.ts'
import type { Engine } from './engine.ts'
import { authFromSecrets, type PullCredentials } from './registry-auth.ts'
import { removePodVolumes } from './volumes.ts'
import type { NodeResources } from './resources.ts'

export interface DockerAgentContext {
  store: ObjectStore
  clock: Clock
  logger: Logger
  engine: Engine
  owner: string
  volumesDir: string
  node: NodeResources
  drainGate: DrainGate
  event: PodEventRecorder
  credentials?: (image: string) => Promise<PullCredentials>
}

export class DockerPodWorker extends PodWorkerBase {
  #containers: DockerContainer[]
  readonly #ctx: DockerAgentContext

  constructor(ctx: DockerAgentContext, pod: Pod) {
    super(ctx, pod)
    this.#ctx = ctx
    this.#containers = pod.spec.containers.map(
      (spec) =>
        new DockerContainer(
          {
            engine: ctx.engine,
            clock: ctx.clock,
            logger: this.log,
            owner: ctx.owner,
            volumesDir: ctx.volumesDir,
            node: ctx.node,
            pod: () => this.pod,
            ...podConfigSource(ctx.store, () => this.pod),
            credentials: (image) => this.#credentials(image),
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

  /** A terminated pod's volumes go with it; at a shutdown the pod still exists and they stay for the next agent. */
  protected async released(why: 'terminated' | 'shutdown'): Promise<void> {
    if (why !== 'terminated') return
    await removePodVolumes(this.#ctx, this.uid).catch((err: unknown) =>
      this.log.error('pod volumes not removed', { err }),
    )
  }

  /**
   * The pod's imagePullSecrets first, then the daemon user's Docker config, as the kubelet
   * does; a named Secret that does not exist is a warning (FailedToRetrieveImagePullSecret)
   * and the pull goes on without it.
   */
  async #credentials(image: string): Promise<PullCredentials> {
    const { store } = this.#ctx
    const pod = this.pod
    const namespace = pod.metadata.namespace ?? 'default'
    const names = (pod.spec.imagePullSecrets ?? []).map((r) => r.name).filter((n) => n !== '')
    const secrets = names.flatMap((name) => {
      const s = store.get('Secret', namespace, name)
      if (!s)
        this.#ctx.event(
          pod,
          'Warning',
          'FailedToRetrieveImagePullSecret',
          `Unable to retrieve some image pull secrets (${name}); attempting to pull the image may not succeed.`,
        )
      return s ? [s] : []
    })
    return authFromSecrets(secrets, image) ?? (await this.#ctx.credentials?.(image))
  }
}
