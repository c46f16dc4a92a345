/**
 * @module
 * `baton push`'s progress bar on a terminal's stderr, redrawn in place as the archive is read:
 *
 *     Pushing web:v2 [==============>               ]  48%  96.1 MiB of 200 MiB
 *
 * The total is known for an archive file (its size) and estimated for a folder (its files
 * padded into tar blocks), so a folder's figure stays below 100 % until the push is done.
 */
import { formatBytes } from '../../api/limits.ts'

const WIDTH = 30

export function pushProgressLine(ref: string, read: number, total: number | undefined, done: boolean): string {
  if (!total) return `Pushing ${ref} ${formatBytes(read)}`
  const share = done ? 1 : Math.min(read / total, 0.99)
  const filled = Math.floor(share * WIDTH)
  const bar = '='.repeat(Math.max(filled - 1, 0)) + (filled > 0 ? (done ? '=' : '>') : '') + ' '.repeat(WIDTH - filled)
  const pct = `${Math.floor(share * 100)}%`.padStart(4)
  return `Pushing ${ref} [${bar}] ${pct}  ${formatBytes(done ? total : Math.min(read, total))} of ${formatBytes(total)}`
}

/** How many bytes a tar of these entries takes: a 512-byte header each, contents in 512-byte blocks, the end blocks. */
export function tarSizeEstimate(entries: readonly { size: number }[]): number {
  return entries.reduce((sum, e) => sum + 512 + Math.ceil(e.size / 512) * 512, 1024)
}
