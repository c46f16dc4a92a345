/**
 * @module
 * A replica's own mount namespace (issue 13.3): where the daemon runs as root, each container
 * instance starts in a mount namespace of its own (util-linux `unshare`) with a private /tmp
 * and, where overlayfs allows it, a scratch root: an overlay of the host's / whose writes land
 * in `<containerDir>/root/upper` and go with the instance (replica-root.ts lays it out). The
 * pod's volumes are bound at their mountPaths there. Exec probes and exec hooks enter that same
 * namespace (`nsenter --mount` into the replica's shim), so they see the files the app wrote.
 *
 * `unshare` execs, and so does the script it runs (no process stays behind to watch), so the
 * replica's process group and its SIGTERM handling are unchanged; bubblewrap was not used
 * because its monitor process exits at once on SIGTERM while the app is still draining.
 * Elsewhere (not root, no mount namespaces) containers share the machine's / and /tmp, as
 * before (`isolationOf`); docs/isolation.md says what each level isolates.
 */
import { spawnSync } from 'node:child_process'
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs'
import { processUid } from '../../platform/env.ts'
import { hostTmpPaths, type HostFiles } from './host-tmp-paths.ts'
import { mountArgs, mountPointsOf, replicaMounts, rootLayers, type VolumeBind } from './replica-root.ts'

/**
 * What the node gives a container: `root` a scratch root and a private /tmp, `tmp` a private
 * /tmp only (overlayfs refused), `none` the host's / and /tmp (not root).
 */
export type Isolation = 'root' | 'tmp' | 'none'

const TOOL_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

/**
 * $1: the root to pivot into ('' for none); $2: the working directory; then mount operations
 * (replica-root.ts: op, source, target) up to `--`; then the command. Mount targets are made
 * first: a directory for a directory, an empty file for a file. Each external command costs a
 * fork and an exec, so the script runs none it can do without. The tools are found on a fixed
 * PATH; the command gets the PATH it was given.
 */
const WRAPPER = [
  `r=$1; w=$2; shift 2; p=\${PATH-}; PATH=${TOOL_PATH}`,
  'while [ "$1" != -- ]; do o=$1; s=$2; t=$3; shift 3; case $o in',
  ' overlay) mount -t overlay baton-root -o "$s" "$t" ;;',
  ' detach) umount -l "$t" ;;',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  ' *) if [ -d "$s" ]; then [ -d "$t" ] || mkdir -p "$t"; else d=${t%/*}; [ -d "$d/" ] || mkdir -p "$d/"; [ -e "$t" ] || : >>"$t"; fi &&',
  '   mount --rbind "$s" "$t" && { [ "$o" != rbind-ro ] || mount -o remount,bind,ro "$t"; } ;;',
  'esac || exit 125; done; shift',
  'if [ -n "$r" ]; then cd "$r" && pivot_root . . && umount -l . || exit 125; fi',
  'cd "$w" || exit 125',
  'if [ -n "$p" ]; then PATH=$p; else unset PATH; fi',
  'exec "$@"',
].join('\n')

/** Enters a running replica's mount namespace: $1 is the working directory, then the command. */
const ENTER = 'cd "$1" || exit 125; shift; exec "$@"'

const isolation = new Map<string, Isolation>()

/**
 * What this machine lets the runtime give containers whose data directory is `dataDir`: a
 * scratch root needs root, mount namespaces, and overlayfs accepting an upper layer there.
 * Found once per data directory by mounting one in a throwaway namespace.
 */
export function isolationOf(dataDir: string): Isolation {
  let level = isolation.get(dataDir)
  if (level === undefined) {
    level = probeIsolation(dataDir)
    isolation.set(dataDir, level)
  }
  return level
}

function probeIsolation(dataDir: string): Isolation {
  if (processUid() !== 0 || !tool('unshare') || !tool('nsenter')) return 'none'
  if (spawnSync(tool('unshare') as string, ['--mount', '--propagation', 'private', '--', 'true']).status !== 0)
    return 'none'
  mkdirSync(dataDir, { recursive: true })
  const trial = mkdtempSync(`${dataDir}/.isolation-check-`)
  try {
    freshRoot(`${trial}/root`)
    ensureTmpDir(`${trial}/tmp`)
    const argv = launchArgv(
      { rootDir: `${trial}/root`, tmpDir: `${trial}/tmp`, dataDir, cwd: '/', env: {}, volumes: [] },
      ['/bin/sh', '-c', 'test -d /proc/self && : > /baton-isolation-check'],
      {},
    )
    const ok = spawnSync(argv[0] as string, argv.slice(1), { env: {} }).status === 0
    return ok && existsSync(`${rootLayers(`${trial}/root`).upper}/baton-isolation-check`) ? 'root' : 'tmp'
  } finally {
    rmSync(trial, { recursive: true, force: true })
  }
}

