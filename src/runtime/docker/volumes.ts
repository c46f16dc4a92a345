/**
 * @module
 * A pod's volumes on the Docker runtime, made ready before each container instance is created
 * and mounted at each volumeMount's mountPath (readOnly as the mount says):
 *
 * | volume | on the host | mount |
 * | --- | --- | --- |
 * | emptyDir | `<volumesDir>/<pod uid>/empty-dir/<name>`, mode 0777 as the kubelet makes it | bind |
 * | emptyDir, medium Memory | an engine volume `baton_<pod uid>_<name>` on tmpfs (size: sizeLimit) | volume, nothing copied from the image |
 * | hostPath | `path`, checked against `type` first as the kubelet checks it (DirectoryOrCreate and FileOrCreate create it) | bind |
 * | configMap, secret | every key (or the items asked for) written as a file (../volume-files.ts) under `<volumesDir>/<pod uid>/configmap/<name>` (`secret/<name>` for a secret, its values decoded), mode defaultMode or 0644, by the kubelet's atomic writer (../atomic-volume-writer.ts) | bind of the directory, read-only |
 *
 * Both emptyDir kinds are the pod's: shared by its containers, kept over restarts and a daemon
 * restart (adopted), removed with the pod (removePodVolumes) or, found without a pod, when an
 * agent starts. A configMap or secret volume is written when an instance starts and, while it
 * runs, written again when its object changed (`refreshKeysVolumes`, every few seconds through
 * ../projected-refresh.ts). The DIRECTORY is bound, never its files: the switch to new files is
 * one rename of the `..data` symlink inside it, which a bind of the directory shows at once,
 * whereas a bind of a single file would keep the inode it bound. The entries are relative
 * symlinks (`app.conf -> ..data/app.conf`), so they resolve inside the container as on the host.
 *
 * A mount with a subPath (or a subPathExpr, its $(VAR)s expanded: ../mount-sub-path.ts) binds
 * the path inside the volume instead (../sub-path.ts: the real path,
 * never through a symlink out of the volume; a missing one made in an emptyDir or a hostPath, an
 * error in a configMap or secret). In a configMap or secret that is one key's file of the version
 * written at the start: the kubelet's snapshot, never refreshed while the instance runs.
 */
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { memoryBytes } from '../../api/quantity.ts'
import type { ConfigMap, Container, Pod, Secret } from '../../api/types.ts'
import type { Clock } from '../../platform/clock.ts'
import { writeVolumeAtomically } from '../atomic-volume-writer.ts'
import type { RefreshOutcome } from '../projected-refresh.ts'
import { mountSubPath, mountsSubPath } from '../mount-sub-path.ts'
import { subPathSource } from '../sub-path.ts'
import { configMapEntries, secretEntries, volumeFiles } from '../volume-files.ts'
import { LABELS } from './container-config.ts'
import { type Engine, statusCode } from './engine.ts'

export interface EngineMount {
  Type: 'bind' | 'volume'
  Source: string
  Target: string
  ReadOnly: boolean
  VolumeOptions?: { NoCopy: true }
}

export interface VolumeHost {
  engine: Engine
  owner: string
  /** Names each new version's directory (the kubelet's `..<time>`). */
  clock: Pick<Clock, 'now'>
  /** Where the pods' emptyDir and configMap directories live (the daemon's data directory has it). */
  volumesDir: string
  configMap(namespace: string, name: string): ConfigMap | undefined
  secret(namespace: string, name: string): Secret | undefined
}

type Volume = NonNullable<Pod['spec']['volumes']>[number]
interface EmptyDir {
  medium?: string
  sizeLimit?: string | number
}
interface HostPath {
  path: string
  type?: string
}
interface KeysVolume {
  items?: Array<{ key: string; path: string; mode?: number }>
  defaultMode?: number
  optional?: boolean
}
type ConfigMapVolume = KeysVolume & { name?: string }
type SecretVolume = KeysVolume & { secretName?: string }

/** The engine volume of a memory-backed emptyDir. */
export function engineVolumeName(uid: string, volume: string): string {
  return `baton_${uid}_${volume}`
}

const podDir = (volumesDir: string, uid: string) => join(volumesDir, uid)

