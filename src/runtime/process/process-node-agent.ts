/**
 * @module
 * The process runtime's node agent (Baton's kubelet): every Pod bound to this node
 * (spec.nodeName) runs as supervised processes on loopback ports; see pod-worker.ts for one
 * pod and container-supervisor.ts for one container.
 *
 * Level-triggered, with one worker per pod uid: the bookkeeping shared with the Docker
 * runtime is ../pod-workers.ts.
 *
 * Surviving the daemon: replicas are detached process groups (replica-process.ts) and every
 * pod's state is persisted (adoption.ts). start() re-adopts the replicas of pods that still
 * exist, with their restart counts, readiness and ports unchanged, and stops the replicas of
 * pods that are gone.
 *
 * Peers: the agent keeps one peers file per headless Service (peers-files.ts), how a pod with a
 * subdomain reaches its peers by stable name (`web-1.web`) without cluster DNS.
 */
import { resolve } from 'node:path'
import type { Pod } from '../../api/types.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import { LogCollector } from '../../logs/log-collector.ts'
import type { Clock } from '../../platform/clock.ts'
import { envValue } from '../../platform/env.ts'
import { randomIds, type IdSource } from '../../platform/ids.ts'
import { silentLogger, type Logger } from '../../platform/logger.ts'
import type { ObjectStore, Unsubscribe } from '../../store/types.ts'
import { handlerExecutor } from '../../probes/handler-executor.ts'
import { DEFAULT_NODE_NAME } from '../../api/node-name.ts'
import { agentRuns, PodWorkers } from '../pod-workers.ts'
import { noDrain, type DrainGate, type NodeAgent } from '../types.ts'
import { readPodStates, removePodDir, podDir, podsDir, type PodState } from './adoption.ts'
import { killShimGroups, unknownShims } from './orphan-shims.ts'
import { podEventRecorder } from '../pod-events.ts'
import { PeersFiles } from './peers-files.ts'
import { PodWorker, type AgentContext } from './pod-worker.ts'
import { DEFAULT_PORT_RANGE, PortAllocator, type PortRange } from './port-allocator.ts'
import { adoptReplica } from './replica-process.ts'
import { isolationOf } from './mount-namespace.ts'
import { killContainer } from '../termination.ts'

export interface ProcessNodeAgentOptions {
  store: ObjectStore
  clock: Clock
  ids?: IdSource
  /** The daemon's data directory; pods live under <dataDir>/pods/<uid>. */
  dataDir: string
  artifacts: ArtifactStore
  drainGate?: DrainGate
  logger?: Logger
  nodeName?: string
  /**
   * Which of the node's pods this agent runs (default: all): on a node with both runtimes, each
   * agent runs the pods whose RuntimeClass is its own (api/runtime-class.ts).
   */
  runs?: (pod: Pod) => boolean
  /** The environment every container starts from (default: the daemon's PATH, HOME and LANG). */
  baseEnv?: Record<string, string>
  /** Where pods' loopback ports come from (default 20000-29999). */
  portRange?: PortRange
}

