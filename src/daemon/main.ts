/**
 * @module
 * `node src/daemon/main.ts` — what `baton up` runs. Flags: --data-dir, --port, --host,
 * --service-host, --event-ttl, --reset, --runtime process|docker (docker: the engine at
 * $DOCKER_HOST), the bounds of api/limits.ts (--max-replicas, --max-pods,
 * --max-request-body-bytes, --max-artifact-upload-bytes, --max-artifact-bytes,
 * --max-artifact-entries), --feature-gates (api/feature-gates.ts), --insecure-http (plain HTTP, loopback only), -v. Stops
 * cleanly on SIGTERM/SIGINT (replicas and the load
 * balancer keep running, to be re-adopted), or on the API's shutdown request.
 */
import { Command } from 'commander'
import { BatonError } from '../errors/baton-error.ts'
import { parseDuration } from '../api/go-duration.ts'
import { parseFeatureGates } from '../api/feature-gates.ts'
import { DEFAULT_LIMITS, type Limits } from '../api/limits.ts'
import { DEFAULT_API_HOST, DEFAULT_API_PORT, envValue, resolveDataDir } from '../platform/env.ts'
import { createLogger } from '../platform/logger.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { exitWithError } from './exit-with-error.ts'
import { checkInsecureHttp } from '../api/insecure-http.ts'
import { secureDataDir } from './data-dir.ts'

const program = new Command('baton-daemon')
  .option(
    '--data-dir <dir>',
    'Data directory (default $BATON_HOME, else /var/lib/baton for root, else $XDG_DATA_HOME/baton or ~/.local/share/baton)',
  )
  .option('--host <host>', 'API listen address', DEFAULT_API_HOST)
  .option('--port <port>', 'API port', String(DEFAULT_API_PORT))
  .option('--service-host <host>', 'Listen address for services (default 127.0.0.1)')
  .option('--event-ttl <duration>', 'How long to keep Events after they last occur, e.g. 30m (default 1h)')
  .option('--max-replicas <n>', `Most replicas one workload may ask for (default ${DEFAULT_LIMITS.maxReplicas})`)
  .option('--max-pods <n>', `Most pods the node runs, as the kubelet's --max-pods (default ${DEFAULT_LIMITS.maxPods})`)
  .option('--max-request-body-bytes <n>', `Largest API request body (default ${DEFAULT_LIMITS.maxRequestBodyBytes})`)
  .option(
    '--max-artifact-upload-bytes <n>',
    `Largest artifact upload, compressed (default ${DEFAULT_LIMITS.maxArtifactUploadBytes})`,
  )
  .option('--max-artifact-bytes <n>', `Largest artifact once unpacked (default ${DEFAULT_LIMITS.maxArtifactBytes})`)
  .option(
    '--max-artifact-entries <n>',
    `Most files, directories and links in one artifact (default ${DEFAULT_LIMITS.maxArtifactEntries})`,
  )
  .option('--feature-gates <gates>', 'Kubernetes feature gates, e.g. DeploymentReplicaSetTerminatingReplicas=false')
  .option('--reset', 'Start over: move the state file aside and start with an empty store')
  .option(
    '--runtime <name>',
    'How pods run: process or docker (the engine at $DOCKER_HOST); default: what the data dir ran last, else process',
  )
  .option('--insecure-http', 'Serve the API over plain HTTP instead of HTTPS (loopback --host only)')
  .option('-v, --verbose', 'Debug logging')
  .parse()

const o = program.opts<
  {
    dataDir?: string
    host: string
    port: string
    serviceHost?: string
    eventTtl?: string
    reset?: boolean
    insecureHttp?: boolean
    runtime?: string
    featureGates?: string
    verbose?: boolean
  } & Partial<Record<keyof Limits, string>>
>()
const logger = createLogger({ debug: o.verbose === true })
// What the daemon creates in its data directory (the store, its WAL, logs, artifacts) is its
// owner's alone; data-dir.ts closes what an earlier start left open.
process.umask(0o077)
// A log line that cannot be written (daemon.log on a full disk) is lost: Node would otherwise
// end the process on the stream's 'error' event.
process.stdout.on('error', () => {})
process.stderr.on('error', () => {})

/** The limit flags given, each a positive integer. */
function limitFlags(): Partial<Limits> {
  const out: Partial<Limits> = {}
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const v = o[key]
    if (v === undefined) continue
    const n = Number(v)
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new BatonError('BATON_USAGE', `invalid argument "${v}" for "${flag}" flag: must be a positive integer`, {
        hint: `e.g. ${flag}=${DEFAULT_LIMITS[key]}`,
      })
    }
    out[key] = n
  }
  return out
}

try {
  const limits = limitFlags()
  const features = o.featureGates === undefined ? undefined : parseFeatureGates(o.featureGates)
  const eventTtlMs = o.eventTtl === undefined ? undefined : parseDuration(o.eventTtl, 'event-ttl')
  if (eventTtlMs === 0)
    throw new BatonError('BATON_USAGE', 'invalid argument "0" for "--event-ttl" flag: Events need a positive TTL', {
      hint: 'Write a duration like 1h or 30m',
    })
  const dataDir = resolveDataDir(o.dataDir)
  checkInsecureHttp(o.host, o.insecureHttp)
  secureDataDir(dataDir)
  // The lock comes before the daemon's modules load: a second daemon refuses at once, and
  // the first holds the directory before it reads anything in it.
  const lock = lockDataDir(dataDir, 'start the daemon')
  const { resolveRuntime, startDaemon } = await import('./daemon.ts')
  const runtime = resolveRuntime(dataDir, o.runtime)
  const dockerHost = envValue('DOCKER_HOST')
  const daemon = await startDaemon({
    runtime,
    ...(dockerHost ? { dockerHost } : {}),
    dataDir,
    lock,
    host: o.host,
    port: Number(o.port),
    ...(o.serviceHost ? { serviceHost: o.serviceHost } : {}),
    ...(eventTtlMs !== undefined ? { eventTtlMs } : {}),
    limits,
    ...(features ? { features } : {}),
    ...(o.reset ? { reset: true } : {}),
    ...(o.insecureHttp ? { insecureHttp: true } : {}),
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