/** Where a container instance runs from, and what its namespace holds. */
export interface NamespaceContext {
  /** `<containerDir>/root` for a scratch root; undefined for a private /tmp only. */
  rootDir: string | undefined
  /** `<containerDir>/tmp`, mounted at /tmp. */
  tmpDir: string
  /** The data directory, kept as the host's. */
  dataDir: string
  cwd: string
  env: Record<string, string>
  /** Paths shown read-only (replica-root.ts, step 4). */
  readOnly?: readonly string[]
  volumes: readonly VolumeBind[]
}

/** Makes a scratch root's layers, empty: each container instance starts from the host's /. */
export function freshRoot(rootDir: string): void {
  rmSync(rootDir, { recursive: true, force: true })
  const layers = rootLayers(rootDir)
  for (const dir of [layers.upper, layers.work, layers.merged]) mkdirSync(dir, { recursive: true, mode: 0o755 })
}

/** Makes the private /tmp directory on first use (kept across the pod's restarts). */
export function ensureTmpDir(tmpDir: string): void {
  if (existsSync(tmpDir)) return
  mkdirSync(tmpDir, { recursive: true })
  chmodSync(tmpDir, 0o1777)
}

/** The argv that starts `command` in a new mount namespace laid out by `ctx`, as `user` (switched after the mounts). */
export function launchArgv(
  ctx: NamespaceContext,
  command: readonly string[],
  user: { uid?: number; gid?: number },
): string[] {
  const keepUnderTmp = hostTmpPaths({ dataDir: ctx.dataDir, cwd: ctx.cwd, command, pathEnv: ctx.env.PATH }, hostFiles)
  const mountPoints = ctx.rootDir === undefined ? [] : mountPointsOf(readFileSync('/proc/self/mountinfo', 'utf8'))
  const ops = replicaMounts({ ...ctx, keepUnderTmp, mountPoints })
  const merged = ctx.rootDir === undefined ? '' : rootLayers(ctx.rootDir).merged
  return [
    tool('unshare') as string,
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    WRAPPER,
    'baton-ns',
    merged,
    ctx.cwd,
    ...mountArgs(ops),
    '--',
    ...dropTo(user),
    ...command,
  ]
}

/**
 * The argv that runs `command` inside the mount namespace of the running replica whose shim is
 * `pid`, in `cwd`, as `user`; one that fails saying so when no instance runs.
 */
export function enterArgv(
  pid: number | undefined,
  cwd: string,
  command: readonly string[],
  user: { uid?: number; gid?: number },
): string[] {
  if (pid === undefined) return ['/bin/sh', '-c', 'echo "container is not running" >&2; exit 1']
  return [
    tool('nsenter') as string,
    `--target=${pid}`,
    '--mount',
    '--',
    '/bin/sh',
    '-c',
    ENTER,
    'baton-exec',
    cwd,
    ...dropTo(user),
    ...command,
  ]
}

/**
 * Where the launch of `pid` is: `pending` while it still sets its namespace up, `done` once it
 * runs the shim (its argv[2] is `shimScript`), `gone` when it exited. Exec probes and hooks may
 * enter the namespace only once it is done, or they would act on the host's files.
 */
export function setUpState(pid: number, shimScript: string): 'pending' | 'done' | 'gone' {
  let argv: string[]
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
  } catch {
    return 'gone'
  }
  // An empty command line: a process between two execs, or a zombie not yet reaped.
  return argv[2] === shimScript ? 'done' : 'pending'
}

function dropTo(user: { uid?: number; gid?: number }): string[] {
  if (user.uid === undefined && user.gid === undefined) return []
  return [
    tool('setpriv') ?? 'setpriv',
    ...(user.uid !== undefined ? [`--reuid=${user.uid}`] : []),
    ...(user.gid !== undefined ? [`--regid=${user.gid}`] : []),
    '--clear-groups',
    '--',
  ]
}

const tools = new Map<string, string | undefined>()

/** An util-linux tool's absolute path: the replica's PATH is the user's, not the tools'. */
function tool(name: string): string | undefined {
  if (!tools.has(name))
    tools.set(
      name,
      TOOL_PATH.split(':')
        .map((d) => `${d}/${name}`)
        .find((p) => hostFiles.isExecutable(p)),
    )
  return tools.get(name)
}

const hostFiles: HostFiles = {
  realpath(path) {
    try {
      return realpathSync(path)
    } catch {
      return undefined
    }
  },
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK)
      return statSync(path).isFile()
    } catch {
      return false
    }
  },
  shebang(path) {
    let fd: number | undefined
    try {
      fd = openSync(path, 'r')
      const head = Buffer.alloc(256)
      const line =
        head
          .subarray(0, readSync(fd, head, 0, head.length, 0))
          .toString('latin1')
          .split('\n')[0] ?? ''
      if (!line.startsWith('#!')) return undefined
      return line.slice(2).trim().split(/\s+/).filter(Boolean)
    } catch {
      return undefined
    } finally {
      if (fd !== undefined) closeSync(fd)
    }
  },
}
