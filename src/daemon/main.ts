/**
 * @module
 * `node src/daemon/main.ts` — what `baton up` runs. Flags: --data-dir, --port, --host,
 * --service-host, --event-ttl, --reset, -v. Stops cleanly on SIGTERM/SIGINT (replicas and the load
 * balancer keep running, to be re-adopted), or on the API's shutdown request.
 */
import { Command } from 'commander'
import { usageError } from '../cli/command.ts'
import { parseDuration } from '../cli/duration.ts'
import { DEFAULT_API_HOST, DEFAULT_API_PORT, resolveDataDir } from '../platform/env.ts'
import { createLogger } from '../platform/logger.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { exitWithError } from './exit-with-error.ts'
import { secureDataDir } from './data-dir.ts'

const program = new Command('baton-daemon')
  .option('--data-dir <dir>', 'Data directory (default ./.baton or $BATON_HOME)')
  .option('--host <host>', 'API listen address', DEFAULT_API_HOST)
  .option('--port <port>', 'API port', String(DEFAULT_API_PORT))
  .option('--service-host <host>', 'Listen address for services (default 127.0.0.1)')
  .option('--event-ttl <duration>', 'How long to keep Events after they last occur, e.g. 30m (default 1h)')
  .option('--reset', 'Start over: move the state file aside and start with an empty store')
  .option('-v, --verbose', 'Debug logging')
  .parse()

const o = program.opts<{ dataDir?: string; host: string; port: string; serviceHost?: string; eventTtl?: string; reset?: boolean; verbose?: boolean }>()
const logger = createLogger({ debug: o.verbose === true })
// What the daemon creates in its data directory (the store, its WAL, logs, artifacts) is its
// owner's alone; data-dir.ts closes what an earlier start left open.
process.umask(0o077)
// A log line that cannot be written (daemon.log on a full disk) is lost: Node would otherwise
// end the process on the stream's 'error' event.
process.stdout.on('error', () => {})
process.stderr.on('error', () => {})

try {
  const eventTtlMs = o.eventTtl === undefined ? undefined : parseDuration(o.eventTtl, 'event-ttl')
  if (eventTtlMs === 0) throw usageError('invalid argument "0" for "--event-ttl" flag: Events need a positive TTL', 'Write a duration like 1h or 30m')
  const dataDir = resolveDataDir(o.dataDir)
  secureDataDir(dataDir)
  // The lock comes before the daemon's modules load: a second daemon refuses at once, and
  // the first holds the directory before it reads anything in it.
  const lock = lockDataDir(dataDir, 'start the daemon')
  const { startDaemon } = await import('./daemon.ts')
  const daemon = await startDaemon({
    dataDir,
    lock,
    host: o.host,
    port: Number(o.port),
    ...(o.serviceHost ? { serviceHost: o.serviceHost } : {}),
    ...(eventTtlMs !== undefined ? { eventTtlMs } : {}),
    ...(o.reset ? { reset: true } : {}),
    logger,
  })
  const onSignal = () => void daemon.stop()
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  await daemon.stopped
  process.exit(0)
} catch (err) {
  exitWithError(err)
}
