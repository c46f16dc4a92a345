/**
 * @module
 * A Rollout's field as an analysis arg (`valueFrom.fieldRef.fieldPath` in a Rollout's analysis
 * args, Argo's BuildArgumentsForRolloutAnalysisRun). A `metadata` path is read as Kubernetes'
 * ExtractFieldPathAsString reads it: name, namespace, uid, and labels or annotations, one key
 * (`metadata.labels['app']`, "" when absent) or all (`key="value"` lines, sorted); any other
 * metadata path is refused at apply. Any other path walks the Rollout's JSON by `.` and `[i]`
 * (`spec.strategy.canary.steps[0].setWeight` is `"20"`) and must end at a string, number or
 * boolean: Argo's extractValueFromRollout, with its messages.
 */
import type { ObjectMeta } from './types.ts'

export type FieldValue = { value: string } | { error: string }

const SUBSCRIPTED = /^metadata\.(labels|annotations)\['(.*)'\]$/

/** Kubernetes' FormatMap: `key="value"` lines, sorted by key. */
function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(m ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join('\n')
}

/** A `metadata...` field path's value, or Kubernetes' error for a path it does not serve. */
export function metadataField(meta: ObjectMeta, path: string): FieldValue {
  const sub = SUBSCRIPTED.exec(path)
  if (sub) return { value: (sub[1] === 'labels' ? meta.labels : meta.annotations)?.[sub[2]!] ?? '' }
  switch (path) {
    case 'metadata.name':
      return { value: meta.name }
    case 'metadata.namespace':
      return { value: meta.namespace ?? 'default' }
    case 'metadata.uid':
      return { value: meta.uid ?? '' }
    case 'metadata.labels':
      return { value: formatMap(meta.labels) }
    case 'metadata.annotations':
      return { value: formatMap(meta.annotations) }
  }
  return { error: `unsupported fieldPath: ${path}` }
}

export function rolloutFieldValue(rollout: { metadata: ObjectMeta }, path: string): FieldValue {
  if (path.startsWith('metadata')) return metadataField(rollout.metadata, path)
  let at: unknown = rollout
  for (const section of path.split(/[.[\]]+/)) {
    // A path ending in a separator splits into an empty last section.
    if (section === '') continue
    if (Array.isArray(at)) {
      if (!/^\d+$/.test(section)) return { error: `invalid index '${section}'` }
      const i = Number(section)
      if (i >= at.length) return { error: `index ${i} out of range` }
      at = at[i]
    } else if (at !== null && typeof at === 'object') {
      at = (at as Record<string, unknown>)[section]
    } else return { error: `invalid path ${path} in rollout` }
  }
  if (at === undefined || at === null) return { error: `invalid path ${path} in rollout` }
  if (typeof at === 'object') return { error: `path ${path} in rollout must terminate in a primitive value` }
  return { value: String(at) }
}
