/**
 * @module
 * The files of a configMap or secret volume, as the kubelet projects them: one file per key
 * (named after the key), or only the keys `items` names, each at its `path`; modes from the
 * item's `mode`, else `defaultMode` (0644 by default, api/defaults.ts). A key `items` names
 * that the object lacks is an error unless the volume is optional; a missing object is an
 * empty volume when optional. Values are bytes: a ConfigMap's `data` as UTF-8 and its
 * `binaryData` and a Secret's `data` decoded from base64. Pure.
 */
import { normalize } from 'node:path'

export interface VolumeFile {
  /** Relative to the volume's directory. */
  path: string
  content: Buffer
  mode: number
}

export interface ProjectedSource {
  /** `configmap` or `secret`, for messages. */
  kind: string
  name: string
  /** undefined when the object does not exist. */
  entries: ReadonlyMap<string, Buffer> | undefined
  items?: ReadonlyArray<{ key: string; path: string; mode?: number }> | undefined
  defaultMode?: number | undefined
  optional?: boolean | undefined
}

export const DEFAULT_FILE_MODE = 0o644

export function volumeFiles(src: ProjectedSource): { files: VolumeFile[] } | { error: string } {
  const what = `${src.kind} "${src.name}"`
  if (!src.entries) return src.optional ? { files: [] } : { error: `${what} not found` }
  const mode = src.defaultMode ?? DEFAULT_FILE_MODE
  const wanted = src.items ?? [...src.entries.keys()].sort().map((key) => ({ key, path: key, mode: undefined }))
  const files: VolumeFile[] = []
  for (const item of wanted) {
    const content = src.entries.get(item.key)
    if (content === undefined) {
      if (src.optional) continue
      return { error: `${what} has no key "${item.key}"` }
    }
    const path = relativePath(item.path)
    if (path === undefined)
      return { error: `${what}: item path "${item.path}" is not a relative path inside the volume` }
    files.push({ path, content, mode: item.mode ?? mode })
  }
  return { files }
}

/** A ConfigMap's keys as bytes: `data` as UTF-8, `binaryData` from base64. */
export function configMapEntries(cm: { data?: Record<string, string>; binaryData?: Record<string, string> }) {
  const out = new Map<string, Buffer>()
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'))
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'))
  return out
}

/** A Secret's keys as bytes (its `data` is base64). */
export function secretEntries(secret: { data?: Record<string, string> }) {
  return new Map(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')] as const))
}

/** `p` normalized when it stays inside the directory it is relative to; undefined otherwise. */
export function relativePath(p: string): string | undefined {
  if (p === '' || p.startsWith('/')) return undefined
  const n = normalize(p)
  return n === '.' || n === '..' || n.startsWith('../') ? undefined : n.replace(/\/+$/, '')
}
