/**
 * @module
 * Kubernetes timestamps: RFC 3339 in UTC with whole seconds ("2026-11-21T20:57:00Z").
 * Pure conversions between epoch milliseconds and that text; time itself comes in as `now`.
 */
import type { Timestamp } from '../api/types.ts'

export function formatTimestamp(ms: number): Timestamp {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString()
  return `${iso.slice(0, 19)}Z`
}

/** Epoch ms of a timestamp; 0 (Go's zero time, "the beginning") when absent or unparsable. */
export function parseTimestamp(ts: Timestamp | undefined): number {
  if (ts === undefined) return 0
  const ms = Date.parse(ts)
  return Number.isNaN(ms) ? 0 : ms
}
