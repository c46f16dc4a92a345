/**
 * @module
 * The Rollout page's four buttons (Promote, Promote full, Abort, Retry) and whether each can do
 * anything now. The answer is the verb's own: each is tried on the Rollout as the watch has it
 * (rollout/argo-verbs.ts, the functions `baton rollout promote | abort | retry` run), and a verb
 * that would refuse disables its button with the refusal as the reason. The write itself reads
 * the Rollout again (client/rollout-verb.ts), so a button pressed on a stale page gets the
 * verb's error in its dialog, never a wrong write.
 */
import type { Rollout } from '../../api/types.ts'
import { abort, promote, retry, type VerbResult } from '../../rollout/argo-verbs.ts'

export type RolloutVerb = 'promote' | 'promote-full' | 'abort' | 'retry'

export const VERBS: Record<RolloutVerb, { label: string; run: (r: Rollout) => VerbResult }> = {
  promote: { label: 'Promote', run: (r) => promote(r, false) },
  'promote-full': { label: 'Promote full', run: (r) => promote(r, true) },
  abort: { label: 'Abort', run: abort },
  retry: { label: 'Retry', run: retry },
}

export interface VerbState {
  verb: RolloutVerb
  enabled: boolean
  /** Why it is disabled: the verb's own refusal. */
  reason?: string
}

export function verbStates(r: Rollout): VerbState[] {
  return (Object.keys(VERBS) as RolloutVerb[]).map((verb) => {
    // promote --full of a Rollout with nothing under way would only set a flag the next sync drops.
    if (verb === 'promote-full' && !underWay(r)) return { verb, enabled: false, reason: 'no update is under way' }
    // The verb writes an abort again (as the plugin does); a button for that would do nothing.
    if (verb === 'abort' && r.status?.abort) return { verb, enabled: false, reason: 'already aborted' }
    try {
      VERBS[verb].run(r)
      return { verb, enabled: true }
    } catch (err) {
      return { verb, enabled: false, reason: (err as Error).message }
    }
  })
}

/** A new template not yet stable, or a paused Rollout. */
function underWay(r: Rollout): boolean {
  const st = r.status
  return r.spec.paused === true || (st?.currentPodHash !== undefined && st.currentPodHash !== st.stableRS)
}
