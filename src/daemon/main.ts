/**
 * @module
 * `node src/daemon/main.ts` — what `baton up` runs. Flags: --data-dir, --port, --host,
 * --service-host, --event-ttl, --runtime process|docker (docker: the engine at $DOCKER_HOST), -v. Stops cleanly on SIGTERM/SIGINT (replicas and the load
 * balancer keep running, to be re-adopted), or on the API's shutdown request.
 */
import { Command } from 'commander'
import { BatonError } from '../errors/baton-error.ts'
import { parseDuration } from '../api/go-duration.ts'
import { isBatonError } from '../errors/baton-error.ts'
import { DEFAULT_API_HOST, DEFAULT_API_PORT, envValue, resolveDataDir } from '../platform/env.ts'
import { createLogger } from '../platform/logger.ts'
import { resolveRuntime, startDaemon } from './daemon.ts'

const program = new Command('baton-daemon')
  .option('--data-dir <dir>', 'Data directory (default $BATON_HOME, else /var/lib/baton for root, else $XDG_DATA_HOME/baton or ~/.local/share/baton)')
  .option('--host <host>', 'API listen address', DEFAULT_API_HOST)
  .option('--port <port>', 'API port', String(DEFAULT_API_PORT))
  .option('--service-host <host>', 'Listen address for services (default 127.0.0.1)')
  .option('--event-ttl <duration>', 'How long to keep Events after they last occur, e.g. 30m (default 1h)')
  .option('--runtime <name>', 'How pods run: process or docker (the engine at $DOCKER_HOST); default: what the data dir ran last, else process')
  .option('-v, --verbose', 'Debug logging')
  .parse()

const o = program.opts<{ dataDir?: string; host: string; port: string; serviceHost?: string; eventTtl?: string; runtime?: string; verbose?: boolean }>()
const logger = createLogger({ debug: o.verbose === true })

try {
  const eventTtlMs = o.eventTtl === undefined ? undefined : parseDuration(o.eventTtl, 'event-ttl')
  if (eventTtlMs === 0) throw new BatonError('BATON_USAGE', 'invalid argument "0" for "--event-ttl" flag: Events need a positive TTL', { hint: 'Write a duration like 1h or 30m' })
  const dataDir = resolveDataDir(o.dataDir)
  const runtime = resolveRuntime(dataDir, o.runtime)
  const dockerHost = envValue('DOCKER_HOST')
  const daemon = await startDaemon({
    runtime,
    ...(dockerHost ? { dockerHost } : {}),
    dataDir,
    host: o.host,
    port: Number(o.port),
    ...(o.serviceHost ? { serviceHost: o.serviceHost } : {}),
    ...(eventTtlMs !== undefined ? { eventTtlMs } : {}),
    logger,
  })
  const onSignal = () => void daemon.stop()
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  await daemon.stopped
  process.exit(0)
} catch (err) {
  const e = err as Error
  process.stderr.write(`error: ${e.message}\n`)
  if (isBatonError(err) && err.hint) process.stderr.write(`hint: ${err.hint}\n`)
  process.exit(1)
}
