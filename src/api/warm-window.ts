/**
 * @module
 * A Deployment's warm window (docs/instant-rollback.md): with
 * `baton.dev/scale-down-delay-seconds: N`, a pod that an old ReplicaSet gives up is taken out
 * of every Service (the load balancer drains it) but keeps running for N seconds, marked
 * `baton.dev/warm-until: <RFC 3339>`. A `rollout undo` inside the window brings those pods back
 * into service instead of starting new ones. Argo Rollouts' `scaleDownDelaySeconds`, for a
 * Deployment.
 */
import type { Deployment, Pod } from './types.ts'
import { at, type FieldError, forbidden, invalid } from './field-errors.ts'
import { parseTimestamp } from './timestamps.ts'

export const SCALE_DOWN_DELAY_ANNOTATION = 'baton.dev/scale-down-delay-seconds'
/** On a pod: kept running out of service until then; the ReplicaSet controller deletes it after. */
export const WARM_UNTIL_ANNOTATION = 'baton.dev/warm-until'

/** A day: a window longer than that is a second Deployment, not a rollback aid. */
export const MAX_SCALE_DOWN_DELAY_SECONDS = 86_400

const FIELD = at('metadata', `annotations[${SCALE_DOWN_DELAY_ANNOTATION}]`)
const DOCS = 'See docs/instant-rollback.md.'

function parseSeconds(text: string): number | undefined {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  return Number.isSafeInteger(n) && n <= MAX_SCALE_DOWN_DELAY_SECONDS ? n : undefined
}

/** Problems with the window's annotation on a Deployment, as field errors. */
export function warmWindowErrors(d: Pick<Deployment, 'metadata' | 'spec'>): FieldError[] {
  const text = d.metadata?.annotations?.[SCALE_DOWN_DELAY_ANNOTATION]
  if (text === undefined) return []
  if (parseSeconds(text) === undefined) {
    return [
      invalid(
        FIELD,
        text,
        `must be a whole number of seconds from 0 to ${MAX_SCALE_DOWN_DELAY_SECONDS}`,
        `Write e.g. "60". ${DOCS}`,
      ),
    ]
  }
  if (d.spec?.strategy?.type === 'Recreate') {
    return [
      forbidden(
        FIELD,
        'a Recreate Deployment never runs two revisions at once, so none can be kept warm',
        `Use strategy RollingUpdate, or remove the annotation. ${DOCS}`,
      ),
    ]
  }
  return []
}

/** The window in seconds (0: off, the default; malformed values are refused at admission). */
export function scaleDownDelaySeconds(d: Pick<Deployment, 'metadata'>): number {
  const text = d.metadata.annotations?.[SCALE_DOWN_DELAY_ANNOTATION]
  return text === undefined ? 0 : (parseSeconds(text) ?? 0)
}

/** Kept running out of service (taken from its ReplicaSet's count and from every Service). */
export function isPodWarm(pod: Pod): boolean {
  return pod.metadata.annotations?.[WARM_UNTIL_ANNOTATION] !== undefined
}

/** When a warm pod's window ends (epoch ms); 0 for an unparsable mark, so it ends at once. */
export function warmUntil(pod: Pod): number {
  return parseTimestamp(pod.metadata.annotations?.[WARM_UNTIL_ANNOTATION])
}
