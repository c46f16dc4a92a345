/**
 * @module
 * The CRI container log format, one record per line, as the kubelet stores pod logs:
 *
 *     2026-11-21T20:57:00.123456789Z stdout F hello world
 *
 * time (RFC 3339 with nine fraction digits, UTC), stream, tag, message. Tag `F` ends a line;
 * `P` is a fragment of a longer line that the next record(s) continue, which is how one
 * huge or unfinished line is stored without unbounded buffering.
 */

export type LogStream = 'stdout' | 'stderr'
export type LogTag = 'F' | 'P'

export interface LogRecord {
  time: string
  stream: LogStream
  tag: LogTag
  message: string
}

/**
 * RFC 3339 with nine fraction digits from epoch milliseconds (fractions down to the microsecond kept).
 *
 * @example
 * rfc3339Nano(Date.parse('2026-11-21T20:57:00.123Z') + 0.456) // '2026-11-21T20:57:00.123456000Z'
 */
export function rfc3339Nano(epochMs: number): string {
  // A double near 1.8e12 ms resolves about 0.25 µs, so digits below the microsecond would
  // be noise: they are written as zeros, keeping the fixed nine-digit width.
  const whole = Math.floor(epochMs)
  const micros = Math.min(999, Math.round((epochMs - whole) * 1000))
  return `${new Date(whole).toISOString().slice(0, -1) + String(micros).padStart(3, '0')}000Z`
}

export function criPrefix(epochMs: number, stream: LogStream, tag: LogTag): string {
  return `${rfc3339Nano(epochMs)} ${stream} ${tag} `
}

/** Parses one stored line (without its newline); undefined for a line not in CRI form. */
export function parseCriLine(line: string): LogRecord | undefined {
  const a = line.indexOf(' ')
  const b = line.indexOf(' ', a + 1)
  const c = line.indexOf(' ', b + 1)
  if (a < 0 || b < 0) return undefined
  const stream = line.slice(a + 1, b)
  // The kubelet accepts a record without a tag as a full line (older format); so do we.
  const tagText = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c)
  if (stream !== 'stdout' && stream !== 'stderr') return undefined
  if (tagText !== 'F' && tagText !== 'P')
    return { time: line.slice(0, a), stream, tag: 'F', message: line.slice(b + 1) }
  return { time: line.slice(0, a), stream, tag: tagText, message: c < 0 ? '' : line.slice(c + 1) }
}