/** The container's mounts, every volume made ready first; `{ error }` (the kubelet's FailedMount) when one cannot be. */
export async function prepareMounts(
  host: VolumeHost,
  pod: Pod,
  container: Container,
  /** The container's environment, which a subPathExpr's $(VAR)s name. */
  env: Readonly<Record<string, string>> = {},
): Promise<EngineMount[] | { error: string }> {
  const uid = pod.metadata.uid ?? ''
  const mounts: EngineMount[] = []
  for (const m of container.volumeMounts ?? []) {
    const v = (pod.spec.volumes ?? []).find((x) => x.name === m.name)
    if (!v) return { error: `volume "${m.name}" not found in the pod's volumes` }
    const failed = (why: string) => ({ error: `MountVolume.SetUp failed for volume "${v.name}" : ${why}` })
    let ready: EngineMount & { create: boolean }
    try {
      const made = await volumeMount(host, pod, v, uid)
      if ('error' in made) return failed(made.error)
      ready = made
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err))
    }
    const { create, ...mount } = ready
    mount.Target = m.mountPath
    // A configMap or secret is always read-only, as the kubelet mounts it.
    mount.ReadOnly ||= m.readOnly === true
    const named = mountSubPath(m, env)
    const sub =
      'error' in named || named.subPath === ''
        ? named
        : mount.Type === 'bind'
          ? subPathSource(mount.Source, named.subPath, create)
          : MEMORY_SUB_PATH
    if ('error' in sub)
      return {
        error: `failed to prepare subPath for volumeMount "${m.name}" of container "${container.name}": ${sub.error}`,
      }
    if ('path' in sub) mount.Source = sub.path
    mounts.push(mount)
  }
  return mounts
}

// Refused at apply (api/docker-runtime-support.ts): an engine volume has no subpath before API 1.45.
const MEMORY_SUB_PATH = { error: 'a Memory emptyDir is an engine volume, which the engine mounts whole' }

/** The volume made ready, as the mount of its whole (Target set by the caller); `create`: a missing subPath is made. */
async function volumeMount(
  host: VolumeHost,
  pod: Pod,
  v: Volume,
  uid: string,
): Promise<(EngineMount & { create: boolean }) | { error: string }> {
  const whole = { Target: '', ReadOnly: false }
  if (v.emptyDir) {
    const e = v.emptyDir as EmptyDir
    if (e.medium === 'Memory') {
      const name = await memoryVolume(host, uid, v.name, e)
      return { ...whole, Type: 'volume', Source: name, VolumeOptions: { NoCopy: true }, create: false }
    }
    const dir = join(podDir(host.volumesDir, uid), 'empty-dir', v.name)
    mkdirSync(dir, { recursive: true })
    chmodSync(dir, 0o777)
    return { ...whole, Type: 'bind', Source: dir, create: true }
  }
  if (v.hostPath) {
    const h = v.hostPath as HostPath
    const problem = checkHostPath(h)
    if (problem) return { error: problem }
    return { ...whole, Type: 'bind', Source: normalize(h.path), create: true }
  }
  if (v.configMap || v.secret) {
    const done = writeKeysVolume(host, pod, v)
    if ('error' in done) return done
    return { ...whole, Type: 'bind', Source: done.dir, ReadOnly: true, create: false }
  }
  return { error: 'this volume type is not mounted by the Docker runtime' }
}

async function memoryVolume(host: VolumeHost, uid: string, volume: string, e: EmptyDir): Promise<string> {
  const name = engineVolumeName(uid, volume)
  try {
    await host.engine.getVolume(name).inspect()
    return name
  } catch (err) {
    if (statusCode(err) !== 404) throw err
  }
  const size = memoryBytes(e.sizeLimit)
  await host.engine.createVolume({
    Name: name,
    Driver: 'local',
    DriverOpts: { type: 'tmpfs', device: 'tmpfs', ...(size !== undefined ? { o: `size=${size}` } : {}) },
    Labels: { [LABELS.owner]: host.owner, [LABELS.uid]: uid },
  })
  return name
}

/** The kubelet's hostPath type check; DirectoryOrCreate and FileOrCreate create what is missing. Undefined when it passes. */
export function checkHostPath(h: HostPath): string | undefined {
  const path = h.path
  const stat = () => {
    try {
      return lstatSync(path)
    } catch {
      return undefined
    }
  }
  const type = h.type ?? ''
  let s = stat()
  if (!s && type === 'DirectoryOrCreate') {
    mkdirSync(path, { recursive: true, mode: 0o755 })
    s = stat()
  }
  if (!s && type === 'FileOrCreate') {
    mkdirSync(dirname(path), { recursive: true })
    closeSync(openSync(path, 'a', 0o644))
    s = stat()
  }
  const want: Record<string, [(st: NonNullable<typeof s>) => boolean, string]> = {
    Directory: [(st) => st.isDirectory(), 'a directory'],
    DirectoryOrCreate: [(st) => st.isDirectory(), 'a directory'],
    File: [(st) => st.isFile(), 'a file'],
    FileOrCreate: [(st) => st.isFile(), 'a file'],
    Socket: [(st) => st.isSocket(), 'a socket'],
    CharDevice: [(st) => st.isCharacterDevice(), 'a character device'],
    BlockDevice: [(st) => st.isBlockDevice(), 'a block device'],
  }
  const rule = want[type]
  if (!rule) return s ? undefined : `hostPath ${path} does not exist (give type DirectoryOrCreate to have it created)`
  if (!s) return `hostPath type check failed: ${path} does not exist`
  return rule[0](s) ? undefined : `hostPath type check failed: ${path} is not ${rule[1]}`
}

