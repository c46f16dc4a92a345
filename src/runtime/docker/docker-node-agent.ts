/**
 * @module
 * The Docker runtime's node agent (Baton's kubelet over a Docker engine), behind the same
 * NodeAgent port as the process runtime and with its structure: a watch names a pod, the agent
 * reads it and reconciles one DockerPodWorker per pod uid (start, update, terminate).
 *
 * Network: every containerPort is published on 127.0.0.1 with a host port the engine picks
 * (docs/docker.md says why); the pod's status.portMappings carry them, so endpoints, the load
 * balancer and httpGet/tcpSocket probes dial loopback exactly as for processes.
 *
 * Surviving the daemon: containers carry labels (owner, pod uid, namespace, name, container,
 * restart count; container-config.ts). start() lists this owner's containers: the newest
 * instance of each container of a pod that still exists is adopted (running: probes resume
 * from the pod's last status; exited meanwhile: restarted per restartPolicy); every other
 * container, and every container of a pod that is gone, is stopped and removed.
 */
import { totalmem } from 'node:os'
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../../api/defaults.ts'
import { DEFAULT_NODE_NAME } from '../../api/node-name.ts'
import type { Pod } from '../../api/types.ts'
import type { Clock } from '../../platform/clock.ts'
import { silentLogger, type Logger } from '../../platform/logger.ts'
import type { ObjectStore } from '../../store/types.ts'
import { podEventRecorder } from '../pod-events.ts'
import { agentRuns, PodWorkers } from '../pod-workers.ts'
import { noDrain, type DrainGate, type NodeAgent } from '../types.ts'
import { identityOf, LABELS, type ContainerIdentity } from './container-config.ts'
import { hostPortsOf, statusCode, type FoundContainer } from './docker-container.ts'
import { DockerPodWorker, type DockerAgentContext } from './docker-pod-worker.ts'
import type { Engine } from './engine.ts'
import type { PullCredentials } from './registry-auth.ts'
import { removeOrphanVolumes } from './volumes.ts'
import { oomScoreAdjFloor } from './oom-score.ts'

export interface DockerNodeAgentOptions {
  store: ObjectStore
  clock: Clock
  engine: Engine
  /**
   * Whose containers these are (label baton.owner): the daemon passes its data directory, so
   * two Baton installations sharing one engine never adopt or remove each other's containers.
   */
  owner: string
  /** A directory of the agent's own for the pods' emptyDir and configMap volumes (volumes.ts). */
  volumesDir: string
  drainGate?: DrainGate
  /** Credentials for pulls (registry-auth.ts; the daemon reads its user's Docker config). */
  credentials?: (image: string) => Promise<PullCredentials>
  logger?: Logger
  nodeName?: string
  /**
   * Which of the node's pods this agent runs (default: all): on a node with both runtimes, each
   * agent runs the pods whose RuntimeClass is its own (api/runtime-class.ts).
   */
  runs?: (pod: Pod) => boolean
}

interface Listed extends FoundContainer {
  identity: ContainerIdentity
}

