/**
 * @module
 * `get` tables: kubectl's columns for each kind (NAME first, AGE last), the `-o wide`
 * extras, an optional NAMESPACE column (`-A`) and `TYPE/name` names (`get all`). Pure: objects
 * and the current time in, text out.
 */
import { COLUMNS, type Columns } from '../../api/printer-columns.ts'
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject, Kind } from '../../api/types.ts'
import { age } from '../../api/age.ts'
import { table } from './tabwriter.ts'

export interface TableOptions {
  /** Epoch ms, for AGE. */
  now: number
  wide?: boolean
  /** Adds NAMESPACE as the first column (`get -A`). */
  withNamespace?: boolean
  /** Names rows `deployment.apps/web` (`get all`, several types in one command). */
  withKind?: boolean
  /**
   * Leaves out the header row (later rows of `get -w`); columns are still at least as wide
   * as their headers, so the rows stay under the header printed first.
   */
  noHeaders?: boolean
  /** kubectl's `--no-headers`: no header row, and columns only as wide as their cells. */
  headerless?: boolean
  /** `-L KEY`: a column per label key, headed by the key's last path segment in capitals. */
  labelColumns?: readonly string[]
  /** `--show-labels`: a last LABELS column, `key=value,...` sorted by key. */
  showLabels?: boolean
}

/** kubectl's labels.FormatLabels: `a=1,b=2` in key order, `<none>` for none. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort()
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>'
}

/** The headers and cells kubectl's decorateTable appends after a kind's own columns. */
function labelHeaders(opts: TableOptions): string[] {
  const columns = (opts.labelColumns ?? []).map((l) => l.split('/').pop()!.toUpperCase())
  return opts.showLabels ? [...columns, 'LABELS'] : columns
}

function labelCells(o: AnyObject, opts: TableOptions): string[] {
  const labels = o.metadata.labels ?? {}
  const columns = (opts.labelColumns ?? []).map((key) => labels[key] ?? '')
  return opts.showLabels ? [...columns, formatLabels(labels)] : columns
}

/** One kind's objects as kubectl's table; '' for no objects (the caller says "No resources found"). */
export function printTable(kind: Kind, objects: readonly AnyObject[], opts: TableOptions): string {
  if (objects.length === 0) return ''
  const cols = (COLUMNS[kind] ?? { headers: [], cells: () => [] }) as Columns<AnyObject>
  const rows: string[][] = []
  const ns = (o: AnyObject): string[] => (opts.withNamespace ? [o.metadata.namespace ?? ''] : [])
  const nsHeader = opts.withNamespace ? ['NAMESPACE'] : []
  if (cols.custom) {
    const wide = opts.wide && cols.wideCells
    rows.push([...nsHeader, ...(wide ? (cols.wideHeaders ?? []) : cols.headers), ...labelHeaders(opts)])
    for (const o of objects)
      rows.push([...ns(o), ...(wide ? cols.wideCells!(o, opts.now) : cols.cells(o, opts.now)), ...labelCells(o, opts)])
    return layout(rows, opts)
  }
  const wide = opts.wide && cols.wideCells
  rows.push([
    ...nsHeader,
    'NAME',
    ...cols.headers,
    'AGE',
    ...(wide ? (cols.wideHeaders ?? []) : []),
    ...labelHeaders(opts),
  ])
  for (const o of objects) {
    const name = opts.withKind ? `${qualifiedSingular(kind)}/${o.metadata.name}` : o.metadata.name
    rows.push([
      ...ns(o),
      name,
      ...cols.cells(o, opts.now),
      age(o.metadata.creationTimestamp, opts.now),
      ...(wide ? cols.wideCells!(o, opts.now) : []),
      ...labelCells(o, opts),
    ])
  }
  return layout(rows, opts)
}

/** Rows (header first) aligned; the header laid out and cut (noHeaders) or left out (headerless). */
function layout(rows: string[][], opts: TableOptions): string {
  if (opts.headerless) return table(rows.slice(1))
  const text = table(rows)
  return opts.noHeaders ? text.slice(text.indexOf('\n') + 1) : text
}