const isKeysVolume = (v: Volume) => v.configMap !== undefined || v.secret !== undefined

/**
 * The configMap and secret volumes the container mounts whole (each once): the ones kept up to
 * date. A subPath mount binds one file of one version, which a new version never reaches (as
 * with the kubelet), so a volume mounted only by subPath is not written again.
 */
function keysVolumes(pod: Pod, container: Container): Volume[] {
  const mounted = new Set((container.volumeMounts ?? []).filter((m) => !mountsSubPath(m)).map((m) => m.name))
  return (pod.spec.volumes ?? []).filter((v) => mounted.has(v.name) && isKeysVolume(v))
}

/** Whether the container mounts a configMap or secret volume whole: one its watcher keeps up to date. */
export function mountsKeysVolume(pod: Pod, container: Container): boolean {
  return keysVolumes(pod, container).length > 0
}

const keysDir = (host: Pick<VolumeHost, 'volumesDir'>, pod: Pod, v: Volume) =>
  join(podDir(host.volumesDir, pod.metadata.uid ?? ''), v.secret !== undefined ? 'secret' : 'configmap', v.name)

/** Writes a configMap or secret volume's files, switched atomically when they changed; the directory, or why they cannot be written. */
function writeKeysVolume(host: VolumeHost, pod: Pod, v: Volume): { dir: string; changed: boolean } | { error: string } {
  const namespace = pod.metadata.namespace ?? 'default'
  const isSecret = v.secret !== undefined
  const spec = (isSecret ? v.secret : v.configMap) as KeysVolume
  const name = (isSecret ? (spec as SecretVolume).secretName : (spec as ConfigMapVolume).name) ?? ''
  const object = name ? (isSecret ? host.secret(namespace, name) : host.configMap(namespace, name)) : undefined
  const projected = volumeFiles({
    kind: isSecret ? 'secret' : 'configmap',
    name,
    entries: object && (isSecret ? secretEntries(object as Secret) : configMapEntries(object as ConfigMap)),
    items: spec.items,
    defaultMode: spec.defaultMode,
    optional: spec.optional,
  })
  if ('error' in projected) return projected
  const dir = keysDir(host, pod, v)
  return { dir, changed: writeVolumeAtomically(dir, projected.files, host.clock.now()) }
}

/**
 * Writes again the configMap and secret volumes the running container mounts, each switched
 * atomically when its object's data changed and left as it is when not. A volume whose object
 * or key went missing keeps its files, as the kubelet keeps them; the outcome says why. Only
 * volumes written at the container's start (a `..data` there) are refreshed.
 */
export function refreshKeysVolumes(host: VolumeHost, pod: Pod, container: Container): RefreshOutcome[] {
  return keysVolumes(pod, container).flatMap((v): RefreshOutcome[] => {
    if (!existsSync(join(keysDir(host, pod, v), '..data'))) return []
    const done = writeKeysVolume(host, pod, v)
    if ('error' in done) return [{ volume: v.name, error: done.error }]
    return done.changed ? [{ volume: v.name, updated: true }] : []
  })
}

/** Removes a pod's volume directories and engine volumes (after its containers are gone). */
export async function removePodVolumes(
  host: Pick<VolumeHost, 'engine' | 'owner' | 'volumesDir'>,
  uid: string,
): Promise<void> {
  if (uid === '') return
  rmSync(podDir(host.volumesDir, uid), { recursive: true, force: true })
  const { Volumes } = await host.engine.listVolumes({
    filters: { label: [`${LABELS.owner}=${host.owner}`, `${LABELS.uid}=${uid}`] },
  })
  for (const v of Volumes ?? []) {
    await host.engine
      .getVolume(v.Name)
      .remove()
      .catch((err: unknown) => {
        if (statusCode(err) !== 404) throw err
      })
  }
}

/** Removes the volumes of every pod that does not exist (deleted while no agent ran); `existing` is read after the listing. */
export async function removeOrphanVolumes(
  host: Pick<VolumeHost, 'engine' | 'owner' | 'volumesDir'>,
  existing: () => ReadonlySet<string>,
): Promise<void> {
  let dirs: string[] = []
  try {
    dirs = readdirSync(host.volumesDir)
  } catch {
    dirs = []
  }
  const { Volumes } = await host.engine.listVolumes({ filters: { label: [`${LABELS.owner}=${host.owner}`] } })
  const uids = new Set([...dirs, ...(Volumes ?? []).map((v) => v.Labels?.[LABELS.uid] ?? '')])
  const live = existing()
  for (const uid of uids) if (uid !== '' && !live.has(uid)) await removePodVolumes(host, uid)
}
