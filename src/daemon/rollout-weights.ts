/**
 * @module
 * Which share of a Service's requests each revision gets, when a Rollout's pods are behind it:
 * the weights the Rollout controller wrote in status.canary.weights (stable and canary by
 * pod-template-hash). A Service the Rollout points at one revision (its canaryService or
 * stableService, whose selector carries rollouts-pod-template-hash) needs none.
 */
import { isEmptySelector, matchesSelector } from '../api/labels.ts'
import type { Rollout, Service } from '../api/types.ts'

const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash'

/** Revision → weight for the Service, or undefined when no Rollout's pods are behind it. */
export function revisionWeights(svc: Service, rollouts: readonly Rollout[]): Record<string, number> | undefined {
  const selector = svc.spec.selector
  if (!selector || Object.keys(selector).length === 0 || selector[ROLLOUT_HASH_LABEL] !== undefined) return undefined
  const namespace = svc.metadata.namespace ?? 'default'
  for (const r of rollouts) {
    const w = r.status?.canary?.weights
    if (!w || (r.metadata.namespace ?? 'default') !== namespace) continue
    const labels = r.spec.template.metadata?.labels ?? {}
    if (isEmptySelector({ matchLabels: selector }) || !matchesSelector({ matchLabels: selector }, labels)) continue
    if (w.canary.podTemplateHash === w.stable.podTemplateHash) return { [w.stable.podTemplateHash]: 100 }
    return { [w.stable.podTemplateHash]: w.stable.weight, [w.canary.podTemplateHash]: w.canary.weight }
  }
  return undefined
}
