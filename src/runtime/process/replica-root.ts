/**
 * @module
 * What a replica's mount namespace is made of (mount-namespace.ts runs it), as a list of mount
 * operations computed here from plain inputs, so the layout is tested as a table:
 *
 * 1. `keep`: what the replica needs from the host's /tmp is bound into its private /tmp
 *    directory first, while every source is still the host's (host-tmp-paths.ts).
 * 2. With a scratch root: an overlay of the host's / (read-only lower layer) whose upper layer is
 *    `<containerDir>/root/upper`, mounted at `<containerDir>/root/merged`. Writes to / land in
 *    the upper layer and go with the container instance.
 * 3. The overlay shows the root file system only, so every other mount point of the host
 *    (/proc, /dev, /sys, separately mounted disks) is bound recursively at its place, and so is
 *    the data directory, where Baton itself reads what the replica writes (exit code, claims).
 *    Those binds copy the overlay's own mount point too (it is under the data directory):
 *    `detach` takes that copy away so the replica does not see its root twice. A data directory
 *    under /tmp is reached through the private /tmp instead (step 1), which holds no copy.
 * 4. The private /tmp directory at /tmp; then each read-only path (the artifact's one shared
 *    copy, which every replica of it runs from) bound read-only onto itself, since file modes do
 *    not stop a root replica; then the pod's volumes at their mountPaths.
 * 5. `pivot_root` into the merged tree (the shell script's last step).
 *
 * Without a scratch root (overlayfs unavailable), steps 2, 3 and 5 are skipped and the rest is
 * done on the host's tree in the private namespace: /tmp is private, / is the host's. Pure.
 */
import { HOST_TMP } from './host-tmp-paths.ts'

export type MountOp =
  /** Bind `source` recursively at `target`, creating the target (a directory, or an empty file). */
  | { op: 'rbind'; source: string; target: string }
  /** As rbind, then remount the bind read-only. */
  | { op: 'rbind-ro'; source: string; target: string }
  /** Mount an overlay with these options at `target`. */
  | { op: 'overlay'; options: string; target: string }
  /** Lazily unmount whatever is mounted at `target`, if anything. */
  | { op: 'detach'; target: string }

export interface VolumeBind {
  /** The host path (a directory or a file) to show at `mountPath`. */
  source: string
  mountPath: string
  readOnly: boolean
}

export interface ReplicaRootInput {
  /** `<containerDir>/root` when the replica gets a scratch root; undefined for a private /tmp only. */
  rootDir: string | undefined
  /** The directory mounted at /tmp. */
  tmpDir: string
  /** Host paths under /tmp the replica needs (host-tmp-paths.ts). */
  keepUnderTmp: readonly string[]
  /** The data directory: always the host's. */
  dataDir: string
  /** The host's mount points (mountinfo order), `/` included. */
  mountPoints: readonly string[]
  /** Host paths the replica sees but may not change (the shared artifact copy it runs from). */
  readOnly?: readonly string[]
  volumes: readonly VolumeBind[]
}

/** Where a scratch root's layers live below `rootDir`. */
export function rootLayers(rootDir: string): { upper: string; work: string; merged: string } {
  return { upper: `${rootDir}/upper`, work: `${rootDir}/work`, merged: `${rootDir}/merged` }
}

export function replicaMounts(input: ReplicaRootInput): MountOp[] {
  const ops: MountOp[] = input.keepUnderTmp.map((p) => ({
    op: 'rbind',
    source: p,
    target: input.tmpDir + p.slice(HOST_TMP.length),
  }))
  const root = input.rootDir === undefined ? undefined : rootLayers(input.rootDir)
  const inRoot = (p: string) => (root ? root.merged + p : p)
  if (root) {
    const options = `lowerdir=/,upperdir=${escapeOption(root.upper)},workdir=${escapeOption(root.work)}`
    ops.push({ op: 'overlay', options, target: root.merged })
    const others = outermost(input.mountPoints.filter((p) => p !== '/' && p !== HOST_TMP && !isUnder(p, HOST_TMP)))
    for (const p of others) ops.push({ op: 'rbind', source: p, target: inRoot(p) })
    const inTmp = input.dataDir === HOST_TMP || isUnder(input.dataDir, HOST_TMP)
    if (!inTmp && !others.some((p) => p === input.dataDir || isUnder(input.dataDir, p)))
      ops.push({ op: 'rbind', source: input.dataDir, target: inRoot(input.dataDir) })
    // Exactly one bind above holds the data directory, and with it the overlay's own mount point.
    if (!inTmp) ops.push({ op: 'detach', target: inRoot(root.merged) })
  }
  ops.push({ op: 'rbind', source: input.tmpDir, target: inRoot(HOST_TMP) })
  for (const p of input.readOnly ?? []) ops.push({ op: 'rbind-ro', source: p, target: inRoot(p) })
  for (const v of input.volumes)
    ops.push({ op: v.readOnly ? 'rbind-ro' : 'rbind', source: v.source, target: inRoot(v.mountPath) })
  return ops
}

/** The mount points in /proc/self/mountinfo's text (field 5, octal escapes decoded). */
export function mountPointsOf(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8))))
}

/** The ops as the shell script's arguments: op, then its two operands. */
export function mountArgs(ops: readonly MountOp[]): string[] {
  return ops.flatMap((o) => {
    switch (o.op) {
      case 'overlay':
        return [o.op, o.options, o.target]
      case 'detach':
        return [o.op, '', o.target]
      default:
        return [o.op, o.source, o.target]
    }
  })
}

/** Commas and backslashes separate and escape overlay options. */
function escapeOption(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`)
}

const isUnder = (p: string, dir: string) => p.startsWith(dir === '/' ? '/' : `${dir}/`)

function outermost(paths: readonly string[]): string[] {
  const unique = [...new Set(paths)]
  return unique.filter((p) => !unique.some((q) => q !== p && isUnder(p, q)))
}
