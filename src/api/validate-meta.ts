/**
 * @module
 * Rules for ObjectMeta (name, namespace, labels, annotations, finalizers) and for label
 * selectors, with the API server's wording.
 */
import { type FieldError, at, forbidden, idx, invalid, invalidAll, required, tooLong } from './field-errors.ts'
import { entries, isNonEmptyString, isRec, stringEntries } from './guards.ts'
import { dns1123LabelErrors, labelValueErrors, qualifiedNameErrors } from './names.ts'
import type { LabelSelector, LabelSelectorRequirement, ObjectMeta } from './types.ts'

/** Kubernetes caps the annotations of one object at 256 KiB (keys plus values). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024
const utf8 = new TextEncoder()

const LABEL_HINT =
  'Label keys are [prefix/]name (name: up to 63 of A-Z a-z 0-9 - _ . starting and ending alphanumeric); ' +
  'values follow the same rule or are empty.'

export type NameRule = (name: string) => string[]

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const [key, value] of stringEntries(labels)) {
    errs.push(...invalidAll(path, key, qualifiedNameErrors(key), LABEL_HINT))
    errs.push(...invalidAll(path, value, labelValueErrors(value), LABEL_HINT))
  }
  return errs
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  let size = 0
  for (const [key, value] of stringEntries(annotations)) {
    errs.push(...invalidAll(path, key, qualifiedNameErrors(key.toLowerCase())))
    size += utf8.encode(key).length + utf8.encode(value).length
  }
  if (size > MAX_ANNOTATIONS_BYTES) errs.push(tooLong(path, MAX_ANNOTATIONS_BYTES, 'Move large data into a ConfigMap.'))
  return errs
}

/** Metadata of a stored object: required name checked with the kind's naming rule. */
export function validateObjectMeta(meta: ObjectMeta | undefined, nameRule: NameRule, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = []
  const m = isRec(meta) ? meta : undefined
  const name = m?.name
  if (!isNonEmptyString(name)) {
    const detail = m?.generateName
      ? 'Baton needs an explicit name (generateName is not supported)'
      : 'name or generateName is required'
    errs.push(required(at(path, 'name'), detail, 'Give the object a name under metadata.name.'))
  } else {
    errs.push(
      ...invalidAll(at(path, 'name'), name, nameRule(name), 'Use lower-case letters, digits and "-" (e.g. my-app).'),
    )
  }
  if (m && isNonEmptyString(m.namespace)) {
    errs.push(...invalidAll(at(path, 'namespace'), m.namespace, dns1123LabelErrors(m.namespace)))
  }
  errs.push(...validateMetaMaps(m, path))
  for (const [i, f] of (Array.isArray(m?.finalizers) ? m.finalizers : []).entries()) {
    if (typeof f === 'string') errs.push(...invalidAll(idx(at(path, 'finalizers'), i), f, qualifiedNameErrors(f)))
  }
  return errs
}

/** Labels and annotations; the only metadata a pod template's rules look at. */
export function validateMetaMaps(meta: unknown, path: string): FieldError[] {
  if (!isRec(meta)) return []
  return [
    ...validateLabels(meta.labels, at(path, 'labels')),
    ...validateAnnotations(meta.annotations, at(path, 'annotations')),
  ]
}

/** metav1 ValidateLabelSelector: label syntax, and values present exactly for In/NotIn. */
export function validateLabelSelector(sel: LabelSelector | undefined, path: string): FieldError[] {
  if (!isRec(sel)) return []
  const errs = validateLabels(sel.matchLabels, at(path, 'matchLabels'))
  for (const [i, req] of entries<LabelSelectorRequirement>(sel.matchExpressions)) {
    const p = idx(at(path, 'matchExpressions'), i)
    const values = Array.isArray(req.values) ? req.values : []
    if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
      errs.push(required(at(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"))
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
      errs.push(forbidden(at(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
    }
    if (typeof req.key === 'string')
      errs.push(...invalidAll(at(p, 'key'), req.key, qualifiedNameErrors(req.key), LABEL_HINT))
    values.forEach((v, j) => {
      if (typeof v === 'string') errs.push(...invalidAll(idx(at(p, 'values'), j), v, labelValueErrors(v), LABEL_HINT))
    })
  }
  return errs
}

/** Go's rendering of a non-negative check. */
export function nonNegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : []
}
