/**
 * @module
 * Picking a replica for one request: pure, O(replicas), no allocation.
 *
 * least-outstanding (default): the replica with the fewest requests in flight from this
 * proxy; ties go to the first one at or after a rotating cursor, so an idle service still
 * spreads requests evenly (with 2 replicas and one client sending one request at a time,
 * both have 0 in flight at each pick, and the cursor alternates them).
 * round-robin: the next replica after the cursor, whatever its load.
 *
 * Weights (a fleet's front load balancer gives its targets shares): a replica of weight w
 * holds w slots of the cursor's ring, so idle picks and round-robin follow the weights, and
 * least-outstanding compares in-flight requests per unit of weight (HAProxy's weighted
 * leastconn). Without weights every replica holds one slot, as before.
 */
import type { BalancePolicy } from './defaults.ts'

export interface Pickable {
  inflight: number
  /** Relative share (default 1). */
  weight?: number
}

/**
 * Index of the chosen replica, or -1 when every one is excluded (or there is none).
 * `cursor` is a counter the caller increments on every pick.
 */
export function pickIndex(
  items: readonly Pickable[],
  policy: BalancePolicy,
  cursor: number,
  exclude?: readonly Pickable[],
): number {
  const n = items.length
  if (n === 0) return -1
  const start = startIndex(items, cursor)
  let best = -1
  let bestLoad = Number.POSITIVE_INFINITY
  for (let k = 0; k < n; k++) {
    const i = start + k < n ? start + k : start + k - n
    const it = items[i]!
    if (exclude !== undefined && exclude.length > 0 && exclude.includes(it)) continue
    if (policy === 'round-robin') return i
    const itLoad = it.weight === undefined ? it.inflight : it.inflight / it.weight
    if (itLoad < bestLoad) {
      best = i
      bestLoad = itLoad
      if (bestLoad === 0) break
    }
  }
  return best
}

/** The cursor's replica: slot `cursor` of a ring where each replica holds `weight` slots. */
function startIndex(items: readonly Pickable[], cursor: number): number {
  const n = items.length
  let total = 0
  for (let i = 0; i < n; i++) total += items[i]!.weight ?? 1
  if (total === n) return cursor % n
  let slot = cursor % total
  for (let i = 0; i < n; i++) {
    const w = items[i]!.weight ?? 1
    if (slot < w) return i
    slot -= w
  }
  return 0
}
