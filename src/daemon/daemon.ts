/**
 * @module
 * The composition root: the only place that builds concrete adapters and wires them.
 *
 *   SQLite store ─▶ controllers (deployment, replicaset, endpoints)
 *               ─▶ node agent: processes, or Docker containers with --runtime docker (drains
 *                  through the load balancer before SIGTERM)
 *               ─▶ route syncer ─▶ load balancer process (re-adopted across restarts,
 *                                   replaced when it exits or stops answering)
 *               ─▶ HTTPS API (token) on 127.0.0.1:7070, the dashboard also over plain HTTP there
 *                  for this machine; certificates and a kubeconfig in the data directory
 *
 * The data directory's lock comes before everything (main.ts takes it before this module
 * loads), then the store, which refuses to start on a lost state file (data-dir.ts).
 *
 * Start order matters on a restart after SIGKILL: the load balancer is adopted first (it kept
 * serving the last routes), then the node agent re-adopts running replicas, then the
 * controllers re-enqueue every object, and only then does the API accept writes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FeatureGates } from '../api/feature-gates.ts'
import type { Limits } from '../api/limits.ts'
import { nodeRuntimes, podRuntime } from '../api/runtime-class.ts'
import type { Pod } from '../api/types.ts'
import { openArtifactStore } from '../artifacts/artifact-store.ts'
import { startControllers, type ControllerManager } from '../controllers/manager.ts'
import { BatonError } from '../errors/baton-error.ts'
import { EventReaper } from '../events/event-reaper.ts'
import { systemClock } from '../platform/clock.ts'
import { TrafficFigures } from './traffic-figures.ts'
import { WebChecks } from './web-checks.ts'
import { JobOutputs } from './job-outputs.ts'
import { DATA_FILES, DEFAULT_API_HOST, DEFAULT_API_PORT } from '../platform/env.ts'
import { randomIds } from '../platform/ids.ts'
import type { Logger } from '../platform/logger.ts'
import type { ProxyClient } from '../proxy/client.ts'
import { proxyDrainGate } from './drain-gate.ts'
import { RouteSyncer } from './route-sync.ts'
import { ProxySupervisor } from '../proxy/supervisor.ts'
import { isolationOf } from '../runtime/process/mount-namespace.ts'
import { createProcessNodeAgent } from '../runtime/process/process-node-agent.ts'
import { combineNodeAgents } from '../runtime/node-agents.ts'
import type { NodeAgent } from '../runtime/types.ts'
import { createDashboard } from '../dashboard/mount.ts'
import { KINDS } from '../api/resources.ts'
import { createApiApp } from '../server/app.ts'
import { ensureNamespaces } from '../server/kube/namespace-lifecycle.ts'
import { listenApi, type ApiListener } from '../server/listener.ts'
import type { ReservedPort } from '../server/service-ports.ts'
import { backupStateFile } from '../store/sqlite/backup.ts'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { dataPlaneComponentStatus, recordDataPlaneRestart } from './data-plane-status.ts'
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts'
import { forgottenStore, secureDataDir, setStateAside, traceOfEarlierUse } from './data-dir.ts'
import { podLogSource } from './log-source.ts'
import { servicePortWarnings } from './port-probe.ts'
import { reportServiceListening } from './service-status.ts'
import { certificateHosts, ensureCertificates } from './certificates.ts'
import { clientServerUrl, writeKubeconfig } from './kubeconfig-file.ts'
import { checkInsecureHttp } from '../api/insecure-http.ts'
import { ensureToken } from './token.ts'
import { BATON_VERSION } from './version.ts'

export interface DaemonOptions {
  dataDir: string
  host?: string
  port?: number
  /** Listen host for services that do not say otherwise (default 127.0.0.1). */
  serviceHost?: string
  /** How long Events are kept after they last occur (default 1h, as kube-apiserver --event-ttl). */
  eventTtlMs?: number
  /** Bounds on replicas, pods, request bodies and artifacts (api/limits.ts defaults for any not given). */
  limits?: Partial<Limits>
  /** Kubernetes feature gates (`--feature-gates`); api/feature-gates.ts defaults when absent. */
  features?: FeatureGates
  /**
   * Start over: the state file (damaged, empty or not) is moved aside and the daemon starts
   * with an empty store, stopping the replicas it no longer knows (`baton up --reset`).
   */
  reset?: boolean
  /** The data directory's lock, when the caller took it already (main.ts); else startDaemon takes it. */
  lock?: DataDirLock
  /** The node's runtime: processes (the default) or containers of the Docker engine at `dockerHost`. */
  runtime?: RuntimeName
  /** unix:///path/to/docker.sock (default: the machine's /var/run/docker.sock). */
  dockerHost?: string
  /**
   * Serve the API over plain HTTP (`baton up --insecure-http`), loopback only. Otherwise it
   * serves HTTPS with the data directory's certificates (certificates.ts), and plain HTTP on
   * the same port only for the dashboard on this machine (server/listener.ts).
   */
  insecureHttp?: boolean
  logger: Logger
}

