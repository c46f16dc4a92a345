/**
 * @module
 * Which share of a Service's requests each revision gets, when a Rollout's pods are behind it:
 * the weights the Rollout controller wrote in status.canary.weights (stable and canary by
 * pod-template-hash), and its header routes (status.canary.headerRoutes, setHeaderRoute steps),
 * which send matching requests to the canary. A Service the Rollout points at one revision (its
 * canaryService or stableService, whose selector carries rollouts-pod-template-hash) needs none.
 */
import { isEmptySelector, matchesSelector } from '../api/labels.ts'
import type { Rollout, Service } from '../api/types.ts'
import type { HeaderRoute } from '../proxy/types.ts'

const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash'

/** The Rollout with weights whose pods the Service selects, if any. */
function rolloutBehind(svc: Service, rollouts: readonly Rollout[]): Rollout | undefined {
  const selector = svc.spec.selector
  if (!selector || Object.keys(selector).length === 0 || selector[ROLLOUT_HASH_LABEL] !== undefined) return undefined
  const namespace = svc.metadata.namespace ?? 'default'
  for (const r of rollouts) {
    if (!r.status?.canary?.weights || (r.metadata.namespace ?? 'default') !== namespace) continue
    const labels = r.spec.template.metadata?.labels ?? {}
    if (isEmptySelector({ matchLabels: selector }) || !matchesSelector({ matchLabels: selector }, labels)) continue
    return r
  }
  return undefined
}

/** Revision → weight for the Service, or undefined when no Rollout's pods are behind it. */
export function revisionWeights(svc: Service, rollouts: readonly Rollout[]): Record<string, number> | undefined {
  const w = rolloutBehind(svc, rollouts)?.status?.canary?.weights
  if (!w) return undefined
  if (w.canary.podTemplateHash === w.stable.podTemplateHash) return { [w.stable.podTemplateHash]: 100 }
  return { [w.stable.podTemplateHash]: w.stable.weight, [w.canary.podTemplateHash]: w.canary.weight }
}

/** The header routes to the canary revision for the Service, or undefined when there are none. */
export function revisionHeaderRoutes(svc: Service, rollouts: readonly Rollout[]): HeaderRoute[] | undefined {
  const canary = rolloutBehind(svc, rollouts)?.status?.canary
  const routes = canary?.headerRoutes
  if (!canary?.weights || !routes || routes.length === 0) return undefined
  const revision = canary.weights.canary.podTemplateHash
  if (revision === canary.weights.stable.podTemplateHash) return undefined
  return routes.map((r) => ({
    revision,
    match: (r.match ?? []).map((m) => ({ name: m.headerName, ...m.headerValue })),
  }))
}
