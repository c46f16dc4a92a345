/**
 * @module
 * Argo Rollouts' pause duration (v1alpha1.DurationString): a whole number of seconds, as a
 * number or a string, or a string with one unit s, m or h ("30s", "5m", "1h").
 */
import type { IntOrString } from './types.ts'

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600 }

/** Seconds, or undefined when `v` is not a duration Argo accepts. */
export function pauseSeconds(v: IntOrString): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined
  const m = /^(\d+)(s|m|h)?$/.exec(v)
  return m ? Number(m[1]) * UNIT_SECONDS[m[2] ?? '']! : undefined
}
