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
 * Shares between groups of replicas (a Rollout's revisions, a fleet's targets) are chosen
 * before this, by weighted-pick.ts.
 */
import type { BalancePolicy } from './defaults.ts'

export interface Pickable {
  inflight: number
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
  const start = cursor % n
  let best = -1
  let bestLoad = Number.POSITIVE_INFINITY
  for (let k = 0; k < n; k++) {
    const i = start + k < n ? start + k : start + k - n
    const it = items[i]!
    if (exclude !== undefined && exclude.length > 0 && exclude.includes(it)) continue
    if (policy === 'round-robin') return i
    if (it.inflight < bestLoad) {
      best = i
      bestLoad = it.inflight
      if (bestLoad === 0) break
    }
  }
  return best
}
