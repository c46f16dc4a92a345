/**
 * @module
 * What an update may not change in a ConfigMap or Secret, as kube-apiserver's
 * ValidateConfigMapUpdate / ValidateSecretUpdate refuse it: nothing of the data once
 * `immutable: true` is set (and `immutable` cannot be unset), and a Secret's `type` never.
 * Pure: the caller passes the stored object beside the new one.
 */
import { type FieldError, forbidden, invalid } from './field-errors.ts'
import type { AnyObject } from './types.ts'

const DATA_FIELDS = { ConfigMap: ['data', 'binaryData'], Secret: ['data'] } as const

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {})

export function immutableDataErrors(previous: AnyObject | undefined, next: AnyObject): FieldError[] {
  if (!previous || previous.kind !== next.kind || (next.kind !== 'ConfigMap' && next.kind !== 'Secret')) return []
  const prev = previous as typeof next
  const errs: FieldError[] = []
  if (next.kind === 'Secret' && prev.kind === 'Secret' && (prev.type ?? 'Opaque') !== (next.type ?? 'Opaque'))
    errs.push(invalid('type', next.type, 'field is immutable', 'Delete the Secret and create it with the new type'))
  if (prev.immutable !== true) return errs
  const hint = `Delete the ${next.kind} and create it again, or create one under a new name`
  if (next.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set', hint))
  for (const field of DATA_FIELDS[next.kind]) {
    const a = (prev as unknown as Record<string, unknown>)[field]
    const b = (next as unknown as Record<string, unknown>)[field]
    if (!same(a, b)) errs.push(forbidden(field, 'field is immutable when `immutable` is set', hint))
  }
  return errs
}