export const RUNTIMES = ['process', 'docker'] as const
export type RuntimeName = (typeof RUNTIMES)[number]

/** Where a data dir records its runtime: its pods run there, so a restart must not switch. */
const RUNTIME_FILE = 'runtime'

/**
 * The runtime for this start: the flag, else the one the data dir recorded, else process. A flag
 * that differs from the recorded runtime is refused: the pods in the store are that runtime's.
 */
export function resolveRuntime(dataDir: string, flag: string | undefined): RuntimeName {
  let recorded: string | undefined
  try {
    recorded = readFileSync(join(dataDir, RUNTIME_FILE), 'utf8').trim()
  } catch {
    recorded = undefined
  }
  const chosen = flag ?? recorded ?? 'process'
  if (!RUNTIMES.includes(chosen as RuntimeName)) {
    throw new BatonError('BATON_USAGE', `invalid argument ${JSON.stringify(chosen)} for "--runtime" flag`, {
      hint: `Use one of: ${RUNTIMES.join(', ')}`,
    })
  }
  if (recorded !== undefined && recorded !== chosen) {
    throw new BatonError(
      'BATON_USAGE',
      `the data directory ${dataDir} runs its pods on the ${recorded} runtime, not ${chosen}`,
      {
        hint: `Start it with --runtime ${recorded} (or without --runtime), or use another --data-dir for the ${chosen} runtime`,
      },
    )
  }
  return chosen as RuntimeName
}

export interface RunningDaemon {
  readonly url: string
  readonly token: string
  /** Stops the daemon. Replicas and the load balancer keep running unless `all`. */
  stop(opts?: { all?: boolean }): Promise<void>
  /** Resolves when the daemon has stopped (after stop(), or an API shutdown request). */
  readonly stopped: Promise<void>
}

export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const { dataDir } = opts
  checkInsecureHttp(opts.host ?? DEFAULT_API_HOST, opts.insecureHttp)
  secureDataDir(dataDir)
  // Before anything else reads or writes the directory: one daemon per data directory.
  const lock = opts.lock ?? lockDataDir(dataDir, 'start the daemon')
  try {
    return await startLocked(opts, lock)
  } catch (err) {
    lock.release()
    throw err
  }
}

