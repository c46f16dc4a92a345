/**
 * @module
 * Process environment and well-known locations. platform/ is the only place that reads
 * process.env; the daemon and the CLI ask here.
 */
import { getCompileCacheDir } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const DEFAULT_API_PORT = 7070
export const DEFAULT_API_HOST = '127.0.0.1'
export const DEFAULT_DATA_DIR = '.baton'

/** Files the daemon writes into its data directory, shared with the CLI. */
export const DATA_FILES = {
  token: 'token',
  daemon: 'daemon.json',
  pid: 'daemon.pid',
  log: 'daemon.log',
  state: 'state.db',
  artifacts: 'artifacts',
  pods: 'pods',
} as const

export function envValue(name: string): string | undefined {
  const v = process.env[name]
  return v === undefined || v === '' ? undefined : v
}

/** --data-dir, else BATON_HOME, else ./.baton (as an absolute path). */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? envValue('BATON_HOME') ?? DEFAULT_DATA_DIR)
}

export function isTty(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && envValue('CI') === undefined
}

/**
 * V8 flags for the daemon's process. Its young generation is capped at 1 MB a semi-space
 * (V8's default grows to 16 MB): the daemon allocates steadily but little (probe answers, API
 * requests, controller syncs), so a larger one only holds garbage resident. Measured on the
 * idle daemon: 7 MB less RSS. The load balancer keeps V8's default: its throughput is the
 * point there.
 */
export const DAEMON_V8_FLAGS: readonly string[] = ['--max-semi-space-size=1']

/**
 * The environment for a Node process Baton starts for itself (the daemon, the load balancer):
 * this one's, plus the V8 compile cache this process uses. With a warm cache Node loads
 * Baton's TypeScript without starting its type stripper (a WASM module whose heap stays
 * resident for the life of the process): measured on the daemon's modules, 88 MB RSS instead
 * of 114 MB. The cache is keyed by each file's content, so an edited source is stripped again,
 * never served stale. Replicas never get this environment (runtime/process builds theirs).
 */
export function childNodeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  if (getCompileCacheDir() !== undefined) env.NODE_COMPILE_CACHE = compileCacheRoot()
  return env
}

/**
 * The directory enableCompileCache() uses when given none, as Node documents it. Not
 * getCompileCacheDir(): that is the version-specific folder inside it, and a child given it
 * would nest another one and find none of this process's entries.
 */
export function compileCacheRoot(): string {
  return envValue('NODE_COMPILE_CACHE') ?? join(tmpdir(), 'node-compile-cache')
}
