/**
 * @module
 * Argo's analysis arguments: a template declares `args` (a value is a default), the Rollout
 * gives values (or `valueFrom.podTemplateHashValue: Stable | Latest`, or `valueFrom.fieldRef`,
 * one of its own fields), and every
 * `{{args.NAME}}` in the metrics is replaced by its value when the run is made. An argument
 * left without a value is an error naming it, as in Argo. An argument the template reads from a
 * Secret (`valueFrom.secretKeyRef`) keeps its placeholder until the run is assessed.
 */
import { rolloutFieldValue } from '../api/rollout-field-path.ts'
import type { AnalysisMetric, AnalysisRunArgument, ObjectMeta } from '../api/types.ts'

const PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g

/**
 * The template's args with the Rollout's values laid over them (hashes and the Rollout's fields
 * resolved); a string naming an arg whose field path leads nowhere.
 */
export function mergeArgs(
  declared: readonly AnalysisRunArgument[],
  given: readonly AnalysisRunArgument[],
  hashes: { stable: string; latest: string },
  rollout: { metadata: ObjectMeta },
): AnalysisRunArgument[] | string {
  const out = new Map<string, AnalysisRunArgument>()
  for (const a of declared) out.set(a.name, { ...a })
  for (const a of given) {
    // A template's Secret wins over the Rollout's value, as in Argo: its run reads the Secret.
    if (out.get(a.name)?.valueFrom?.secretKeyRef) continue
    const from = a.valueFrom?.podTemplateHashValue
    let value = from === 'Stable' ? hashes.stable : from === 'Latest' ? hashes.latest : a.value
    const path = a.valueFrom?.fieldRef?.fieldPath
    if (path !== undefined) {
      const read = rolloutFieldValue(rollout, path)
      if ('error' in read) return `args.${a.name}: valueFrom.fieldRef: ${read.error}`
      value = read.value
    }
    out.set(a.name, value === undefined ? { name: a.name } : { name: a.name, value })
  }
  return [...out.values()]
}

/**
 * The metrics with every `{{args.NAME}}` replaced (but a Secret's, when its arg has no value yet);
 * a string naming the first missing one.
 */
export function resolveMetrics(
  metrics: readonly AnalysisMetric[],
  args: readonly AnalysisRunArgument[],
): AnalysisMetric[] | string {
  const values = new Map(args.filter((a) => a.value !== undefined).map((a) => [a.name, a.value!]))
  const fromSecret = new Set(args.filter((a) => a.value === undefined && a.valueFrom?.secretKeyRef).map((a) => a.name))
  let missing: string | undefined
  const text = JSON.stringify(metrics).replace(PLACEHOLDER, (whole, name: string) => {
    const v = values.get(name)
    if (v === undefined) {
      // A Secret's value is read when the run is assessed (analysis-secret-args.ts), never stored.
      if (!fromSecret.has(name)) missing ??= name
      return whole
    }
    // The value lands inside a JSON string: escape it as one.
    return JSON.stringify(v).slice(1, -1)
  })
  if (missing !== undefined) return `args.${missing} was not resolved: give it a value in the Rollout's analysis args`
  const out = JSON.parse(text) as AnalysisMetric[]
  // count-like fields given as "{{args.n}}" become numbers once resolved.
  for (const m of out) {
    for (const f of ['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit'] as const) {
      const v = m[f]
      if (typeof v === 'string' && /^\d+$/.test(v)) m[f] = Number(v)
    }
  }
  return out
}
