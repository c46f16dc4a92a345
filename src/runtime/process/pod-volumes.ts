/**
 * @module
 * A container's volumes for the process runtime (emptyDir, hostPath, configMap, secret), as
 * host paths to bind at their mountPaths inside the replica's mount namespace
 * (mount-namespace.ts). Made on the host before each launch:
 *
 * - emptyDir: `<podDir>/volumes/empty-dir/<name>` (mode 0777), shared by the pod's containers,
 *   kept across their restarts, removed with the pod.
 * - hostPath: the host's path, checked (or created) per `type` as the kubelet does.
 * - configMap, secret: the object's keys written as files (../volume-files.ts) into
 *   `<containerDir>/volumes/<name>` at each start of the container, always mounted read-only;
 *   while it runs, `refreshProjectedVolumes` writes them again when the object changed, switching
 *   to the new set atomically (../atomic-volume-writer.ts), as the kubelet's sync does. A subPath
 *   mount keeps the file it bound at the start.
 * - subPath (or subPathExpr, expanded from the container's environment: ../mount-sub-path.ts):
 *   the real path inside the volume (../sub-path.ts), never through a symlink out of it; made
 *   when missing in an emptyDir or a hostPath, an error in a configMap or secret.
 *
 * A StatefulSet's claims are not here: claim-volumes.ts links them inside the image copy.
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isRec, type Rec } from '../../api/guards.ts'
import type { ConfigMap, Container, Pod, Secret } from '../../api/types.ts'
import type { Clock } from '../../platform/clock.ts'
import { writeVolumeAtomically } from '../atomic-volume-writer.ts'
import type { RefreshOutcome } from '../projected-refresh.ts'
import type { VolumeBind } from './replica-root.ts'
import { mountSubPath, mountsSubPath } from '../mount-sub-path.ts'
import { subPathSource } from '../sub-path.ts'
import { configMapEntries, secretEntries, volumeFiles } from '../volume-files.ts'

export interface VolumeHost {
  clock: Pick<Clock, 'now'>
  podDir: string
  containerDir: string
  configMap(namespace: string, name: string): ConfigMap | undefined
  secret(namespace: string, name: string): Secret | undefined
}

/** Whether the container mounts a volume the mount namespace provides (anything but a claim). */
export function mountsVolumes(pod: Pod, container: Container): boolean {
  const claims = new Set(
    (pod.spec.volumes ?? []).filter((v) => v.persistentVolumeClaim !== undefined).map((v) => v.name),
  )
  return (container.volumeMounts ?? []).some((m) => !claims.has(m.name))
}

/** Whether the container mounts a configMap or secret volume other than only by subPath: one that can be refreshed. */
export function mountsProjected(pod: Pod, container: Container): boolean {
  const projected = new Set(
    (pod.spec.volumes ?? []).filter((v) => isRec(v.configMap) || isRec(v.secret)).map((v) => v.name),
  )
  return (container.volumeMounts ?? []).some((m) => !mountsSubPath(m) && projected.has(m.name))
}

/** The binds of the container's volumeMounts (claims left out), or why the container cannot start. */
export function prepareVolumes(
  pod: Pod,
  container: Container,
  host: VolumeHost,
  /** The container's environment, which a subPathExpr's $(VAR)s name. */
  env: Readonly<Record<string, string>> = {},
): { binds: VolumeBind[] } | { error: string } {
  const namespace = pod.metadata.namespace ?? 'default'
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]))
  const binds: VolumeBind[] = []
  const written = new Map<string, { dir: string }>()
  for (const m of container.volumeMounts ?? []) {
    const v = volumes.get(m.name)
    if (!v || v.persistentVolumeClaim !== undefined) continue
    let dir: string
    let readOnly = m.readOnly === true
    let makeSubPath = true
    if (isRec(v.emptyDir)) {
      dir = join(host.podDir, 'volumes', 'empty-dir', v.name)
      mkdirSync(dir, { recursive: true })
      chmodSync(dir, 0o777)
    } else if (isRec(v.hostPath)) {
      const checked = hostPathSource(v.hostPath.path as string, v.hostPath.type as string | undefined)
      if ('error' in checked) return { error: `volume "${v.name}": ${checked.error}` }
      dir = checked.path
    } else if (isRec(v.configMap) || isRec(v.secret)) {
      readOnly = true
      makeSubPath = false
      const done = written.get(v.name) ?? writeProjected(v, namespace, host)
      if ('error' in done) return { error: `volume "${v.name}": ${done.error}` }
      written.set(v.name, done)
      dir = done.dir
    } else return { error: `volume "${v.name}": its source is not one the process runtime mounts` }
    const named = mountSubPath(m, env)
    const sub = 'error' in named || named.subPath === '' ? named : subPathSource(dir, named.subPath, makeSubPath)
    if ('error' in sub)
      return {
        error: `failed to prepare subPath for volumeMount "${m.name}" of container "${container.name}": ${sub.error}`,
      }
    const source = 'path' in sub ? sub.path : dir
    binds.push({ source, mountPath: m.mountPath.startsWith('/') ? m.mountPath : `/${m.mountPath}`, readOnly })
  }
  return { binds }
}

