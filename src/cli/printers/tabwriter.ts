/**
 * @module
 * Column alignment as Go's text/tabwriter does it, because kubectl's tables and describe
 * output are tabwriter output and Baton's must match them byte for byte.
 *
 * Input is text whose cells end in a tab; the text after a line's last tab is not a cell
 * and is never padded. A column is aligned over a *block*: consecutive lines that all have a
 * cell in that column. A line with fewer cells ends the block. That is why, in
 * `kubectl describe deployment`, the `Conditions` table and the `OldReplicaSets:` lines
 * share one column width (17 = len("OldReplicaSets:") + padding 2) while `Pod Template:`
 * (no tab) starts a fresh one.
 *
 * Width of a column = max(minWidth, widest cell + padding), cells left-aligned, padded
 * with spaces.
 */

export interface TabOptions {
  minWidth: number
  padding: number
}

/** kubectl get: printers.GetNewTabWriter (minwidth 6, padding 3). */
export const TABLE_TABS: TabOptions = { minWidth: 6, padding: 3 }
/** kubectl describe and rollout history: tabwriter.NewWriter(out, 0, 8, 2, ' ', 0). */
export const DESCRIBE_TABS: TabOptions = { minWidth: 0, padding: 2 }

const width = (s: string): number => [...s].length

/** Aligns `text` (lines separated by \n, cells terminated by \t). */
export function tabulate(text: string, opts: TabOptions): string {
  const endsWithNewline = text.endsWith('\n')
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'))
  const out: string[] = []
  const widths: number[] = []

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] ?? []
      let line = ''
      cells.forEach((cell, j) => {
        const w = widths[j]
        // Only tab-terminated cells (all but the last) take a column width.
        line += j < cells.length - 1 && w !== undefined ? cell + ' '.repeat(Math.max(0, w - width(cell))) : cell
      })
      out.push(line)
    }
  }

  const format = (line0: number, line1: number): void => {
    const column = widths.length
    for (let at = line0; at < line1; at++) {
      if (column >= (lines[at]?.length ?? 0) - 1) continue
      // `at` starts a block of lines that have a cell in this column.
      writeLines(line0, at)
      line0 = at
      let w = opts.minWidth
      for (; at < line1; at++) {
        const cells = lines[at] ?? []
        if (column >= cells.length - 1) break
        w = Math.max(w, width(cells[column] ?? '') + opts.padding)
      }
      widths.push(w)
      format(line0, at)
      widths.pop()
      line0 = at // the loop's at++ then skips the line that ended the block: it has no cell here
    }
    writeLines(line0, line1)
  }

  format(0, lines.length)
  return out.join('\n') + (endsWithNewline ? '\n' : '')
}

/** Rows of cells -> an aligned table, one line per row (the last cell is left unpadded). */
export function table(rows: string[][], opts: TabOptions = TABLE_TABS): string {
  return tabulate(rows.map((r) => `${r.join('\t')}\n`).join(''), opts)
}
