/**
 * @module
 * The dashboard's one table shape: a caption (for screen readers only, unless it is meant to
 * be seen), a header row of column headings, and the body rows the caller renders.
 *
 * @example
 * <DataTable class="rates" caption="Traffic by revision" hiddenCaption columns={['Revision', 'Share']}>
 *   {rows.map((r) => <tr key={r.hash}>…</tr>)}
 * </DataTable>
 */
import type { ComponentChildren } from 'preact'

export interface DataTableProps {
  caption: ComponentChildren
  /** The caption is for screen readers only (the heading above the table already says it). */
  hiddenCaption?: boolean
  columns: readonly ComponentChildren[]
  class?: string
  children: ComponentChildren
}

export function DataTable(props: DataTableProps) {
  return (
    <table class={props.class}>
      <caption class={props.hiddenCaption ? 'sr-only' : undefined}>{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((c, i) => (
            <th key={i} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  )
}