/** Writes a configMap or secret volume's files; whether they changed, or why they cannot be written. */
function writeProjected(
  v: Rec & { name: string },
  namespace: string,
  host: VolumeHost,
): { dir: string; changed: boolean } | { error: string } {
  const cm = isRec(v.configMap) ? v.configMap : undefined
  const sec = isRec(v.secret) ? v.secret : undefined
  const spec = (cm ?? sec) as Rec
  const name = (cm ? cm.name : sec?.secretName) as string
  const object = cm ? host.configMap(namespace, name) : host.secret(namespace, name)
  const entries = object ? (cm ? configMapEntries(object as ConfigMap) : secretEntries(object as Secret)) : undefined
  const projected = volumeFiles({
    kind: cm ? 'configmap' : 'secret',
    name,
    entries,
    items: spec.items as { key: string; path: string; mode?: number }[] | undefined,
    defaultMode: spec.defaultMode as number | undefined,
    optional: spec.optional as boolean | undefined,
  })
  if ('error' in projected) return projected
  const dir = projectedDir(host, v.name)
  return { dir, changed: writeVolumeAtomically(dir, projected.files, host.clock.now()) }
}

const projectedDir = (host: Pick<VolumeHost, 'containerDir'>, volume: string) =>
  join(host.containerDir, 'volumes', volume)

/**
 * Writes again the configMap and secret volumes the running container mounts (other than only
 * by subPath), each switched atomically when its object's data changed and left as it is when
 * not. A volume whose object or key went missing keeps its files, as the kubelet keeps them;
 * the errors say which. Only volumes written at the container's start are refreshed.
 */
export function refreshProjectedVolumes(pod: Pod, container: Container, host: VolumeHost): RefreshOutcome[] {
  const namespace = pod.metadata.namespace ?? 'default'
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]))
  const whole = new Set((container.volumeMounts ?? []).filter((m) => !mountsSubPath(m)).map((m) => m.name))
  const out: RefreshOutcome[] = []
  for (const name of whole) {
    const v = volumes.get(name)
    if (!v || !(isRec(v.configMap) || isRec(v.secret))) continue
    if (!existsSync(join(projectedDir(host, name), '..data'))) continue
    const done = writeProjected(v, namespace, host)
    if ('error' in done) out.push({ volume: name, error: done.error })
    else if (done.changed) out.push({ volume: name, updated: true })
  }
  return out
}

/** hostPath's `type` checks, as the kubelet makes them (DirectoryOrCreate 0755, FileOrCreate 0644). */
function hostPathSource(path: string, type: string | undefined): { path: string } | { error: string } {
  const st = statOrUndefined(path)
  const fail = (what: string) => ({ error: `hostPath type check failed: ${path} is not ${what}` })
  switch (type ?? '') {
    case '':
      return st ? { path } : { error: `hostPath ${path} does not exist (set type: DirectoryOrCreate to create it)` }
    case 'DirectoryOrCreate':
      if (!st) mkdirSync(path, { recursive: true, mode: 0o755 })
      else if (!st.isDirectory()) return fail('a directory')
      return { path }
    case 'Directory':
      return st?.isDirectory() ? { path } : fail('a directory')
    case 'FileOrCreate':
      if (!st) writeFileSync(path, '', { mode: 0o644, flag: 'a' })
      else if (!st.isFile()) return fail('a file')
      return { path }
    case 'File':
      return st?.isFile() ? { path } : fail('a file')
    case 'Socket':
      return st?.isSocket() ? { path } : fail('a socket')
    case 'CharDevice':
      return st?.isCharacterDevice() ? { path } : fail('a character device')
    case 'BlockDevice':
      return st?.isBlockDevice() ? { path } : fail('a block device')
    default:
      return { error: `hostPath type ${type} is not a hostPath type` }
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}
