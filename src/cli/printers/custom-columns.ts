/**
 * @module
 * `-o custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[*].image` and
 * `-o custom-columns-file=FILE`, as kubectl's CustomColumnsPrinter prints them: one header row,
 * one row per object, each cell the column's JSONPath results joined by commas (Go's %v for
 * maps and lists), `<none>` when there is none, aligned by kubectl's tabwriter. Pure.
 */
import { BatonError } from '../../errors/baton-error.ts'
import { goValue, parseJsonPath, relaxedJsonPath } from './jsonpath.ts'
import { table } from './tabwriter.ts'

export interface CustomColumn {
  header: string
  /** The column's JSONPath template, `{.metadata.name}`. */
  fieldSpec: string
}

const specError = (message: string): BatonError =>
  new BatonError('BATON_USAGE', message, {
    hint: 'Write columns as HEADER:JSONPATH pairs, e.g. -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas',
  })

/** `NAME:.metadata.name,READY:.status.readyReplicas` (kubectl's NewCustomColumnsPrinterFromSpec). */
export function parseCustomColumnsSpec(spec: string): CustomColumn[] {
  if (spec === '') throw specError('custom-columns format specified but no custom columns given')
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':')
    if (colon < 0) throw specError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`)
    return { header: part.slice(0, colon), fieldSpec: relaxedJsonPath(part.slice(colon + 1)) }
  })
}

/** A custom-columns file: a line of headers, then a line of field specs, whitespace-separated. */
export function parseCustomColumnsTemplate(text: string): CustomColumn[] {
  const [headerLine, specLine] = text.split(/\r?\n/)
  const format = 'Expected format is one line of space separated headers, one line of space separated column specs.'
  if (headerLine === undefined || (headerLine === '' && specLine === undefined))
    throw specError(`invalid template, missing header line. ${format}`)
  if (specLine === undefined) throw specError(`invalid template, missing spec line. ${format}`)
  const words = (line: string): string[] => line.split(/\s+/).filter(Boolean)
  const headers = words(headerLine)
  const specs = words(specLine)
  if (headers.length !== specs.length)
    throw specError(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`)
  return headers.map((header, i) => ({ header, fieldSpec: relaxedJsonPath(specs[i]!) }))
}

/** The table for `objects`; with `noHeaders`, rows only. */
export function printCustomColumns(
  objects: readonly unknown[],
  columns: readonly CustomColumn[],
  noHeaders = false,
): string {
  const paths = columns.map((c) => parseJsonPath(c.fieldSpec))
  const rows: string[][] = noHeaders ? [] : [columns.map((c) => c.header)]
  for (const obj of objects) {
    rows.push(
      paths.map((p) => {
        const values = p.findResults(obj)
        if (values.length === 0 || values[0]!.length === 0) return '<none>'
        return values.flat().map(goValue).join(',')
      }),
    )
  }
  return rows.length === 0 ? '' : table(rows)
}
