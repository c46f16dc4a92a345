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
  /**
   * The table scrolls sideways in its own box, named this for screen readers and focusable so
   * a keyboard can scroll it, instead of widening the page past a phone's screen.
   */
  scrollLabel?: string
  children: ComponentChildren
}

export function DataTable(props: DataTableProps) {
  // A plain call (no hooks inside): the table is this component's own element.
  const table = Table(props)
  if (props.scrollLabel === undefined) return table
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={props.scrollLabel}>
      {table}
    </div>
  )
}

function Table(props: DataTableProps) {
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
