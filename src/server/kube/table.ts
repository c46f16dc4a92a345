/**
 * @module
 * Server-side printing: when a GET asks for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * (kubectl get does), the answer is a meta.k8s.io/v1 Table whose columns are the ones
 * kube-apiserver prints for the kind (api/printer-columns.ts, shared with Baton's CLI), the
 * `-o wide` ones at priority 1. Each row carries the object's metadata (`includeObject=Metadata`,
 * the default), the whole object (`Object`) or nothing (`None`), as kubectl asks.
 *
 * toTable('Deployment', [web], now, 'Metadata') -> {kind: 'Table', apiVersion: 'meta.k8s.io/v1',
 *   columnDefinitions: [{name: 'Name', …}, {name: 'Ready'}, {name: 'Up-to-date'}, …],
 *   rows: [{cells: ['web', '3/3', 3, 3, '5m'], object: {kind: 'PartialObjectMetadata', …}}]}
 */
import { age } from '../../api/age.ts'
import { COLUMNS, type Columns } from '../../api/printer-columns.ts'
import type { AnyObject, Kind } from '../../api/types.ts'
import { badRequest } from '../errors.ts'

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io'

export type IncludeObject = 'None' | 'Metadata' | 'Object'

export interface TableColumn {
  name: string
  type: 'string' | 'integer'
  format: string
  description: string
  priority: number
}

export interface TableRow {
  cells: Array<string | number>
  object?: unknown
}

export interface Table {
  kind: 'Table'
  apiVersion: 'meta.k8s.io/v1'
  metadata: { resourceVersion?: string; continue?: string }
  columnDefinitions: TableColumn[]
  rows: TableRow[]
}

/** True when the Accept header asks for a meta.k8s.io/v1 Table (v1beta1 is not served). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false
  for (const part of accept.split(',')) {
    const [type, ...rest] = part.split(';').map((p) => p.trim())
    const params = new Map(rest.map((p) => p.split('=') as [string, string]))
    if (type === 'application/json' && params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      if (params.get('v') === 'v1') return true
      continue
    }
    // An earlier acceptable plain type wins only if it comes before any Table entry: kubectl
    // always lists the Tables first, so a plain JSON first means the client wants objects.
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return false
  }
  return false
}

export function includeObjectParam(v: string | undefined): IncludeObject {
  if (v === undefined || v === '') return 'Metadata'
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v
  throw badRequest(`includeObject must be None, Metadata or Object, not "${v}"`, 'Leave includeObject out')
}

/** kube's column names are title-case ("Up-to-date", "Cluster-IP"); kubectl prints them upper-case. */
function title(header: string): string {
  return header
    .toLowerCase()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ')
    .replace(/\bip\b/gi, 'IP')
}

/** Cells kube-apiserver sends as integers (kubectl aligns and sorts them as numbers). */
const INTEGER_COLUMNS = new Set(['UP-TO-DATE', 'AVAILABLE', 'DESIRED', 'CURRENT', 'DATA', 'COUNT'])

const column = (header: string, priority: number, description = ''): TableColumn => ({
  name: title(header),
  type: INTEGER_COLUMNS.has(header) ? 'integer' : 'string',
  format: header === 'NAME' ? 'name' : '',
  description,
  priority,
})

const typed = (headers: readonly string[], cells: readonly string[]): Array<string | number> =>
  cells.map((c, i) => (INTEGER_COLUMNS.has(headers[i] ?? '') && /^\d+$/.test(c) ? Number(c) : c))

function rowObject(o: AnyObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined
  if (include === 'Object') return o
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }
}

/** The columns and one row builder of a kind: NAME, the kind's own, AGE, then the wide ones. */
function layoutOf(kind: Kind): {
  columns: TableColumn[]
  cells: (o: AnyObject, now: number) => Array<string | number>
} {
  const cols = (COLUMNS[kind] ?? { headers: [], cells: () => [] }) as Columns<AnyObject>
  if (cols.custom) {
    // Events: the wide list holds the narrow one in order; what only `-o wide` shows is priority 1.
    const all = cols.wideHeaders ?? cols.headers
    return {
      columns: all.map((h) => column(h, cols.headers.includes(h) ? 0 : 1)),
      cells: (o, now) => typed(all, cols.wideCells ? cols.wideCells(o, now) : cols.cells(o, now)),
    }
  }
  const wide = cols.wideHeaders ?? []
  const headers = ['NAME', ...cols.headers, 'AGE', ...wide]
  return {
    columns: [
      column('NAME', 0, 'Name must be unique within a namespace.'),
      ...cols.headers.map((h) => column(h, 0)),
      column('AGE', 0, 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
      ...wide.map((h) => column(h, 1)),
    ],
    cells: (o, now) =>
      typed(headers, [
        o.metadata.name,
        ...cols.cells(o, now),
        age(o.metadata.creationTimestamp, now),
        ...(cols.wideCells ? cols.wideCells(o, now) : []),
      ]),
  }
}

export function toTable(
  kind: Kind,
  objects: readonly AnyObject[],
  now: number,
  include: IncludeObject,
  metadata: Table['metadata'] = {},
): Table {
  const { columns, cells } = layoutOf(kind)
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: columns,
    rows: objects.map((o) => {
      const object = rowObject(o, include)
      return { cells: cells(o, now), ...(object !== undefined ? { object } : {}) }
    }),
  }
}
