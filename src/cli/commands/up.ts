/**
 * @module
 * `baton up [-d] [--port N]`: runs the daemon (src/daemon/main.ts) in the foreground with
 * this terminal's output, or detached with its output in <data-dir>/daemon.log, returning once
 * its API answers.
 */
import { parseFeatureGates } from '../../api/feature-gates.ts'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BatonError } from '../../errors/baton-error.ts'
import {
  DAEMON_V8_FLAGS,
  DATA_FILES,
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  childNodeEnv,
  codePath,
} from '../../platform/env.ts'
import { checkInsecureHttp } from '../../api/insecure-http.ts'
import { connectionClient } from '../client.ts'
import { bool, defineCommand, str, usageError } from '../command.ts'
import { normalizeServer, readDaemonInfo, resolveConnection } from '../config.ts'
import { isRunning } from '../../platform/proc-stat.ts'
import { pollUntil } from './daemon-control.ts'

/** How long `up -d` waits for the API to answer before it gives up. */
export const DAEMON_START_TIMEOUT_MS = 30_000

export interface UpOptions {
  detach: boolean
  port: number
  /** Passed through to the daemon, which parses and checks it (e.g. "1h", "30m"). */
  eventTtl?: string
  /** Passed through: the listen address of services that do not set one. */
  serviceHost?: string
  /** Passed through to the daemon, which checks them: `--max-replicas=N` and the other bounds. */
  limitArgs?: string[]
  /** Passed through: move the state file aside and start with an empty store. */
  reset?: boolean
  /** Passed through: process (default) or docker. */
  runtime?: string
  /** Checked here and passed through: `Name=bool,…` (api/feature-gates.ts). */
  featureGates?: string
  /** Passed through: plain HTTP instead of HTTPS, loopback only. */
  insecureHttp?: boolean
  /** Passed through: the API's listen address (the daemon's certificate names it). */
  host?: string
}

/** The daemon's bounds (api/limits.ts), passed through as given. */
const LIMIT_FLAGS = [
  ['maxReplicas', '--max-replicas', 'Most replicas one Deployment/ReplicaSet/StatefulSet may ask for (default 1000)'],
  ['maxPods', '--max-pods', "Most pods the node runs, as the kubelet's --max-pods (default 110)"],
  ['maxRequestBodyBytes', '--max-request-body-bytes', 'Largest API request body in bytes (default 3145728, 3 MiB)'],
  [
    'maxArtifactUploadBytes',
    '--max-artifact-upload-bytes',
    'Largest artifact upload in bytes, compressed (default 1 GiB)',
  ],
  ['maxArtifactBytes', '--max-artifact-bytes', 'Largest artifact in bytes once unpacked (default 4 GiB)'],
  [
    'maxArtifactEntries',
    '--max-artifact-entries',
    'Most files, directories and links in one artifact (default 100000)',
  ],
] as const

function lastLines(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n')
  } catch {
    return ''
  }
}

/** The daemon's last `error: …` line and its `hint: …` (src/daemon/main.ts prints them on a failed start). */
export function daemonError(logTail: string): { message: string; hint?: string } | undefined {
  const lines = logTail.split('\n')
  const at = lines.findLastIndex((l) => l.startsWith('error: '))
  if (at === -1) return undefined
  const hint = lines[at + 1]?.startsWith('hint: ') ? lines[at + 1]!.slice('hint: '.length) : undefined
  return { message: lines[at]!.slice('error: '.length), ...(hint ? { hint } : {}) }
}

async function answers(dataDir: string, address: string): Promise<boolean> {
  // The token and CA files appear when the daemon first starts: read them on every try.
  try {
    await connectionClient(resolveConnection({ dataDir, server: address })).version()
    return true
  } catch {
    return false
  }
}

