/**
 * @module
 * kubectl's human durations (apimachinery duration.HumanDuration), used by every AGE column
 * and by describe's event ages. Precision shrinks as the duration grows:
 *
 * | elapsed            | printed  |
 * | ------------------ | -------- |
 * | 5 s                | 5s       |
 * | 119 s              | 119s     |
 * | 2 min 3 s          | 2m3s     |
 * | 10 min 40 s        | 10m      |
 * | 3 h 4 min          | 3h4m     |
 * | 9 h 30 min         | 9h       |
 * | 2 d 5 h            | 2d5h     |
 * | 30 d               | 30d      |
 * | 2 y 10 d           | 2y10d    |
 */
import type { Timestamp } from './types.ts'

export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000)
  // Up to 2 s in the future is clock skew between machines, shown as "now".
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.trunc(seconds / 60)
  if (minutes < 10) {
    const s = seconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.trunc(minutes / 60)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const d = Math.trunc(hours / 24) % 365
    const y = Math.trunc(hours / 24 / 365)
    return d === 0 ? `${y}y` : `${y}y${d}d`
  }
  return `${Math.trunc(hours / 24 / 365)}y`
}

/** The AGE of an object created at `ts`, seen at `now` (epoch ms); "<unknown>" without a timestamp. */
export function age(ts: Timestamp | undefined, now: number): string {
  if (!ts) return '<unknown>'
  const t = Date.parse(ts)
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t)
}
