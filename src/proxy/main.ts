/**
 * @module
 * The load balancer process: `node src/proxy/main.ts --data-dir DIR [options]`.
 *
 * It is the data plane, and it outlives the control plane: the daemon starts it detached
 * (proxy/supervise.ts), finds it again after its own restart through DIR/proxy.json
 * ({pid, controlAddress}) and DIR/proxy.token (0600), and pushes it the full route table.
 * Meanwhile the proxy keeps serving the last table it got. With --workers N (default: 2 when
 * the machine has 2 cores) the traffic runs in N worker processes (proxy/cluster.ts); this
 * process keeps the table and the control API.
 *
 * Every table it is given is kept in DIR/proxy-routes.json; a proxy started without --routes
 * begins with that file's table, and names itself in proxy.json only once its workers listen
 * on it: the workers of a proxy that died hand over to it then (proxy/hand-over.ts).
 *
 * Options: --workers N, --policy least-outstanding|round-robin, --routes FILE (initial table,
 * JSON {routes}), --control-port P (default: any free port), and the timeouts
 * --connect-timeout-ms, --endpoint-wait-ms, --response-timeout-ms, --client-idle-timeout-ms,
 * --upstream-idle-timeout-ms (defaults in proxy/defaults.ts); --orphan-max-wait-ms bounds how
 * long workers whose main process died serve without a replacement.
 * */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { serve } from '@hono/node-server'
import { systemClock } from '../platform/clock.ts'
import { codePath } from '../platform/env.ts'
import { randomToken } from '../platform/ids.ts'
import { createLogger } from '../platform/logger.ts'
import { clusterPlane } from './cluster.ts'
import { controlApi } from './control-api.ts'
import { DataPlane } from './data-plane.ts'
import type { BalancePolicy, ProxyTimeouts } from './defaults.ts'
import { localPlane, type Plane } from './plane.ts'
import {
  readProxyFiles,
  readRouteTable,
  removeProxyFiles,
  removeRouteTable,
  writeProxyFiles,
  writeRouteTable,
} from './proxy-files.ts'
import { parseRouteTable } from './route-schema.ts'
import { enableRequestMigration } from './request-migration.ts'

const logger = createLogger({}, { component: 'proxy', pid: process.pid })
const DEFAULT_OWNERSHIP_CHECK_MS = 5_000

await runPrimary(process.argv.slice(2))

