/**
 * @module
 * A canary's weight three ways, for the Rollout page: what the steps ask for (setWeight, as
 * `get rollout` prints SETWEIGHT), what the controller has told the load balancer
 * (status.canary.weights, ACTUALWEIGHT: it moves to a step's weight only once the canary's pods
 * for it are available), and what the load balancer measured: the canary's share of the
 * requests the stable and canary revisions served over the last seconds.
 *
 * Example: 5 one-second samples with stable 90 req/s and canary 10 req/s each → measured
 * 10% of 500 requests.
 */
import { actualWeightText, setWeightText } from '../../api/rollout-text.ts'
import type { Rollout } from '../../api/types.ts'
import type { RevisionRate } from './traffic-window.ts'

export interface WeightView {
  /** The steps' weight now (0–100); undefined for blueGreen. */
  desired?: number
  /** The weight the load balancer applies; undefined for blueGreen or before the controller wrote one. */
  applied?: number
  /** The canary's measured share (0–100), undefined without requests in the window. */
  measured?: number
  /** Requests to the two revisions in the window the share was measured over. */
  requests: number
}

const num = (text: string): number | undefined => (text === '-' ? undefined : Number(text))

/** Seconds of samples the measured share is taken over: one second of 100 req/s is too few to read 10% from. */
export const MEASURE_SECONDS = 5

/**
 * @param samples per-second rates by pod-template-hash (traffic-window.ts), oldest first
 */
export function weightView(r: Rollout, samples: readonly ReadonlyMap<string, RevisionRate>[]): WeightView {
  const desired = num(setWeightText(r))
  const applied = num(actualWeightText(r))
  const w = r.status?.canary?.weights
  const view: WeightView = { requests: 0 }
  if (desired !== undefined) view.desired = desired
  if (applied !== undefined) view.applied = applied
  if (!w || desired === undefined) return view
  let stable = 0
  let canary = 0
  for (const s of samples.slice(-MEASURE_SECONDS)) {
    // One revision both stable and canary (fully promoted): it is the new revision, so its
    // requests count as the canary's, as ACTUALWEIGHT says 100 then.
    if (w.canary.podTemplateHash !== w.stable.podTemplateHash) stable += s.get(w.stable.podTemplateHash)?.rps ?? 0
    canary += s.get(w.canary.podTemplateHash)?.rps ?? 0
  }
  const requests = Math.round(stable + canary)
  view.requests = requests
  if (requests > 0) view.measured = (100 * canary) / (stable + canary)
  return view
}

/** "10%", "9.8%": a weight to one decimal when it is not whole. */
export function percentText(p: number | undefined): string {
  if (p === undefined) return '–'
  const rounded = Math.round(p * 10) / 10
  return `${rounded}%`
}
