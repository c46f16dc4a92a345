import { describe, expect, it } from 'vitest'
import type { ContainerState, Pod, PodStatus } from '../../api/types.ts'
import { podState, type PodState } from './pod-state.ts'

function pod(status: PodStatus | undefined, deleting = false): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'app', image: 'web:v1' }] },
    ...(status ? { status } : {}),
  }
}
const container = (state: ContainerState) => ({
  name: 'app',
  state,
  lastState: {},
  ready: false,
  restartCount: 0,
  image: 'web:v1',
  imageID: '',
})
const ready = { type: 'Ready' as const, status: 'True' as const }

const cases: Array<{ name: string; pod: Pod; want: PodState }> = [
  { name: 'no status yet', pod: pod(undefined), want: 'pending' },
  { name: 'Pending phase', pod: pod({ phase: 'Pending' }), want: 'pending' },
  {
    name: 'running, not ready',
    pod: pod({ phase: 'Running', containerStatuses: [container({ running: { startedAt: 'x' } })] }),
    want: 'starting',
  },
  { name: 'ready', pod: pod({ phase: 'Running', conditions: [ready] }), want: 'ready' },
  {
    name: 'crash looping',
    pod: pod({ phase: 'Running', containerStatuses: [container({ waiting: { reason: 'CrashLoopBackOff' } })] }),
    want: 'failed',
  },
  {
    name: 'waiting to be created is not failing',
    pod: pod({ phase: 'Pending', containerStatuses: [container({ waiting: { reason: 'ContainerCreating' } })] }),
    want: 'pending',
  },
  { name: 'Failed phase', pod: pod({ phase: 'Failed' }), want: 'failed' },
  {
    name: 'being deleted, even if ready',
    pod: pod({ phase: 'Running', conditions: [ready] }, true),
    want: 'terminating',
  },
]

describe('podState', () => {
  it.each(cases)('$name → $want', ({ pod, want }) => expect(podState(pod)).toBe(want))
})
