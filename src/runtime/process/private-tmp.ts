/**
 * @module
 * A private /tmp per container (issue 13.3): the container's processes, and its exec probes and
 * hooks, see `<containerDir>/tmp` at /tmp, in a mount namespace of their own. util-linux's
 * `unshare` execs (no process stays behind to watch), so the replica's process group and its
 * SIGTERM handling are unchanged; bubblewrap was not used because its monitor process exits at
 * once on SIGTERM while the app is still draining. Mounting needs root; elsewhere containers
 * share the machine's /tmp, as before (`privateTmpAvailable`).
 *
 * The bind would hide every path under /tmp, so what the container needs from there
 * (host-tmp-paths.ts: the data directory, the working directory, the command's and its
 * interpreter's directories) is bound into the private directory first, at the same path
 * below it, and the private directory is then bound at /tmp with those mounts (--rbind).
 * Binding before /tmp is covered means every source is still the host's.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs'
import { processUid } from '../../platform/env.ts'
import { HOST_TMP, hostTmpPaths, type HostFiles } from './host-tmp-paths.ts'

/**
 * $1: the directory to mount at /tmp; $2: how many host paths follow, each with its place in
 * that directory; then the command. A kept file (one right in /tmp) is bound onto an empty file.
 */
const WRAPPER =
  'd=$1; n=$2; shift 2; while [ "$n" -gt 0 ]; do k=$1; t=$2; shift 2; n=$((n-1)); ' +
  'if [ -d "$k" ]; then mkdir -p "$t"; else mkdir -p "$(dirname "$t")" && : >>"$t"; fi || exit 125; ' +
  'mount --rbind "$k" "$t" || exit 125; done; mount --rbind "$d" /tmp || exit 125; exec "$@"'

let available: boolean | undefined

/** Whether this machine lets the runtime give containers their own /tmp (root, and mount namespaces allowed). */
export function privateTmpAvailable(): boolean {
  available ??=
    processUid() === 0 && spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'true']).status === 0
  return available
}

/** Where the container runs from: what its command needs from the host's /tmp follows from it. */
export interface PrivateTmpContext {
  /** `<containerDir>/tmp`, mounted at /tmp. */
  tmpDir: string
  /** The data directory, kept visible where it is. */
  dataDir: string
  cwd: string
  env: Record<string, string>
}

/**
 * The argv that runs `command` with `ctx.tmpDir` at /tmp and what it needs from the host's
 * /tmp where it was, as `user` (the switch comes after the mount, which needs root).
 */
export function withPrivateTmp(
  ctx: PrivateTmpContext,
  command: readonly string[],
  user: { uid?: number; gid?: number },
): string[] {
  const keep = hostTmpPaths({ dataDir: ctx.dataDir, cwd: ctx.cwd, command, pathEnv: ctx.env.PATH }, hostFiles)
  const drop =
    user.uid === undefined && user.gid === undefined
      ? []
      : [
          'setpriv',
          ...(user.uid !== undefined ? [`--reuid=${user.uid}`] : []),
          ...(user.gid !== undefined ? [`--regid=${user.gid}`] : []),
          '--clear-groups',
          '--',
        ]
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    WRAPPER,
    'baton-tmp',
    ctx.tmpDir,
    String(keep.length),
    ...keep.flatMap((p) => [p, ctx.tmpDir + p.slice(HOST_TMP.length)]),
    ...drop,
    ...command,
  ]
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
