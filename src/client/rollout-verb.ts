/**
 * @module
 * How a kubectl-argo-rollouts verb (promote, abort, retry: rollout/argo-verbs.ts decides) is
 * written, for the CLI and the dashboard alike: read the Rollout, let the verb decide, clear
 * spec.paused through the object when it says so, then write its status through the status
 * subresource (as the plugin does), all again from a fresh read when the controller's own
 * status write came in between (a conflict).
 */
import { resourcePath } from '../api/resources.ts'
import { retryOnConflict } from '../api/retry-on-conflict.ts'
import type { Rollout, RolloutStatus } from '../api/types.ts'
import type { ApiClient } from './api-client.ts'

/** A verb's decision: what to write, and the sentence to tell the user. */
export interface RolloutVerbWrite {
  status?: RolloutStatus
  /** spec.paused to clear (through the object, not the status subresource). */
  unpause?: boolean
  message: string
}

/** Runs `verb` on the Rollout as it is now and writes what it decides; returns its message. */
export async function writeRolloutVerb(
  client: ApiClient,
  namespace: string,
  name: string,
  verb: (r: Rollout) => RolloutVerbWrite,
): Promise<string> {
  return retryOnConflict(async () => {
    const r = await client.get('Rollout', namespace, name)
    const result = verb(r)
    let latest = r
    if (result.unpause) latest = await client.update({ ...latest, spec: { ...latest.spec, paused: false } })
    if (result.status) {
      await client.json('PUT', `${resourcePath('Rollout', namespace, name)}/status`, {
        ...latest,
        status: result.status,
      })
    }
    return result.message
  })
}
