/**
 * @module
 * Go duration strings as kubectl's --timeout takes them: "30s", "5m", "1h30m", "1.5h",
 * "500ms", and "0" (no limit). A bare number is refused, as Go refuses it.
 */
import { BatonError } from '../errors/baton-error.ts'

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Milliseconds; 0 for "0". */
export function parseDuration(text: string, flag = 'timeout'): number {
  const s = text.trim()
  if (s === '0') return 0
  const re = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy
  let total = 0
  let at = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!
    at = re.lastIndex
  }
  if (at === 0 || at !== s.length) {
    throw new BatonError(
      'BATON_USAGE',
      `invalid argument "${text}" for "--${flag}" flag: time: invalid duration "${text}"`,
      {
        hint: 'Write durations like 30s, 5m or 1h30m',
      },
    )
  }
  return Math.round(total)
}
