import { describe, expect, it } from 'vitest'
import type { Pod, PodPhase } from '../../api/types.ts'
import { aContainerStatus, aPod } from '../../../test/support/builders.ts'
import { backoffCount } from './job-backoff-limit.ts'

/** `n` pods of a Job in `phase`, the i-th with restartCounts[i] restarts (the Job controller test's newPodList). */
function pods(phase: PodPhase | '', restartCounts: readonly number[]): Pod[] {
  return restartCounts.map((restartCount, i) => ({
    ...aPod({ name: `job-${phase || 'none'}-${i}` }),
    status: {
      ...(phase ? { phase } : {}),
      containerStatuses: [{ ...aContainerStatus('c', 'c:v1', { running: {} }), restartCount }],
    },
  }))
}

const failedPods = (n: number): Pod[] => pods('Failed', Array(n).fill(0))

describe('backoffCount, restartPolicy OnFailure (kubernetes TestJobBackoffForOnFailure)', () => {
  // Each row: the Job's backoffLimit, its pods' restartCounts and phase; whether the Job fails
  // with BackoffLimitExceeded (expectedCondition Failed) or keeps its pods active.
  it.each([
    { name: 'backoffLimit 0 should have 1 pod active', limit: 0, restarts: [0], phase: 'Running', exceeded: false },
    {
      name: 'backoffLimit 1 with restartCount 0 should have 1 pod active',
      limit: 1,
      restarts: [0],
      phase: 'Running',
      exceeded: false,
    },
    {
      name: 'backoffLimit 1 with restartCount 1 and podRunning should have 0 pod active',
      limit: 1,
      restarts: [1],
      phase: 'Running',
      exceeded: true,
    },
    {
      name: 'backoffLimit 1 with restartCount 1 and podPending should have 0 pod active',
      limit: 1,
      restarts: [1],
      phase: 'Pending',
      exceeded: true,
    },
    {
      name: 'too many job failures with podRunning - single pod',
      limit: 2,
      restarts: [2],
      phase: 'Running',
      exceeded: true,
    },
    {
      name: 'too many job failures with podPending - single pod',
      limit: 2,
      restarts: [2],
      phase: 'Pending',
      exceeded: true,
    },
    {
      name: 'too many job failures with podRunning - multiple pods',
      limit: 2,
      restarts: [1, 1],
      phase: 'Running',
      exceeded: true,
    },
    {
      name: 'too many job failures with podPending - multiple pods',
      limit: 2,
      restarts: [1, 1],
      phase: 'Pending',
      exceeded: true,
    },
    { name: 'not enough failures', limit: 3, restarts: [1, 1], phase: 'Running', exceeded: false },
    // Baton's rows: what the rule leaves out.
    { name: 'backoffLimit 0, one restart: exceeded', limit: 0, restarts: [1], phase: 'Running', exceeded: true },
    {
      name: "a succeeded pod's restarts no longer count",
      limit: 2,
      restarts: [2],
      phase: 'Succeeded',
      exceeded: false,
    },
  ] as const)('$name', ({ limit, restarts, phase, exceeded }) => {
    const count = backoffCount('OnFailure', limit, pods(phase, restarts))
    expect(count.exceeded).toBe(exceeded)
    expect(count.failed).toBe(0)
    expect(count.restarts).toBe(phase === 'Succeeded' ? 0 : restarts.reduce((a: number, b: number) => a + b, 0))
  })
})

describe('backoffCount, restartPolicy Never (kubernetes TestJobBackoffOnRestartPolicyNever)', () => {
  // [name, backoffLimit, active pods' phase, active pods, failed pods, BackoffLimitExceeded]
  it.each([
    ['not enough failures with backoffLimit 0 - single pod', 0, 'Running', 1, 0, false],
    ['not enough failures with backoffLimit 1 - single pod', 1, '', 0, 1, false],
    ['too many failures with backoffLimit 1 - single pod', 1, '', 0, 2, true],
    ['not enough failures with backoffLimit 6 - multiple pods', 6, 'Running', 1, 6, false],
    ['too many failures with backoffLimit 6 - multiple pods', 6, '', 0, 7, true],
  ] as const)('%s', (_name, limit, phase, n, failed, exceeded) => {
    const count = backoffCount('Never', limit, [...failedPods(failed), ...pods(phase, Array(n).fill(0))])
    expect(count).toEqual({ failed, restarts: 0, exceeded })
  })

  it('restarts in place are not counted for Never (a Never pod is never restarted)', () => {
    expect(backoffCount('Never', 1, pods('Running', [3])).exceeded).toBe(false)
  })
})
