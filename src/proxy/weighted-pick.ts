/**
 * @module
 * Picking a replica for a route with per-revision weights (a Rollout's canary): first the
 * revision, by smooth weighted round-robin (nginx's: each pick adds every weight to its
 * revision's credit, takes the revision with the most and charges it the total), so the
 * shares are exact over every cycle of sum-of-weights picks whatever the replica counts; then
 * the replica within that revision by the route's policy (balancer.ts).
 *
 * A revision with weight 0, or whose replicas are all excluded (already tried), is skipped; if
 * no weighted revision has a replica left, every replica is a candidate again, so a request is
 * served by the wrong revision rather than failed.
 */
import { pickIndex } from './balancer.ts'
import type { BalancePolicy } from './defaults.ts'
import type { EndpointState, RouteState } from './route-state.ts'

interface Groups {
  byRevision: Map<string, EndpointState[]>
  /** Smooth weighted round-robin credit per revision. */
  credit: Map<string, number>
  /** Each revision's own rotating cursor: one shared with the revision choice would lock in step with it. */
  cursor: Map<string, number>
  weights: Record<string, number>
}

// Keyed by the endpoint list, which applyBackends replaces on every change of replicas.
const groupsOf = new WeakMap<readonly EndpointState[], Groups>()

function groups(rs: RouteState, weights: Record<string, number>): Groups {
  let g = groupsOf.get(rs.endpoints)
  if (g && g.weights === weights) return g
  const byRevision = new Map<string, EndpointState[]>()
  for (const ep of rs.endpoints) {
    const list = byRevision.get(ep.backend.revision)
    if (list) list.push(ep)
    else byRevision.set(ep.backend.revision, [ep])
  }
  g = { byRevision, credit: g?.credit ?? new Map(), cursor: g?.cursor ?? new Map(), weights }
  groupsOf.set(rs.endpoints, g)
  return g
}

function hasCandidate(
  list: readonly EndpointState[] | undefined,
  exclude: readonly EndpointState[] | undefined,
): boolean {
  if (!list) return false
  if (!exclude || exclude.length === 0) return list.length > 0
  return list.some((ep) => !exclude.includes(ep))
}

/**
 * The index in `rs.endpoints` of the chosen replica, or -1 when none is left. `revision` (a
 * header route's, header-route.ts) takes the request to that revision while it has a replica
 * left; otherwise the weights decide.
 */
export function pickWeighted(
  rs: RouteState,
  policy: BalancePolicy,
  exclude?: readonly EndpointState[],
  revision?: string,
): number {
  const weights = rs.route.weights
  if (revision !== undefined) {
    const g = groups(rs, weights ?? {})
    const list = g.byRevision.get(revision)
    if (hasCandidate(list, exclude)) {
      const cursor = g.cursor.get(revision) ?? 0
      g.cursor.set(revision, cursor + 1)
      const i = pickIndex(list!, policy, cursor, exclude)
      return i < 0 ? -1 : rs.endpoints.indexOf(list![i]!)
    }
  }
  if (weights === undefined) return pickIndex(rs.endpoints, policy, rs.cursor++, exclude)
  const g = groups(rs, weights)
  let total = 0
  let best: string | undefined
  let bestCredit = Number.NEGATIVE_INFINITY
  for (const revision in weights) {
    const w = weights[revision]!
    if (w <= 0 || !hasCandidate(g.byRevision.get(revision), exclude)) continue
    const credit = (g.credit.get(revision) ?? 0) + w
    g.credit.set(revision, credit)
    total += w
    if (credit > bestCredit) {
      best = revision
      bestCredit = credit
    }
  }
  if (best === undefined) return pickIndex(rs.endpoints, policy, rs.cursor++, exclude)
  g.credit.set(best, bestCredit - total)
  const list = g.byRevision.get(best)!
  const cursor = g.cursor.get(best) ?? 0
  g.cursor.set(best, cursor + 1)
  const i = pickIndex(list, policy, cursor, exclude)
  return i < 0 ? -1 : rs.endpoints.indexOf(list[i]!)
}
