/**
 * @module
 * Numbers JSON cannot carry. YAML's `.nan`, `.inf` and `-.inf` (and literals too large for a
 * double, like 1e400) parse to NaN or ±Infinity, and JSON.stringify writes those as `null`:
 * a client that sends them as JSON silently turns `replicas: .nan` into "not set" (1). The
 * API refuses them in a YAML body; a client finds them here before it serializes.
 */
import type { FieldError } from './field-errors.ts'
import { isRec } from './guards.ts'

/** Every field of `value` that holds NaN or ±Infinity, with its path (`spec.replicas`, `ports[0].port`). */
export function nonFiniteFields(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? []
      : [{ field: path || '<root>', message: `Invalid value: ${String(value)}: must be a finite number` }]
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteFields(v, `${path}[${i}]`))
  if (!isRec(value)) return []
  return Object.entries(value).flatMap(([k, v]) => nonFiniteFields(v, path ? `${path}.${k}` : k))
}
