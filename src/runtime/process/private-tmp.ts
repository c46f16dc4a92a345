/**
 * @module
 * A private /tmp per container (issue 13.3): the container's processes, and its exec probes and
 * hooks, see `<containerDir>/tmp` at /tmp, in a mount namespace of their own. util-linux's
 * `unshare` execs (no process stays behind to watch), so the replica's process group and its
 * SIGTERM handling are unchanged; bubblewrap was not used because its monitor process exits at
 * once on SIGTERM while the app is still draining. Mounting needs root; elsewhere containers
 * share the machine's /tmp, as before (`privateTmpAvailable`).
 *
 * The bind hides every path under /tmp; a data directory there (tests keep theirs in
 * os.tmpdir()) is bound back at its own path, from a descriptor opened before the mount (with
 * --no-canonicalize, or mount would resolve the descriptor's path in the new /tmp).
 */
import { spawnSync } from 'node:child_process'
import { processUid } from '../../platform/env.ts'

/** $1: the directory to mount at /tmp; $2: the data directory, kept visible; then the command. */
const WRAPPER =
  'd=$1; k=$2; shift 2; exec 4<"$k" || exit 125; mount --bind "$d" /tmp || exit 125; ' +
  'case "$k" in /tmp/*) mkdir -p "$k" && mount --no-canonicalize --bind /proc/self/fd/4 "$k" || exit 125;; esac; exec 4<&-; exec "$@"'

let available: boolean | undefined

/** Whether this machine lets the runtime give containers their own /tmp (root, and mount namespaces allowed). */
export function privateTmpAvailable(): boolean {
  available ??=
    processUid() === 0 && spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'true']).status === 0
  return available
}

/**
 * The argv that runs `command` with `tmpDir` at /tmp and `dataDir` where it was, as `user` (the
 * switch comes after the mount, which needs root).
 */
export function withPrivateTmp(
  tmpDir: string,
  dataDir: string,
  command: readonly string[],
  user: { uid?: number; gid?: number },
): string[] {
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
    tmpDir,
    dataDir,
    ...drop,
    ...command,
  ]
}
