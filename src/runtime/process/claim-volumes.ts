/**
 * @module
 * A StatefulSet's persistent volumes for the process runtime. Each PersistentVolumeClaim is a
 * directory, `<dataDir>/volumes/<namespace>/<claim>.<claim uid>`: it outlives every pod that
 * mounts it (pods of every revision of one ordinal share it), and a claim deleted and created
 * again under the same name gets a new, empty one, so data is never handed to a later claim.
 *
 * There is no mount namespace: a mount is a symbolic link at `mountPath` inside the
 * container's own copy of its image (rootfs), so `./data` of an app whose mountPath is
 * `/data` is the claim's directory; the absolute directory is also in the environment as
 * `BATON_VOLUME_<NAME>` (the volume's name, upper-cased, other characters as `_`).
 */
import { lstatSync, mkdirSync, readdirSync, readlinkSync, rmdirSync, symlinkSync, unlinkSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import type { Container, PersistentVolumeClaim, Pod } from '../../api/types.ts'
import { envName } from '../container-env.ts'

export interface ClaimMount {
  volume: string
  claimName: string
  mountPath: string
}

/** The container's mounts of claim volumes. */
export function claimMounts(pod: Pod, container: Container): ClaimMount[] {
  const claims = new Map<string, string>()
  for (const v of pod.spec.volumes ?? []) {
    const claimName = (v.persistentVolumeClaim as { claimName?: string } | undefined)?.claimName
    if (claimName) claims.set(v.name, claimName)
  }
  return (container.volumeMounts ?? []).flatMap((m) => {
    const claimName = claims.get(m.name)
    return claimName ? [{ volume: m.name, claimName, mountPath: m.mountPath }] : []
  })
}

export const volumeEnvName = (volume: string): string => `BATON_VOLUME_${envName(volume)}`

export function claimDir(dataDir: string, claim: PersistentVolumeClaim): string {
  const ns = claim.metadata.namespace ?? 'default'
  return join(dataDir, 'volumes', ns, `${claim.metadata.name}.${claim.metadata.uid ?? ''}`)
}

/**
 * Creates the claim's directory and links it at mountPath inside `rootfs`; an empty directory
 * the image holds there is replaced, anything else refused. Returns the directory, or why not.
 */
export function mountClaim(rootfs: string, mountPath: string, dir: string): { dir: string } | { error: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const rel = normalize(mountPath).replace(/^\/+/, '')
  if (rel === '' || rel === '.' || rel.startsWith('..'))
    return { error: `mountPath ${mountPath} is not a path inside the container` }
  const at = join(rootfs, rel)
  mkdirSync(dirname(at), { recursive: true })
  const existing = lstatOrUndefined(at)
  if (existing?.isSymbolicLink()) {
    if (readlinkSync(at) === dir) return { dir }
    unlinkSync(at)
  } else if (existing?.isDirectory() && readdirSync(at).length === 0) rmdirSync(at)
  else if (existing)
    return { error: `mountPath ${mountPath} already exists in the image and is not an empty directory` }
  symlinkSync(dir, at, 'dir')
  return { dir }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}
