/**
 * @module
 * One word per pod for the dashboard's dots, in the order a person asks about them: is it on
 * its way out, is it broken, is it serving, is it running but not ready yet, or still coming.
 */
import { isPodReady } from '../../api/pod-readiness.ts'
import type { Pod } from '../../api/types.ts'

export type PodState = 'terminating' | 'failed' | 'ready' | 'starting' | 'pending'

export const POD_STATES: readonly PodState[] = ['pending', 'starting', 'ready', 'terminating', 'failed']

// Waiting reasons that mean the container keeps failing rather than still coming up.
const FAILING = /BackOff|Err|Error|Invalid/

export function podState(pod: Pod): PodState {
  if (pod.metadata.deletionTimestamp) return 'terminating'
  const s = pod.status
  if (s?.phase === 'Failed') return 'failed'
  if (s?.containerStatuses?.some((c) => FAILING.test(c.state.waiting?.reason ?? ''))) return 'failed'
  if (isPodReady(pod)) return 'ready'
  if (s?.phase === 'Running' || s?.containerStatuses?.some((c) => c.state.running)) return 'starting'
  return 'pending'
}
