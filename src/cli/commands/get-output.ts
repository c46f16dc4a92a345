/**
 * @module
 * `get`'s template output formats, on top of output.ts's json|yaml|name|wide: kubectl's
 * `-o jsonpath=TEMPLATE`, `-o jsonpath-file=FILE`, `-o jsonpath-as-json=TEMPLATE`,
 * `-o custom-columns=SPEC` and `-o custom-columns-file=FILE`. Templates are parsed (and files
 * read) before anything is asked of the daemon, so a bad template fails fast.
 */
import { readFileSync } from 'node:fs'
import { BatonError } from '../../errors/baton-error.ts'
import {
  parseCustomColumnsSpec,
  parseCustomColumnsTemplate,
  printCustomColumns,
  type CustomColumn,
} from '../printers/custom-columns.ts'
import { parseJsonPath, type JsonPath } from '../printers/jsonpath.ts'
import { usageError } from '../command.ts'
import { outputDocument } from './output.ts'

export type TemplateOutput =
  | { kind: 'jsonpath'; path: JsonPath; asJson: boolean }
  | { kind: 'custom-columns'; columns: CustomColumn[] }

const TEMPLATE_FORMATS = [
  'jsonpath',
  'jsonpath-file',
  'jsonpath-as-json',
  'custom-columns',
  'custom-columns-file',
] as const

function readTemplate(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    throw new BatonError('BATON_USAGE', `error reading --template ${file}, ${(err as Error).message}`, {
      hint: 'Check the path given after the =',
      cause: err,
    })
  }
}

/** The template format `-o` names, or undefined for the other formats. */
export function parseTemplateOutput(value: unknown, allowMissingKeys = true): TemplateOutput | undefined {
  if (typeof value !== 'string') return undefined
  const eq = value.indexOf('=')
  const format = eq < 0 ? value : value.slice(0, eq)
  if (!(TEMPLATE_FORMATS as readonly string[]).includes(format)) return undefined
  const arg = eq < 0 ? '' : value.slice(eq + 1)
  if (arg === '') {
    throw usageError(
      `${format.replace(/-file$|-as-json$/, '')} format specified but no ${format.startsWith('jsonpath') ? 'template' : 'custom columns'} given`,
      `e.g. -o ${format}=${format.endsWith('-file') ? 'FILE' : format.startsWith('jsonpath') ? '{.metadata.name}' : 'NAME:.metadata.name'}`,
    )
  }
  switch (format) {
    case 'jsonpath':
    case 'jsonpath-as-json':
      return { kind: 'jsonpath', path: parseJsonPath(arg, { allowMissingKeys }), asJson: format === 'jsonpath-as-json' }
    case 'jsonpath-file':
      return { kind: 'jsonpath', path: parseJsonPath(readTemplate(arg), { allowMissingKeys }), asJson: false }
    case 'custom-columns':
      return { kind: 'custom-columns', columns: parseCustomColumnsSpec(arg) }
    default:
      return { kind: 'custom-columns', columns: parseCustomColumnsTemplate(readTemplate(arg)) }
  }
}

/** Go's json.MarshalIndent(v, "", "    "): sorted keys, <>& escaped. */
function indentedGoJson(v: unknown): string {
  const sorted = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sorted)
      : typeof x === 'object' && x !== null
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sorted((x as Record<string, unknown>)[k])]),
          )
        : x
  return JSON.stringify(sorted(v), null, 4).replace(
    /[<>&]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/**
 * The text for `objects`: one object as itself when `single`, else a v1 List, as kubectl's
 * printGeneric hands them to the printer.
 */
export function printTemplate(
  objects: readonly unknown[],
  t: TemplateOutput,
  single: boolean,
  noHeaders: boolean,
): string {
  if (t.kind === 'custom-columns') return printCustomColumns(objects, t.columns, noHeaders)
  const doc = outputDocument(objects, single)
  const results = t.path.findResults(doc)
  if (t.asJson) return results.map((r) => `${indentedGoJson(r)}\n`).join('')
  return t.path.execute(doc)
}
