/**
 * @module
 * Turns zod issues into Kubernetes-worded field errors: an unrecognized key becomes
 * `unknown field "spec.template.spec.containers[0].imagePullPolice"` (with a did-you-mean
 * hint), a missing key `Required value`, a bad enum value `Unsupported value: ...`.
 */
import type { z } from 'zod'
import { type FieldError, forbidden, invalid, required, unknownField, unsupported } from './field-errors.ts'

/** kubectl's path rendering: spec.template.spec.containers[0].name */
export function renderPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? String(seg) : `.${String(seg)}`
  }
  return out
}

// The few zod internals needed to find the fields a schema allows at a path.
interface SchemaDef {
  type: string
  innerType?: Schema
  element?: Schema
  shape?: Record<string, Schema>
  valueType?: Schema
}
interface Schema {
  def: SchemaDef
}

function unwrap(s: Schema): Schema {
  let cur = s
  while (cur.def.innerType && (cur.def.type === 'optional' || cur.def.type === 'nullable')) cur = cur.def.innerType
  return cur
}

/** The field names an object schema at `path` allows; [] when the path leads elsewhere. */
export function knownFieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: Schema | undefined = unwrap(schema as unknown as Schema)
  for (const seg of path) {
    if (!s) return []
    const d: SchemaDef = s.def
    if (typeof seg === 'number' && d.type === 'array' && d.element) s = unwrap(d.element)
    else if (typeof seg === 'string' && d.type === 'object' && d.shape)
      s = d.shape[seg] ? unwrap(d.shape[seg]) : undefined
    else if (d.type === 'record' && d.valueType) s = unwrap(d.valueType)
    else return []
  }
  return s?.def.type === 'object' && s.def.shape ? Object.keys(s.def.shape) : []
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length] as number
}

/** The allowed field closest to a misspelt one (case-insensitive, at most 2 edits), if any. */
export function closestField(name: string, known: readonly string[]): string | undefined {
  let best: { field: string; d: number } | undefined
  for (const field of known) {
    const d = editDistance(name.toLowerCase(), field.toLowerCase())
    if (d <= 2 && (!best || d < best.d)) best = { field, d }
  }
  return best?.field
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  number: 'an integer',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  array: 'a list',
  record: 'a map of names to values',
}

const ENUM_HINT = 'Values are case-sensitive; use one of the supported values.'
const INT_OR_STRING_HINT = 'Give a number (8080) or a name/percentage string ("http", "25%").'

function typeHint(expected: string, input: unknown): string | undefined {
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    return 'Quote values that YAML reads as numbers or booleans, e.g. version: "1.0" or enabled: "true".'
  }
  if ((expected === 'int' || expected === 'number') && typeof input === 'string') {
    return 'Write numbers without quotes, e.g. replicas: 3.'
  }
  if (expected === 'array') return 'Lists are written one "- item" per line, or [a, b].'
  return undefined
}

/** Field errors for every issue of a failed `safeParse(value, { reportInput: true })`. */
export function fieldErrorsFromZod(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const out: FieldError[] = []
  for (const issue of issues) {
    const field = renderPath(issue.path)
    const input = (issue as { input?: unknown }).input
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownFieldsAt(schema, issue.path)
        for (const key of issue.keys) {
          const guess = closestField(key, known)
          const suggestion = guess ? ` Did you mean "${guess}"?` : ''
          const hint = `Remove "${key}" or fix its spelling: field names are case-sensitive.${suggestion}`
          out.push(unknownField(renderPath([...issue.path, key]), hint))
        }
        break
      }
      case 'invalid_type':
        if (input === undefined) out.push(required(field))
        else {
          const expected = EXPECTED[issue.expected] ?? issue.expected
          out.push(invalid(field, input, `must be ${expected}`, typeHint(issue.expected, input)))
        }
        break
      case 'invalid_value':
        out.push(unsupported(field, input, issue.values.map(String), ENUM_HINT))
        break
      case 'invalid_union':
        out.push(invalid(field, input, 'must be an integer or a string', INT_OR_STRING_HINT))
        break
      case 'custom':
        out.push(forbidden(field, issue.message, 'Remove the field, or use the alternative named in the message.'))
        break
      default:
        out.push(invalid(field, input, issue.message))
    }
  }
  return out
}