async function startLocked(opts: DaemonOptions, lock: DataDirLock): Promise<RunningDaemon> {
  const { dataDir, logger } = opts
  const clock = systemClock
  // Before anything starts: a daemon that cannot reach its engine refuses to start and leaves nothing running.
  const docker = opts.runtime === 'docker' ? await dockerNode(opts.dockerHost) : undefined
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(join(dataDir, RUNTIME_FILE), `${opts.runtime ?? 'process'}\n`)
  const token = ensureToken(dataDir)
  if (opts.reset) {
    const aside = setStateAside(dataDir, clock.now())
    logger.info('starting over with an empty store (--reset)', { previousState: aside ?? 'none' })
  }
  const store: ObjectStore = openSqliteStore(join(dataDir, DATA_FILES.state), { clock, ids: randomIds })
  const traces = store.currentResourceVersion() === '0' && !opts.reset ? traceOfEarlierUse(dataDir) : []
  if (traces.length > 0) {
    store.close()
    throw forgottenStore(dataDir, traces)
  }
  const artifacts = openArtifactStore(join(dataDir, DATA_FILES.artifacts), { clock })

  // The API port first: a port that is taken fails the start before a load balancer (a
  // detached process) is started for nothing. Until the app is ready, requests get a 503.
  let ready: ((req: Request) => Response | Promise<Response>) | undefined
  const host = opts.host ?? DEFAULT_API_HOST
  const tls = opts.insecureHttp ? undefined : await ensureCertificates(dataDir, certificateHosts(host), clock.now())
  const server = await listenApi({
    fetch: (req) => (ready ? ready(req) : starting()),
    host,
    port: opts.port ?? DEFAULT_API_PORT,
    tls,
  })
  try {
    return await startServing(opts, lock, docker, server, token, tls?.ca, store, artifacts, (fetch) => (ready = fetch))
  } catch (err) {
    await server.close()
    store.close()
    throw err
  }
}

/** The Docker runtime's modules, loaded for a Docker node only (docker-node.ts), and its engine, which must answer. */
async function dockerNode(dockerHost: string | undefined) {
  const parts = await import('./docker-node.ts')
  const engine = parts.connectEngine(dockerHost)
  await parts.pingEngine(engine, dockerHost)
  return { ...parts, engine }
}

function starting(): Response {
  const e = new BatonError('BATON_DAEMON_UNREACHABLE', 'the daemon is starting', { hint: 'Retry in a moment' })
  return Response.json(e.toJSON(), { status: 503 })
}

