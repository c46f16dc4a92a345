/**
 * @module
 * Analysis args read from a Secret (Argo's resolveArgs in its analysis controller). An arg with
 * `valueFrom.secretKeyRef` gets the key's value each time its run is assessed, from a Secret in
 * the run's namespace: the run keeps the reference, never the value, so `get analysisrun -o
 * yaml` shows `{{args.NAME}}` where the value goes. A missing Secret or key is Argo's error,
 * which ends the run `Error`; a run made once the Secret is there reads it.
 *
 * What a run records has every such value replaced by Argo's mask, `*****`: a measurement's
 * message (a refused GET names its URL, a job's output may print its arguments) and, stricter
 * than Argo, its value too (a web check's answer may echo the header it was sent).
 */
import { secretText } from '../api/secret.ts'
import type { AnalysisMeasurement, AnalysisMetricResult, AnalysisRunArgument, Secret } from '../api/types.ts'

export const SECRET_MASK = '*****'

/** The args with each Secret's value in place, and the values to mask; or why one is missing. */
export type ResolvedSecretArgs = { args: AnalysisRunArgument[]; secrets: string[] } | { error: string }

/** Argo's wording of the run's message: `Unable to resolve metric arguments: <the lookup's error>`. */
const unresolved = (why: string): { error: string } => ({ error: `Unable to resolve metric arguments: ${why}` })

export function resolveSecretArgs(
  args: readonly AnalysisRunArgument[],
  secret: (name: string) => Secret | undefined,
): ResolvedSecretArgs {
  const out: AnalysisRunArgument[] = []
  const secrets = new Set<string>()
  for (const a of args) {
    const ref = a.valueFrom?.secretKeyRef
    if (!ref) {
      out.push(a)
      continue
    }
    const found = secret(ref.name)
    // kube-apiserver's NotFound text, which Argo's message carries.
    if (!found) return unresolved(`secrets "${ref.name}" not found`)
    const data = found.data?.[ref.key]
    if (data === undefined) return unresolved(`key '${ref.key}' does not exist in secret '${ref.name}'`)
    const value = secretText(data)
    // An empty value hides nothing (masking it would mask between every character), nor does one
    // of asterisks inside the mask, which would grow each time a stored measurement is masked again.
    if (value !== '' && !SECRET_MASK.includes(value)) secrets.add(value)
    out.push({ name: a.name, value })
  }
  return { args: out, secrets: [...secrets] }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * `text` with every secret value replaced by `*****`, in one pass over the longest first: a
 * value inside another is not left half shown, and a mask is never masked again.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0) return text
  const alternatives = [...secrets].sort((x, y) => y.length - x.length).map(escapeRegExp)
  return text.replace(new RegExp(alternatives.join('|'), 'g'), SECRET_MASK)
}

/** A measurement as the run stores it: its message and value masked. */
export function maskMeasurement(m: AnalysisMeasurement, secrets: readonly string[]): AnalysisMeasurement {
  if (secrets.length === 0) return m
  return {
    ...m,
    ...(m.message !== undefined ? { message: maskSecrets(m.message, secrets) } : {}),
    ...(m.value !== undefined ? { value: maskSecrets(m.value, secrets) } : {}),
  }
}

/**
 * A run's metric results masked in place: each metric's message (its last measurement's) and
 * every measurement. Masking what was masked before changes nothing.
 */
export function maskResults(results: AnalysisMetricResult[], secrets: readonly string[]): void {
  if (secrets.length === 0) return
  for (const r of results) {
    if (r.message !== undefined) r.message = maskSecrets(r.message, secrets)
    if (r.measurements) r.measurements = r.measurements.map((m) => maskMeasurement(m, secrets))
  }
}