export const upCommand = defineCommand<UpOptions>({
  path: ['up'],
  summary: 'Start the Baton daemon (API, controllers, load balancer, pods)',
  usage: '[-d] [--port=7070] [--data-dir=DIR] [flags]',
  examples: [
    '  baton up            # foreground, Ctrl-C stops it',
    '  baton up -d         # in the background; logs in .baton/daemon.log',
    '  baton up -d --host 0.0.0.0   # the API on every interface (HTTPS; use the kubeconfig elsewhere)',
  ].join('\n'),
  flags: [
    { flags: '-d, --detach', description: 'Run in the background (output to <data-dir>/daemon.log)' },
    { flags: '--port <port>', description: 'The API port', default: String(DEFAULT_API_PORT) },
    {
      flags: '--host <address>',
      description: `The API's listen address (default ${DEFAULT_API_HOST}); another address serves HTTPS only, its certificate naming it`,
    },
    { flags: '--event-ttl <duration>', description: 'How long Events are kept after they last occurred (default 1h)' },
    { flags: '--service-host <host>', description: 'Listen address for services that set none (default 127.0.0.1)' },
    ...LIMIT_FLAGS.map(([, flag, description]) => ({ flags: `${flag} <n>`, description })),
    {
      flags: '--reset',
      description: 'Start over: move state.db aside, start empty, stop the replicas Baton no longer knows',
    },
    {
      flags: '--runtime <name>',
      description: 'How pods run: process (default) or docker (the engine at $DOCKER_HOST)',
    },
    {
      flags: '--feature-gates <gates>',
      description: 'Kubernetes feature gates, as kube-controller-manager takes them (docs/feature-gates.md)',
    },
    {
      flags: '--insecure-http',
      description: 'Serve the API over plain HTTP instead of HTTPS (on 127.0.0.1 only; see docs/kubeconfig.md)',
    },
  ],
  complete(_args, flags) {
    const port = Number(str(flags.port) ?? DEFAULT_API_PORT)
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw usageError(`invalid --port "${String(flags.port)}"`, 'Use a port number between 1 and 65535')
    const eventTtl = str(flags.eventTtl)
    const serviceHost = str(flags.serviceHost)
    const runtime = str(flags.runtime)
    if (runtime !== undefined && runtime !== 'process' && runtime !== 'docker') {
      throw usageError(`invalid --runtime "${runtime}"`, 'Use --runtime process (the default) or --runtime docker')
    }
    const host = str(flags.host)
    if (host !== undefined && host.trim() === '')
      throw usageError('--host is empty', 'e.g. --host 0.0.0.0 (every interface) or --host 192.168.1.5')
    // Refused here, before a daemon is started only to exit on it.
    checkInsecureHttp(host ?? DEFAULT_API_HOST, bool(flags.insecureHttp))
    const featureGates = str(flags.featureGates)
    // Refused here, before a daemon is started only to exit on it.
    if (featureGates !== undefined) parseFeatureGates(featureGates)
    const limitArgs = LIMIT_FLAGS.flatMap(([key, flag]) => {
      const v = str(flags[key])
      if (v === undefined) return []
      const n = Number(v)
      if (!Number.isSafeInteger(n) || n < 1)
        throw usageError(`invalid argument "${v}" for "${flag}" flag: must be a positive integer`, `e.g. ${flag}=1000`)
      return [flag, v]
    })
    return {
      detach: bool(flags.detach),
      port,
      ...(eventTtl ? { eventTtl } : {}),
      ...(serviceHost ? { serviceHost } : {}),
      ...(limitArgs.length > 0 ? { limitArgs } : {}),
      ...(bool(flags.reset) ? { reset: true } : {}),
      ...(runtime ? { runtime } : {}),
      ...(featureGates !== undefined ? { featureGates } : {}),
      ...(bool(flags.insecureHttp) ? { insecureHttp: true } : {}),
      ...(host !== undefined ? { host } : {}),
    }
  },
  async run(o, ctx) {
    const { dataDir } = ctx.connection()
    const running = readDaemonInfo(dataDir)
    if (running && isRunning(running.pid)) {
      ctx.io.out.write(`baton daemon already running (pid ${running.pid}) on ${normalizeServer(running.address)}\n`)
      return 0
    }
    const entry = codePath('daemon/main')
    if (!existsSync(entry)) {
      throw new BatonError('BATON_INTERNAL', `the daemon entry point ${entry} is missing`, {
        hint: 'Reinstall Baton; the CLI runs the daemon from its own source tree',
      })
    }
    const args = [...DAEMON_V8_FLAGS, entry, '--data-dir', dataDir, '--port', String(o.port)]
    if (o.eventTtl) args.push('--event-ttl', o.eventTtl)
    if (o.serviceHost) args.push('--service-host', o.serviceHost)
    args.push(...(o.limitArgs ?? []))
    if (o.reset) args.push('--reset')
    if (o.runtime) args.push('--runtime', o.runtime)
    if (o.featureGates !== undefined) args.push('--feature-gates', o.featureGates)
    if (o.insecureHttp) args.push('--insecure-http')
    if (o.host !== undefined) args.push('--host', o.host)
    if (!o.detach) {
      const child = spawn(process.execPath, args, { stdio: 'inherit', env: childNodeEnv() })
      const forward = () => child.kill('SIGINT')
      ctx.signal.addEventListener('abort', forward, { once: true })
      const code = await new Promise<number>((resolve) => child.once('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1))))
      ctx.signal.removeEventListener('abort', forward)
      // Ctrl-C is how a foreground daemon is meant to stop.
      return ctx.signal.aborted ? 0 : code
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const logFile = join(dataDir, DATA_FILES.log)
    const fd = openSync(logFile, 'a', 0o600)
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd], env: childNodeEnv() })
    closeSync(fd)
    let exited: number | null | undefined
    child.once('exit', (code) => (exited = code))
    child.unref()
    const host = o.host ?? DEFAULT_API_HOST
    const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${o.port}`
    const ok = await pollUntil(ctx.clock, DAEMON_START_TIMEOUT_MS, 200, async () => {
      if (exited !== undefined) return false
      // Only once our daemon has written daemon.json (it listens by then): whatever else holds
      // the port may accept and never answer.
      const info = readDaemonInfo(dataDir)
      if (!info || info.pid !== child.pid) return undefined
      return (await answers(dataDir, info.address)) ? true : undefined
    })
    if (ok !== true) {
      if (exited === undefined && child.pid) process.kill(child.pid, 'SIGTERM')
      const said = exited !== undefined ? daemonError(lastLines(logFile, 20)) : undefined
      if (said) {
        throw new BatonError('BATON_DAEMON_UNREACHABLE', `the daemon could not start: ${said.message}`, {
          hint: `${said.hint ? `${said.hint}\n` : ''}full log: ${logFile}`,
        })
      }
      throw new BatonError(
        'BATON_DAEMON_UNREACHABLE',
        exited !== undefined
          ? `the daemon exited during start (code ${exited})`
          : `the daemon did not answer within ${DAEMON_START_TIMEOUT_MS / 1000}s`,
        { hint: `its log ends with:\n${lastLines(logFile, 10) || '(empty)'}\nfull log: ${logFile}` },
      )
    }
    const info = readDaemonInfo(dataDir)
    ctx.io.out.write(`baton daemon started (pid ${child.pid}) on ${normalizeServer(info?.address ?? address)}\n`)
    return 0
  },
})