async function startServing(
  opts: DaemonOptions,
  lock: DataDirLock,
  docker: Awaited<ReturnType<typeof dockerNode>> | undefined,
  server: ApiListener,
  token: string,
  caPem: string | undefined,
  store: ObjectStore,
  artifacts: ReturnType<typeof openArtifactStore>,
  serve: (fetch: (req: Request) => Response | Promise<Response>) => void,
): Promise<RunningDaemon> {
  const { dataDir, logger } = opts
  const clock = systemClock
  let pushTable = () => {}
  const proxy = await ProxySupervisor.start({
    dataDir,
    clock,
    logger,
    onRestart(r) {
      recordDataPlaneRestart(store, clock, r)
      // The replacement began with the table its predecessor kept; the current one goes now.
      pushTable()
    },
  })
  const drainGate = proxyDrainGate(proxy, logger)
  // The data dir names this installation's containers: another Baton on the same engine keeps its own.
  // A Docker node runs both runtimes: a pod's RuntimeClass (else the node's default) picks its agent.
  const runtimes = {
    ...nodeRuntimes(opts.runtime ?? 'process'),
    processMounts: isolationOf(resolve(dataDir)) === 'root',
  }
  const runsOn = (runtime: string) => (pod: Pod) => podRuntime(pod.spec, runtimes.default) === runtime
  const processAgent = createProcessNodeAgent({
    store,
    clock,
    dataDir,
    artifacts,
    drainGate,
    logger,
    ...(docker ? { runs: runsOn('process') } : {}),
  })
  const agent: NodeAgent = docker
    ? combineNodeAgents([
        docker.createDockerNodeAgent({
          store,
          clock,
          engine: docker.engine,
          owner: dataDir,
          volumesDir: join(dataDir, 'docker-volumes'),
          drainGate,
          logger,
          runs: runsOn('docker'),
          credentials: docker.credentialsFrom(docker.dockerConfigFile(), { clock }),
        }),
        processAgent,
      ])
    : processAgent
  await agent.start()
  const routes = new RouteSyncer({
    store,
    control: proxy,
    clock,
    logger,
    ...(opts.serviceHost ? { defaultListenHost: opts.serviceHost } : {}),
    onSynced: (table, failures) => reportServiceListening(store, clock, logger, table, failures),
  })
  routes.start()
  pushTable = () => void routes.syncNow(true)
  const traffic = new TrafficFigures(() => proxy.metrics(), clock, logger)
  traffic.start()
  const webChecks = new WebChecks()
  const logs = podLogSource(
    store,
    dataDir,
    docker && ((where, o) => docker.containerLogs(docker.engine, { owner: dataDir, ...where }, o)),
  )
  const jobOutputs = new JobOutputs(logs)
  // `default`, and a Namespace for each namespace a store from before Namespaces holds objects in.
  ensureNamespaces(store, KINDS)
  const controllers: ControllerManager = startControllers({
    store,
    clock,
    ids: randomIds,
    logger,
    ...(opts.features ? { features: opts.features } : {}),
    traffic: () => traffic.latest(),
    web: (key, check) => webChecks.take(key, check),
    jobs: (key, output) => jobOutputs.take(key, output),
  })
  const reaper = new EventReaper({
    store,
    clock,
    logger,
    ...(opts.eventTtlMs !== undefined ? { ttlMs: opts.eventTtlMs } : {}),
  })
  reaper.start()

  let resolveStopped!: () => void
  const stopped = new Promise<void>((r) => (resolveStopped = r))
  let stopping: Promise<void> | undefined
  const stop = (o: { all?: boolean } = {}): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('daemon stopping', { all: o.all === true })
      await server.close()
      controllers.stop()
      traffic.stop()
      reaper.stop()
      routes.stop()
      await agent.stop({ stopPods: o.all === true })
      await proxy
        .stop({ shutdown: o.all === true })
        .catch((err: unknown) => logger.error('load balancer stop failed', { err }))
      store.close()
      rmSync(join(dataDir, DATA_FILES.daemon), { force: true })
      rmSync(join(dataDir, DATA_FILES.pid), { force: true })
      lock.release()
      logger.info('daemon stopped', {})
      resolveStopped()
    })())

  const app = createApiApp({
    store,
    clock,
    token,
    version: BATON_VERSION,
    artifacts,
    runtimes,
    logs,
    traffic: () => proxy.metrics(),
    metrics: () => controllers.metrics(),
    components: () => [dataPlaneComponentStatus(proxy.health())],
    shutdown: (all) => void stop({ all }),
    backup: async () => {
      // Everything applied so far goes into the file first: a backup holds what was acknowledged.
      store.flush()
      const tmp = join(dataDir, `backup-${clock.now()}.db`)
      try {
        const { objects } = await backupStateFile(join(dataDir, DATA_FILES.state), tmp)
        return { bytes: readFileSync(tmp), objects }
      } finally {
        rmSync(tmp, { force: true })
      }
    },
    dashboard: createDashboard({ clock }),
    logger,
    reservedPorts: () => reservedPorts(server, proxy.client),
    portWarnings: servicePortWarnings(opts.serviceHost),
    ...(opts.serviceHost ? { serviceHost: opts.serviceHost } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  })
  serve(app.fetch)
  const addr = server.address()
  const url = clientServerUrl(server.scheme, addr.address, addr.port)
  const kubeconfig = writeKubeconfig(dataDir, { server: url, caPem, token })
  writeFileSync(
    join(dataDir, DATA_FILES.daemon),
    `${JSON.stringify({ pid: process.pid, url, version: BATON_VERSION })}\n`,
  )
  logger.info('daemon started', { url, dataDir, pid: process.pid, kubeconfig })
  return { url, token, stop, stopped }
}

/** What Baton itself listens on, which no Service may take. */
function reservedPorts(server: ApiListener, proxy: ProxyClient): ReservedPort[] {
  const api = server.address()
  const control = new URL(proxy.address)
  return [
    ...(api ? [{ host: api.address, port: api.port, holder: 'the Baton API and dashboard' }] : []),
    { host: control.hostname, port: Number(control.port), holder: "the load balancer's control API" },
  ]
}
