/**
 * @module
 * The composition root: the only place that builds concrete adapters and wires them.
 *
 *   SQLite store ─▶ controllers (deployment, replicaset, endpoints)
 *               ─▶ node agent: processes, or Docker containers with --runtime docker (drains through the load balancer before SIGTERM)
 *               ─▶ route syncer ─▶ load balancer process (re-adopted across restarts)
 *               ─▶ HTTP API (token) on 127.0.0.1:7070
 *
 * Start order matters on a restart after SIGKILL: the load balancer is adopted first (it kept
 * serving the last routes), then the node agent re-adopts running replicas, then the
 * controllers re-enqueue every object, and only then does the API accept writes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { openArtifactStore } from '../artifacts/artifact-store.ts'
import { startControllers, type ControllerManager } from '../controllers/manager.ts'
import { BatonError } from '../errors/baton-error.ts'
import { EventReaper } from '../events/event-reaper.ts'
import { systemClock } from '../platform/clock.ts'
import { DATA_FILES, DEFAULT_API_HOST, DEFAULT_API_PORT } from '../platform/env.ts'
import { randomIds } from '../platform/ids.ts'
import type { Logger } from '../platform/logger.ts'
import { proxyDrainGate } from '../proxy/drain-gate.ts'
import { RouteSyncer } from '../proxy/route-sync.ts'
import { ensureProxy } from '../proxy/supervise.ts'
import type { ProxyClient } from '../proxy/client.ts'
import { createDockerNodeAgent } from '../runtime/docker/docker-node-agent.ts'
import { connectEngine, pingEngine } from '../runtime/docker/engine.ts'
import { createProcessNodeAgent } from '../runtime/process/process-node-agent.ts'
import type { NodeAgent } from '../runtime/types.ts'
import { createDashboard } from '../dashboard/mount.ts'
import { createApiApp } from '../server/app.ts'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { podLogSource } from './log-source.ts'
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
  /** The node's runtime: processes (the default) or containers of the Docker engine at `dockerHost`. */
  runtime?: RuntimeName
  /** unix:///path/to/docker.sock (default: the machine's /var/run/docker.sock). */
  dockerHost?: string
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
    throw new BatonError('BATON_USAGE', `invalid argument ${JSON.stringify(chosen)} for "--runtime" flag`, { hint: `Use one of: ${RUNTIMES.join(', ')}` })
  }
  if (recorded !== undefined && recorded !== chosen) {
    throw new BatonError('BATON_USAGE', `the data directory ${dataDir} runs its pods on the ${recorded} runtime, not ${chosen}`, {
      hint: `Start it with --runtime ${recorded} (or without --runtime), or use another --data-dir for the ${chosen} runtime`,
    })
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
  const { dataDir, logger } = opts
  const clock = systemClock
  // Before anything starts: a daemon that cannot reach its engine refuses to start and leaves nothing running.
  const engine = opts.runtime === 'docker' ? connectEngine(opts.dockerHost) : undefined
  if (engine) await pingEngine(engine, opts.dockerHost)
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(join(dataDir, RUNTIME_FILE), `${opts.runtime ?? 'process'}\n`)
  const token = ensureToken(dataDir)
  const store: ObjectStore = openSqliteStore(join(dataDir, DATA_FILES.state), { clock, ids: randomIds })
  const artifacts = openArtifactStore(join(dataDir, DATA_FILES.artifacts), { clock })

  const proxy: ProxyClient = await ensureProxy(dataDir, { clock })
  const drainGate = proxyDrainGate(proxy, logger)
  // The data dir names this installation's containers: another Baton on the same engine keeps its own.
  const agent: NodeAgent = engine
    ? createDockerNodeAgent({ store, clock, engine, owner: dataDir, drainGate, logger })
    : createProcessNodeAgent({ store, clock, dataDir, artifacts, drainGate, logger })
  await agent.start()
  const routes = new RouteSyncer({
    store,
    control: proxy,
    clock,
    logger,
    ...(opts.serviceHost ? { defaultListenHost: opts.serviceHost } : {}),
  })
  routes.start()
  const controllers: ControllerManager = startControllers({
    store,
    clock,
    ids: randomIds,
    logger,
  })
  const reaper = new EventReaper({ store, clock, logger, ...(opts.eventTtlMs !== undefined ? { ttlMs: opts.eventTtlMs } : {}) })
  reaper.start()

  let resolveStopped!: () => void
  const stopped = new Promise<void>((r) => (resolveStopped = r))
  let stopping: Promise<void> | undefined
  const stop = (o: { all?: boolean } = {}): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('daemon stopping', { all: o.all === true })
      await closeServer(server)
      controllers.stop()
      reaper.stop()
      routes.stop()
      await agent.stop({ stopPods: o.all === true })
      if (o.all) await proxy.shutdown().catch((err: unknown) => logger.error('load balancer stop failed', { err }))
      proxy.close()
      store.close()
      rmSync(join(dataDir, DATA_FILES.daemon), { force: true })
      logger.info('daemon stopped', {})
      resolveStopped()
    })())

  const app = createApiApp({
    store,
    clock,
    token,
    version: BATON_VERSION,
    artifacts,
    logs: podLogSource(store, dataDir, engine ? { engine, owner: dataDir } : undefined),
    traffic: () => proxy.metrics(),
    metrics: () => controllers.metrics(),
    shutdown: (all) => void stop({ all }),
    dashboard: createDashboard({ clock }),
    logger,
  })
  const server = await listen(app.fetch, opts.host ?? DEFAULT_API_HOST, opts.port ?? DEFAULT_API_PORT)
  const addr = server.address() as AddressInfo
  const url = `http://${addr.address}:${addr.port}`
  writeFileSync(join(dataDir, DATA_FILES.daemon), JSON.stringify({ pid: process.pid, url, version: BATON_VERSION }) + '\n')
  logger.info('daemon started', { url, dataDir, pid: process.pid })
  return { url, token, stop, stopped }
}

function listen(fetch: (req: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server))
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new BatonError('BATON_INTERNAL', `the API cannot listen on ${hostname}:${port}: ${err.code ?? err.message}`, {
          hint: err.code === 'EADDRINUSE' ? 'Another daemon runs there: stop it with `baton down`, or pass --port' : undefined,
          cause: err,
        }),
      ),
    )
  })
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    // Watch streams stay open until their clients go; the daemon does not wait for them.
    ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
  })
}
