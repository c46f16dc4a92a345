/**
 * @module
 * Field errors: one problem with one field, worded as the Kubernetes API server words it
 * (apimachinery's field.Error), and the BatonError that carries a list of them.
 *
 *   spec.replicas: Invalid value: -1: must be greater than or equal to 0
 *   spec.template.spec.containers: Required value
 *   spec.strategy.type: Unsupported value: "Blue": supported values: "Recreate", "RollingUpdate"
 *
 * A field error may carry a hint (how to fix it); the thrown error's hint joins the distinct ones.
 */
import { BatonError, type FieldCause } from '../errors/baton-error.ts'

export interface FieldError {
  /** Dotted path with list indexes, as kubectl prints it: "spec.template.spec.containers[0].name". */
  field: string
  message: string
  hint?: string
}

/** Joins path parts: at('spec', 'template') = 'spec.template'; at('', 'spec') = 'spec'. */
export function at(base: string, ...names: string[]): string {
  return names.reduce((p, n) => (p === '' ? n : `${p}.${n}`), base)
}

/** A list element's path: idx('spec.ports', 0) = 'spec.ports[0]'. */
export function idx(base: string, i: number): string {
  return `${base}[${i}]`
}

/** Go's rendering of a value in an error: strings quoted, numbers bare, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined) return 'null'
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

const withHint = (e: FieldError, hint: string | undefined): FieldError => (hint ? { ...e, hint } : e)

export function invalid(field: string, value: unknown, detail: string, hint?: string): FieldError {
  return withHint({ field, message: `Invalid value: ${show(value)}: ${detail}` }, hint)
}

export function required(field: string, detail = '', hint?: string): FieldError {
  return withHint({ field, message: detail ? `Required value: ${detail}` : 'Required value' }, hint)
}

export function unsupported(field: string, value: unknown, supported: readonly string[], hint?: string): FieldError {
  const list = supported.map((s) => JSON.stringify(s)).join(', ')
  return withHint({ field, message: `Unsupported value: ${show(value)}: supported values: ${list}` }, hint)
}

export function duplicate(field: string, value: unknown, hint?: string): FieldError {
  return withHint({ field, message: `Duplicate value: ${show(value)}` }, hint)
}

export function forbidden(field: string, detail: string, hint?: string): FieldError {
  return withHint({ field, message: `Forbidden: ${detail}` }, hint)
}

export function notFound(field: string, value: unknown, hint?: string): FieldError {
  return withHint({ field, message: `Not found: ${show(value)}` }, hint)
}

export function tooLong(field: string, max: number, hint?: string): FieldError {
  return withHint({ field, message: `Too long: must have at most ${max} bytes` }, hint)
}

/** kubectl's strict-decoding wording for a field the schema does not have. */
export function unknownField(field: string, hint?: string): FieldError {
  return withHint({ field, message: `unknown field "${field}"` }, hint)
}

/** Every `errs` entry from `problems` (apimachinery-style messages) as Invalid errors on `field`. */
export function invalidAll(field: string, value: unknown, problems: string[], hint?: string): FieldError[] {
  return problems.map((p) => invalid(field, value, p, hint))
}

const GENERIC_HINT = 'Fix the listed fields and apply again.'

/**
 * The one error thrown for an invalid object: message `The Deployment "web" is invalid`,
 * every problem in `causes`, and the distinct fix hints joined into `hint`.
 */
export function invalidObjectError(kind: string, name: string, errs: FieldError[]): BatonError {
  const hints = [...new Set(errs.map((e) => e.hint).filter((h): h is string => h !== undefined))]
  const causes: FieldCause[] = errs.map(({ field, message }) => ({ field, message }))
  return new BatonError('BATON_INVALID', `The ${kind} ${JSON.stringify(name)} is invalid`, {
    hint: hints.length > 0 ? hints.slice(0, 3).join(' ') : GENERIC_HINT,
    causes,
  })
}

/**
 * kubectl's full text for an invalid-object error: one cause inline, several as a list.
 *
 *   The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0
 *   The Deployment "web" is invalid:
 *   * spec.replicas: Invalid value: -1: must be greater than or equal to 0
 *   * spec.template.spec.containers: Required value
 */
export function describeInvalid(message: string, causes: readonly FieldCause[]): string {
  const line = (c: FieldCause) => (c.field ? `${c.field}: ${c.message}` : c.message)
  if (causes.length === 0) return message
  if (causes.length === 1) return `${message}: ${line(causes[0] as FieldCause)}`
  return `${message}:\n${causes.map((c) => `* ${line(c)}`).join('\n')}`
}
