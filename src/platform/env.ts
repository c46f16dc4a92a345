/**
 * @module
 * Process environment and well-known locations. platform/ is the only place that reads
 * process.env; the daemon and the CLI ask here.
 */
import { getCompileCacheDir } from 'node:module'
import { homedir, tmpdir } from 'node:os'
import { delimiter, dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DEFAULT_API_PORT = 7070
export const DEFAULT_API_HOST = '127.0.0.1'
/** The data directory of a daemon run by root, as a system service keeps its state. */
export const SYSTEM_DATA_DIR = '/var/lib/baton'

/** Files the daemon writes into its data directory, shared with the CLI. */
export const DATA_FILES = {
  token: 'token',
  daemon: 'daemon.json',
  pid: 'daemon.pid',
  lock: 'daemon.lock',
  log: 'daemon.log',
  state: 'state.db',
  artifacts: 'artifacts',
  pods: 'pods',
  /** The API's TLS (daemon/certificates.ts): the CA a client trusts and the server's certificate, each 0600. */
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  /** A kubeconfig for this daemon: server, CA and token (context "baton"), 0600. */
  kubeconfig: 'kubeconfig',
} as const

/**
 * Where Baton's own code runs from: the TypeScript sources in a checkout (`src/`, `.ts`, stripped
 * by Node), or the JavaScript that `npm pack` compiles into `lib/` for an installed package
 * (Node does not strip types under node_modules). Entry points of the processes Baton starts
 * are found through it, so both layouts start the same programs.
 */
const SELF = fileURLToPath(import.meta.url)
export const CODE_EXT = extname(SELF)
const CODE_ROOT = dirname(dirname(SELF))

/** The absolute path of a module of Baton's own, e.g. codePath('daemon/main') for the daemon. */
export function codePath(module: string): string {
  return join(CODE_ROOT, `${module}${CODE_EXT}`)
}

export function envValue(name: string): string | undefined {
  const v = process.env[name]
  return v === undefined || v === '' ? undefined : v
}

/**
 * Where state lives when neither --data-dir nor BATON_HOME names a place: one directory per
 * user, so that `baton` finds its daemon from any working directory. Root's is the system
 * one; everyone else's follows the XDG base directory rules.
 *
 * | user  | XDG_DATA_HOME | data directory               |
 * | ----- | ------------- | ---------------------------- |
 * | root  | (any)         | /var/lib/baton               |
 * | alice | unset         | ~alice/.local/share/baton    |
 * | alice | /data/alice   | /data/alice/baton            |
 */
/** This process's user id (-1 where the platform has none). */
export function processUid(): number {
  return process.getuid?.() ?? -1
}

export function defaultDataDir(
  env: (name: string) => string | undefined = envValue,
  uid: number = processUid(),
  home: string = homedir(),
): string {
  if (uid === 0) return SYSTEM_DATA_DIR
  return join(env('XDG_DATA_HOME') ?? join(home, '.local', 'share'), 'baton')
}

/**
 * The kubeconfig files kubectl would read: $KUBECONFIG's list (':'-separated, empty entries
 * skipped), else ~/.kube/config. The first is the one `baton kubeconfig --merge` writes.
 */
export function kubeconfigPaths(
  env: (name: string) => string | undefined = envValue,
  home: string = homedir(),
): string[] {
  const list = (env('KUBECONFIG') ?? '').split(delimiter).filter((p) => p !== '')
  return list.length > 0 ? list.map((p) => resolve(p)) : [join(home, '.kube', 'config')]
}

/** --data-dir, else BATON_HOME, else the user's data directory (as an absolute path). */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? envValue('BATON_HOME') ?? defaultDataDir())
}

export function isTty(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && envValue('CI') === undefined
}

/**
 * V8 flags for the daemon's process, for a small footprint both idle and under a burst:
 * - `--max-semi-space-size=1`: a 1 MB young generation semi-space (V8's default grows to
 *   16 MB). The daemon allocates steadily but little (probe answers, API requests, controller
 *   syncs), so a larger one only holds garbage resident: 7 MB less RSS idle.
 * - `--memory-saver-mode`: V8's own "keep the footprint low" mode, without
 *   --optimize-for-size's slower code. Its full GCs compact and hand freed pages back to the
 *   OS; without it, a burst (a 100 × 100 rollout) leaves the old generation fragmented and
 *   pooled pages resident, and the daemon peaks near 230 MB RSS with 40 MB live.
 * - `--heap-growing-percent=50`: the next full GC comes when the old generation has grown by
 *   half of what the last one kept (V8 picks up to 4x by itself, and at most 1.3x in
 *   memory-saver mode): without it, memory-saver mode's more frequent full GCs cost the idle
 *   daemon CPU.
 * The figures are in docs/benchmarks.md ("Control plane", "CLI and daemon"). The load
 * balancer keeps V8's defaults: its throughput is the point.
 */
export const DAEMON_V8_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--memory-saver-mode',
  '--heap-growing-percent=50',
]

/**
 * The environment for a Node process Baton starts for itself (the daemon, the load balancer):
 * this one's, plus the V8 compile cache this process uses. With a warm cache Node loads
 * Baton's TypeScript without starting its type stripper (a WASM module whose heap stays
 * resident for the life of the process; docs/benchmarks.md has the figures). The cache is keyed by each file's content, so an edited source is stripped again,
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