export function createDockerNodeAgent(opts: DockerNodeAgentOptions): NodeAgent {
  const nodeName = opts.nodeName ?? DEFAULT_NODE_NAME
  const logger = (opts.logger ?? silentLogger).with({ component: 'node-agent', node: nodeName, runtime: 'docker' })
  const isMine = agentRuns(nodeName, opts.runs)
  const { store, clock, engine } = opts
  const ctx: DockerAgentContext = {
    store,
    clock,
    logger,
    engine,
    owner: opts.owner,
    volumesDir: opts.volumesDir,
    node: { memoryCapacity: totalmem(), oomScoreAdjFloor: oomScoreAdjFloor() },
    drainGate: opts.drainGate ?? noDrain,
    event: podEventRecorder(store, clock, nodeName, logger),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  }
  const pods: PodWorkers<DockerPodWorker> = new PodWorkers({
    store,
    clock,
    logger,
    isMine,
    create: (pod) => {
      const w = new DockerPodWorker(ctx, pod)
      w.start()
      return w
    },
  })
  const { workers } = pods
  const track = (p: Promise<unknown>, what: string) => pods.track(p, what)

  /** This owner's containers, with what adoption needs from the engine's state. */
  const listOwned = async (): Promise<Listed[]> => {
    const summaries = await engine.listContainers({ all: true, filters: { label: [`${LABELS.owner}=${opts.owner}`] } })
    const out: Listed[] = []
    for (const s of summaries) {
      const identity = identityOf(s.Labels)
      if (!identity) continue
      try {
        const info = await engine.getContainer(s.Id).inspect()
        out.push({
          identity,
          id: s.Id,
          restartCount: identity.restartCount,
          running: info.State.Running,
          startedAt: Date.parse(info.State.StartedAt) || 0,
          exitCode: info.State.ExitCode,
          oomKilled: info.State.OOMKilled,
          hostPorts: hostPortsOf(info.NetworkSettings.Ports),
          imageID: info.Image,
        })
      } catch (err) {
        if (statusCode(err) !== 404) throw err
      }
    }
    return out
  }

  const removeContainer = async (c: Listed, graceSeconds: number) => {
    logger.info('removing a container no pod owns', {
      container: c.id.slice(0, 12),
      pod: `${c.identity.namespace}/${c.identity.pod}`,
    })
    const container = engine.getContainer(c.id)
    if (c.running) await container.stop({ t: graceSeconds }).catch(() => undefined)
    await container.remove({ force: true }).catch((err: unknown) => {
      if (statusCode(err) !== 404) throw err
    })
  }

  return {
    nodeName,

    async start() {
      if (pods.watching) return
      const listed = pods.list()
      const instances = new Map<string, Map<string, Listed[]>>()
      const adopt = new Map<string, Map<string, Listed>>()
      const removals: Promise<unknown>[] = []
      for (const c of await listOwned()) {
        const pod = listed.byUid.get(c.identity.uid)
        if (!pod?.spec.containers.some((s) => s.name === c.identity.container)) {
          const removal = removeContainer(
            c,
            pod?.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
          )
          removals.push(removal)
          track(removal, 'remove orphan')
          continue
        }
        const perPod = instances.get(c.identity.uid) ?? new Map<string, Listed[]>()
        instances.set(c.identity.uid, perPod)
        perPod.set(c.identity.container, [...(perPod.get(c.identity.container) ?? []), c])
      }
      // Per container, the newest instance is adopted and the exited one before it kept (logs
      // --previous); any other goes, running or not, so no replica ever runs twice.
      for (const [uid, perPod] of instances) {
        const found = new Map<string, Listed>()
        for (const [name, list] of perPod) {
          const [newest, before, ...rest] = list.sort((a, b) => b.restartCount - a.restartCount)
          if (!newest) continue
          const keepBefore = before && !before.running ? before : undefined
          found.set(name, keepBefore ? { ...newest, previousId: keepBefore.id } : newest)
          for (const old of keepBefore ? rest : [before, ...rest]) {
            if (old) track(removeContainer(old, 0), 'remove old instance')
          }
        }
        adopt.set(uid, found)
      }
      for (const [uid, found] of adopt) {
        const pod = listed.byUid.get(uid)
        if (!pod) continue
        const w = new DockerPodWorker(ctx, pod)
        w.adopt(found)
        pods.adopted(w, pod)
      }
      // After the orphans' containers are gone (an engine volume in use cannot be removed); which
      // pods exist is read then, so a pod created meanwhile keeps its volumes.
      const existing = () => new Set(store.list('Pod').items.map((p) => p.metadata.uid ?? ''))
      track(
        Promise.allSettled(removals).then(() => removeOrphanVolumes(ctx, existing)),
        'remove orphan volumes',
      )
      pods.watch(listed)
      logger.info('node agent started', { pods: workers.size, adopted: adopt.size })
    },

    async stop(stopOpts = {}) {
      const stopped = await pods.stop(stopOpts.stopPods === true)
      logger.info('node agent stopped', { stoppedPods: stopOpts.stopPods === true ? stopped : 0 })
    },
  }
}
