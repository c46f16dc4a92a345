/**
 * @module
 * Field selectors as the API server takes them: `metadata.name=web,involvedObject.kind=Deployment`
 * (`=`, `==` or `!=` on dotted paths). kubectl uses them to watch one object and to find the
 * events of one object.
 */
import { badRequest } from './errors.ts'

export interface FieldRequirement {
  path: string[]
  value: string
  equal: boolean
}

export function parseFieldSelector(s: string | undefined): FieldRequirement[] {
  if (!s) return []
  return s.split(',').map((part) => {
    const m = /^([A-Za-z0-9_.]+)\s*(!=|==|=)\s*(.*)$/.exec(part.trim())
    if (!m)
      throw badRequest(
        `invalid field selector "${part}"`,
        'Write field selectors as path=value, e.g. metadata.name=web',
      )
    return { path: m[1]!.split('.'), value: m[3]!, equal: m[2] !== '!=' }
  })
}

function valueAt(obj: unknown, path: readonly string[]): string {
  let v: unknown = obj
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined
  return v === undefined || v === null ? '' : String(v)
}

export function matchesFields(obj: unknown, reqs: readonly FieldRequirement[]): boolean {
  return reqs.every((r) => (valueAt(obj, r.path) === r.value) === r.equal)
}