async function runPrimary(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      workers: { type: 'string' },
      policy: { type: 'string' },
      routes: { type: 'string' },
      'control-port': { type: 'string' },
      'connect-timeout-ms': { type: 'string' },
      'endpoint-wait-ms': { type: 'string' },
      'response-timeout-ms': { type: 'string' },
      'client-idle-timeout-ms': { type: 'string' },
      'upstream-idle-timeout-ms': { type: 'string' },
      'ownership-check-ms': { type: 'string' },
      'orphan-max-wait-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  const usage = 'usage: main.ts --data-dir DIR [--workers N] [--routes FILE] [--policy P]'
  if (values.help) {
    process.stdout.write(`${usage}\n`)
    return
  }
  const dataDir = values['data-dir']
  if (!dataDir) {
    logger.error(usage)
    process.exit(2)
  }
  const timeouts: Partial<ProxyTimeouts> = {}
  const num = (flag: keyof typeof values, key: keyof ProxyTimeouts) => {
    const v = values[flag]
    if (typeof v === 'string') timeouts[key] = Number(v)
  }
  num('connect-timeout-ms', 'connectTimeoutMs')
  num('endpoint-wait-ms', 'endpointWaitMs')
  num('response-timeout-ms', 'responseTimeoutMs')
  num('client-idle-timeout-ms', 'clientIdleTimeoutMs')
  num('upstream-idle-timeout-ms', 'upstreamIdleTimeoutMs')
  const policy = (values.policy ?? 'least-outstanding') as BalancePolicy
  if (policy !== 'least-outstanding' && policy !== 'round-robin') {
    logger.error('unknown --policy', { policy })
    process.exit(2)
  }
  const migration = enableRequestMigration()
  if (migration.state === 'off') logger.info('a hand-over may reset connections queued on the old listeners', migration)
  else if (migration.changed) logger.info('set net.ipv4.tcp_migrate_req=1: a closing listener hands its queue on')
  const workers = values.workers !== undefined ? Number(values.workers) : Math.min(2, availableParallelism())
  const orphanMaxWait = values['orphan-max-wait-ms']
  const plane: Plane = keptTable(
    dataDir,
    workers > 0
      ? clusterPlane({
          workers,
          // codePath: worker.ts in a checkout, the compiled worker.js in an installed package.
          exec: codePath('proxy/worker'),
          dataDir,
          ...(orphanMaxWait !== undefined ? { workerArgs: ['--orphan-max-wait-ms', orphanMaxWait] } : {}),
          options: { timeouts, policy },
          logger,
        })
      : localPlane(new DataPlane({ timeouts, policy, logger })),
  )

  const initial = values.routes ? JSON.parse(readFileSync(values.routes, 'utf8')) : readRouteTable(dataDir)
  if (initial !== undefined) {
    const failures = await plane.setRoutes(parseRouteTable(initial))
    for (const f of failures) logger.error('cannot listen', { ...f })
  }

  const token = randomToken()
  let stopping = false
  const shutdown = async () => {
    if (stopping) return
    stopping = true
    logger.info('proxy stopping')
    // A proxy stopped on purpose leaves no table for the next one to start from.
    if (readProxyFiles(dataDir)?.info.pid === process.pid) removeRouteTable(dataDir)
    removeProxyFiles(dataDir, process.pid)
    server.close()
    await plane.close()
    process.exit(0)
  }
  const app = controlApi({ plane, token, now: () => systemClock.now(), onShutdown: () => void shutdown() })
  const server = serve(
    { fetch: app.fetch, hostname: '127.0.0.1', port: Number(values['control-port'] ?? 0) },
    (info) => {
      const controlAddress = `http://127.0.0.1:${info.port}`
      writeProxyFiles(dataDir, { pid: process.pid, controlAddress, startedAtMs: systemClock.now(), workers }, token)
      logger.info('proxy ready', { controlAddress, workers, policy })
    },
  )
  watchOwnership(dataDir, Number(values['ownership-check-ms'] ?? DEFAULT_OWNERSHIP_CHECK_MS), () => void shutdown())
  process.on('SIGTERM', () => void shutdown())
  process.on('SIGINT', () => void shutdown())
  // Detached from the daemon's terminal: a hang-up there must not stop the data plane.
  process.on('SIGHUP', () => {})
}

/**
 * A proxy whose data directory was removed, or that another proxy replaced in proxy.json,
 * can never be found again by a daemon: it would hold its ports forever. It exits after two
 * checks in a row (--ownership-check-ms apart, default 5 s) say so.
 */
function watchOwnership(dataDir: string, everyMs: number, exit: () => void): void {
  let strikes = 0
  const check = () => {
    const files = readProxyFiles(dataDir)
    strikes = files?.info.pid === process.pid ? 0 : strikes + 1
    if (strikes >= 2) {
      logger.info('proxy no longer named by its data directory; exiting', { dataDir })
      exit()
      return
    }
    systemClock.setTimeout(check, everyMs)
  }
  systemClock.setTimeout(check, everyMs)
}

/** The plane, with every table it accepts written to DIR/proxy-routes.json (when it changed). */
function keptTable(dataDir: string, plane: Plane): Plane {
  let written = ''
  return {
    ...plane,
    async setRoutes(routes) {
      const failures = await plane.setRoutes(routes)
      const text = JSON.stringify(routes)
      if (text !== written) {
        writeRouteTable(dataDir, { routes })
        written = text
      }
      return failures
    },
  }
}
