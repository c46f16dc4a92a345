/**
 * @module
 * Config revisions, the pure parts the controller and `rollout history` share: a snapshot's
 * content hash (which names it and goes into the pod template), and the text of one revision's
 * config and its diff against the previous revision, Secret values masked.
 */
import { type ConfigSnapshot, refKey, type ConfigRef } from '../api/config-snapshot.ts'
import { fnv32a, replicaSetName, safeEncodeString } from './template-hash.ts'

/** JSON with object keys sorted at every level (null and empty maps kept: a missing object differs from an empty one). */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  const rec = value as Record<string, unknown>
  return `{${Object.keys(rec)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(rec[k])}`)
    .join(',')}}`
}

/** The snapshot's content hash, in the template hash's alphabet (FNV-32a of its sorted JSON). */
export function snapshotHash(snapshot: ConfigSnapshot): string {
  return safeEncodeString(String(fnv32a(new TextEncoder().encode(stableJson(snapshot)))))
}

/** `<deployment>-config-<hash>`, cut as ReplicaSet names are to stay a valid name. */
export function snapshotName(deploymentName: string, hash: string): string {
  return replicaSetName(`${deploymentName}-config`, hash)
}

const MASK = '<masked>'

/** One key's line of a revision's config: ConfigMap values as written, Secret values masked. */
function shown(ref: string, value: string): string {
  return ref.startsWith('secret/') ? MASK : JSON.stringify(value)
}

/** The config a revision ran with, one block per referenced object. */
export function formatRevisionConfig(refs: readonly ConfigRef[], snapshot: ConfigSnapshot | undefined): string[] {
  const lines: string[] = []
  for (const ref of refs) {
    const key = refKey(ref)
    if (!snapshot || !Object.hasOwn(snapshot, key)) {
      lines.push(`  ${key}: read live (not in the snapshot)`)
      continue
    }
    const entry = snapshot[key]
    if (!entry) {
      lines.push(`  ${key}: (did not exist)`)
      continue
    }
    lines.push(`  ${key}:`)
    for (const k of Object.keys(entry.data).sort()) lines.push(`    ${k}: ${shown(key, entry.data[k] ?? '')}`)
  }
  return lines
}

/**
 * The changes from `before` to `after`, as diff lines: `+` added, `-` removed, `~` a Secret
 * value that changed (masked), `-`/`+` pairs for a ConfigMap value. Empty when nothing changed.
 */
export function configDiff(before: ConfigSnapshot | undefined, after: ConfigSnapshot | undefined): string[] {
  const b = before ?? {}
  const a = after ?? {}
  const lines: string[] = []
  const objects = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
  for (const obj of objects) {
    const inB = Object.hasOwn(b, obj)
    const inA = Object.hasOwn(a, obj)
    const bd = b[obj]?.data
    const ad = a[obj]?.data
    const out: string[] = []
    if (inB !== inA) out.push(inA ? '  + now in the snapshot' : '  - no longer in the snapshot (read live)')
    if (!bd !== !ad && inA && inB) out.push(ad ? '  + created' : '  - deleted')
    for (const k of [...new Set([...Object.keys(bd ?? {}), ...Object.keys(ad ?? {})])].sort()) {
      const was = bd?.[k]
      const now = ad?.[k]
      if (was === now) continue
      if (was === undefined) out.push(`  + ${k}: ${shown(obj, now ?? '')}`)
      else if (now === undefined) out.push(`  - ${k}: ${shown(obj, was)}`)
      else if (obj.startsWith('secret/')) out.push(`  ~ ${k}: ${MASK} (changed)`)
      else out.push(`  - ${k}: ${shown(obj, was)}`, `  + ${k}: ${shown(obj, now)}`)
    }
    if (out.length > 0) lines.push(`  ${obj}:`, ...out.map((l) => `  ${l}`))
  }
  return lines
}

export interface RevisionConfig {
  /** The references the revision's template reads (api/config-snapshot.ts configRefs). */
  refs: readonly ConfigRef[]
  /** The snapshot its template names; undefined when it names none. */
  snapshotName?: string
  /** That snapshot's content; undefined when it names none or it is gone. */
  snapshot?: ConfigSnapshot
}

/**
 * `rollout history --revision=N`'s config section: the config the revision ran with and its
 * diff against `previous` (the revision before it in the history). Empty when the revision
 * reads no ConfigMap or Secret.
 */
export function formatConfigSection(
  current: RevisionConfig,
  previous?: { revision: number; config: RevisionConfig },
): string {
  if (current.refs.length === 0) return ''
  const lines: string[] = []
  if (current.snapshotName === undefined) lines.push('Config:  read live (no snapshot: config revisions are off)')
  else if (current.snapshot === undefined) lines.push(`Config:  snapshot ${current.snapshotName} (not found)`)
  else lines.push(`Config:  snapshot ${current.snapshotName}`, ...formatRevisionConfig(current.refs, current.snapshot))
  if (previous && current.snapshot) {
    // A revision that read no config ran with none: everything is new. One that read config
    // without a snapshot (opted out, or the snapshot is gone) cannot be compared.
    const before = previous.config.refs.length === 0 ? {} : previous.config.snapshot
    const diff = configDiff(before, current.snapshot)
    const since = `Config changes since revision ${previous.revision}`
    if (before === undefined) lines.push(`${since}: unknown (revision ${previous.revision} has no snapshot)`)
    else if (diff.length === 0) lines.push(`${since}: none`)
    else lines.push(`${since}:`, ...diff)
  }
  return `${lines.join('\n')}\n`
}
