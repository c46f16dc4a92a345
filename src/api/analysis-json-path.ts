/**
 * @module
 * The web provider's `jsonPath` (Argo reads it with Kubernetes' JSONPath): Baton takes the part
 * that selects one value, `{$.data.ok}`, `{$.items[0].rate}` or `$.rate` (braces optional), and
 * refuses filters, wildcards, ranges and unions at apply.
 */

export type PathStep = { field: string } | { index: number }

const STEP = /^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[(-?\d+)\]|\[['"]([^'"]+)['"]\])/

/** The steps of `path`, or a string saying why Baton does not read it. */
export function parseJsonPath(path: string): PathStep[] | string {
  let p = path.trim()
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim()
  if (!p.startsWith('$')) return 'must start with $ (e.g. {$.data.ok})'
  const steps: PathStep[] = []
  let rest = p.slice(1)
  while (rest.length > 0) {
    const m = STEP.exec(rest)
    if (!m) {
      return `${JSON.stringify(rest)} is not a field (.name, ['name']) or an index ([0]): Baton reads one value, no filters, wildcards or ranges`
    }
    if (m[1] !== undefined) steps.push({ field: m[1] })
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) })
    else steps.push({ field: m[3]! })
    rest = rest.slice(m[0].length)
  }
  return steps
}

/** The value at `steps` in `doc`; a string saying what is missing when there is none. */
export function readJsonPath(doc: unknown, steps: readonly PathStep[]): { value: unknown } | { missing: string } {
  let v = doc
  let at = '$'
  for (const s of steps) {
    if ('field' in s) {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, s.field)) {
        return { missing: `${at}.${s.field} is not in the answer` }
      }
      v = (v as Record<string, unknown>)[s.field]
      at = `${at}.${s.field}`
    } else {
      if (!Array.isArray(v)) return { missing: `${at} is not a list` }
      const i = s.index < 0 ? v.length + s.index : s.index
      if (i < 0 || i >= v.length) return { missing: `${at}[${s.index}] is out of range` }
      v = v[i]
      at = `${at}[${s.index}]`
    }
  }
  return { value: v }
}