export function createProcessNodeAgent(opts: ProcessNodeAgentOptions): NodeAgent {
  const nodeName = opts.nodeName ?? DEFAULT_NODE_NAME
  const logger = (opts.logger ?? silentLogger).with({ component: 'node-agent', node: nodeName })
  const isMine = agentRuns(nodeName, opts.runs)
  const { store, clock } = opts
  const ctx: AgentContext = {
    store,
    clock,
    logger,
    logs: new LogCollector({ clock, logger }),
    dataDir: opts.dataDir,
    artifacts: opts.artifacts,
    drainGate: opts.drainGate ?? noDrain,
    ports: new PortAllocator(opts.portRange ?? DEFAULT_PORT_RANGE, seedFrom((opts.ids ?? randomIds).uid())),
    baseEnv: opts.baseEnv ?? defaultBaseEnv(),
    event: podEventRecorder(store, clock, nodeName, logger),
  }
  const pods: PodWorkers<PodWorker> = new PodWorkers({
    store,
    clock,
    logger,
    isMine,
    create: (pod) => {
      const w = new PodWorker(ctx, pod)
      pods.track(w.start(), 'start pod')
      return w
    },
  })
  const { workers } = pods
  let unsubscribe: Unsubscribe | undefined
  const track = (p: Promise<unknown>, what: string) => pods.track(p, what)

  const adoptWorker = (pod: Pod, state: PodState) => {
    const w = new PodWorker(ctx, pod)
    w.adopt(state)
    pods.adopted(w, pod)
  }

  /** A persisted pod whose Pod object is gone: stop its processes and forget it. */
  const reapOrphan = async (state: PodState) => {
    logger.info('stopping replicas of a pod that no longer exists', { pod: `${state.namespace}/${state.name}` })
    await Promise.all(
      state.containers.map(async (c) => {
        const proc = c.process && adoptReplica(c.process, clock)
        if (!proc) return
        await killContainer({
          proc,
          graceMs: state.terminationGracePeriodSeconds * 1000,
          clock,
          executorFor: (hook) =>
            handlerExecutor(hook, { clock, resolvePort: () => undefined, cwd: opts.dataDir, env: ctx.baseEnv }),
          onPreStopFailed: () => {},
        })
      }),
    )
    for (const m of state.portMappings) ctx.ports.release(m.hostPort)
    await removePodDir(podDir(opts.dataDir, state.uid))
  }

  return {
    nodeName,

    async start() {
      if (pods.watching) return
      const listed = pods.list()
      const states = readPodStates(opts.dataDir)
      // Before anything is adopted or launched: shims a killed daemon started but never recorded.
      const recorded = new Set(states.flatMap((s) => s.containers.flatMap((c) => (c.process ? [c.process.pid] : []))))
      const orphans = unknownShims(podsDir(opts.dataDir), recorded)
      if (orphans.length > 0) logger.info('stopping replicas no pod state names', { pids: orphans })
      killShimGroups(orphans)
      for (const state of states) {
        const pod = listed.byUid.get(state.uid)
        if (pod) adoptWorker(pod, state)
        else {
          for (const m of state.portMappings) ctx.ports.reserve(m.hostPort)
          track(reapOrphan(state), 'reap orphan')
        }
      }
      pods.watch(listed)
      // A push wakes the pods waiting in ImagePullBackOff for it at once.
      const unwatchPushes = opts.artifacts.onPushed?.(() => {
        for (const w of workers.values()) w.imagePushed()
      })
      // The headless Services' peers files, which containers with a subdomain read (../peer-records.ts).
      const peers = new PeersFiles({ store, clock, dataDir: opts.dataDir, logger })
      peers.start()
      unsubscribe = () => {
        unwatchPushes?.()
        peers.stop()
      }
      const isolation = isolationOf(resolve(opts.dataDir))
      logger.info('node agent started', { pods: workers.size, isolation })
      // Said once: without it, replicas write the host's / and /tmp (docs/isolation.md).
      if (isolation !== 'root')
        logger.info(
          isolation === 'tmp'
            ? "replicas get a private /tmp but write the host's /: overlayfs refused a scratch root; volumes are refused"
            : "replicas share the host's / and /tmp: a private root and volumes need the daemon to run as root",
          { isolation },
        )
    },

    async stop(stopOpts = {}) {
      unsubscribe?.()
      unsubscribe = undefined
      const stopped = await pods.stop(stopOpts.stopPods === true)
      ctx.logs.stop()
      logger.info('node agent stopped', { stoppedPods: stopOpts.stopPods === true ? stopped : 0 })
    },
  }
}

function defaultBaseEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: envValue('PATH') ?? '/usr/local/bin:/usr/bin:/bin' }
  for (const name of ['HOME', 'LANG', 'TZ']) {
    const v = envValue(name)
    if (v !== undefined) env[name] = v
  }
  return env
}

function seedFrom(text: string): number {
  let h = 0
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0
  return h
}
