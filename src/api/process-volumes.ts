/**
 * @module
 * The volumes the process runtime mounts where replicas get their own mount namespace (a root
 * daemon with overlayfs, runtime/process/mount-namespace.ts): emptyDir, hostPath, configMap and
 * secret, bound at each volumeMount's mountPath (runtime/process/pod-volumes.ts). What of them
 * it does not honour is refused with its path, as the rest of the pod spec is
 * (process-runtime-support.ts). Pure.
 *
 * | field | verdict |
 * | --- | --- |
 * | emptyDir | honoured: a directory of the pod's, shared by its containers, removed with it |
 * | emptyDir.medium | "" only: a Memory medium would be a tmpfs per container, not shared by the pod |
 * | emptyDir.sizeLimit | refused: nothing enforces it |
 * | hostPath (path, type) | honoured, type checked (or the path created) as the kubelet does |
 * | configMap, secret (name, items, defaultMode, optional) | honoured: a file per key, written at each container start, read-only |
 * | volumeMounts: name, mountPath, readOnly, subPath, subPathExpr | honoured (inside the volume: validate-pod-spec.ts refuses `..` and an absolute path, runtime/sub-path.ts a symlink out of it) |
 * | volumeMounts: mountPropagation (but None), recursiveReadOnly (but Disabled) | refused |
 */
import { type FieldError, at, forbidden, invalid } from './field-errors.ts'
import { isRec, type Rec } from './guards.ts'

export const MOUNTED_SOURCES: ReadonlySet<string> = new Set(['emptyDir', 'hostPath', 'configMap', 'secret'])

/** hostPath.type's values (core/v1 HostPathType); "" checks nothing. Both runtimes accept these. */
export const HOST_PATH_TYPES: readonly string[] = [
  '',
  'DirectoryOrCreate',
  'Directory',
  'FileOrCreate',
  'File',
  'Socket',
  'CharDevice',
  'BlockDevice',
]

const refuse = (path: string, reason: string, fix: string): FieldError => forbidden(path, reason, `${path}: ${fix}.`)

/** The fields of a mounted volume (`source` is its one source field) the process runtime does not honour. */
export function processVolumeErrors(v: Rec, source: string, path: string): FieldError[] {
  const s = isRec(v[source]) ? v[source] : {}
  const here = at(path, source)
  const errs: FieldError[] = []
  if (source === 'emptyDir') {
    if (s.medium !== undefined && s.medium !== '')
      errs.push(
        refuse(
          at(here, 'medium'),
          "a Memory emptyDir would be a tmpfs in each container's namespace, not one directory the pod's containers share",
          "remove medium (the directory is on the data directory's disk)",
        ),
      )
    if (s.sizeLimit !== undefined)
      errs.push(
        refuse(
          at(here, 'sizeLimit'),
          'the process runtime does not enforce an emptyDir size limit',
          'remove sizeLimit',
        ),
      )
  }
  if (source === 'hostPath' && !(HOST_PATH_TYPES as readonly unknown[]).includes(s.type ?? ''))
    errs.push(
      invalid(
        at(here, 'type'),
        String(s.type),
        `not a hostPath type`,
        `Use one of ${HOST_PATH_TYPES.filter(Boolean).join(', ')}, or leave it out.`,
      ),
    )
  // configMap and secret items[].path: validatePodSpec checks them for every runtime.
  return errs
}

/** The fields of a volumeMount of a mounted volume the process runtime does not honour. */
export function processMountErrors(m: Rec, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (m.mountPropagation !== undefined && m.mountPropagation !== 'None')
    errs.push(
      refuse(
        at(path, 'mountPropagation'),
        "the process runtime binds volumes privately in the replica's namespace",
        'remove mountPropagation',
      ),
    )
  if (m.recursiveReadOnly !== undefined && m.recursiveReadOnly !== 'Disabled')
    errs.push(
      refuse(
        at(path, 'recursiveReadOnly'),
        'the process runtime makes only the volume itself read-only, not mounts below it',
        'remove recursiveReadOnly',
      ),
    )
  if (typeof m.mountPath === 'string' && m.mountPath.replace(/\/+$/, '') === '')
    errs.push(
      refuse(
        at(path, 'mountPath'),
        "a volume cannot replace the replica's whole root",
        'mount it at a directory, e.g. /data',
      ),
    )
  return errs
}
