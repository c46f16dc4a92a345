import { describe, expect, it } from 'vitest'
import { aDeployment, aPod, T0 } from '../../test/support/builders.ts'
import type { Pod } from '../api/types.ts'
import { rolloutTrouble } from './rollout-trouble.ts'

const waiting = (reason: string, message?: string): Pod => {
  const p = aPod({ name: 'web-2-a', phase: 'Pending', restarts: 4 })
  p.status!.containerStatuses![0]!.state = { waiting: { reason, ...(message ? { message } : {}) } }
  return p
}
const deadline = aDeployment({
  conditions: [
    {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-2" has timed out progressing.',
    },
  ],
})

describe('rolloutTrouble', () => {
  it.each([
    {
      name: 'healthy: no pods in trouble',
      d: aDeployment(),
      pods: [aPod({ name: 'a', readySince: 0 })],
      reason: undefined,
    },
    {
      name: 'a missing artifact',
      d: aDeployment(),
      pods: [waiting('ImagePullBackOff', 'no artifact "app" has been pushed')],
      reason: 'ImagePullBackOff',
      next: /^push it \(baton push app DIR\)/,
    },
    {
      name: 'a crash loop',
      d: aDeployment(),
      pods: [waiting('CrashLoopBackOff')],
      reason: 'CrashLoopBackOff',
      next: /baton logs web-2-a -c app -p/,
    },
    {
      name: 'the progress deadline',
      d: deadline,
      pods: [],
      reason: 'ProgressDeadlineExceeded',
      next: /^undo to the last good revision \(baton rollout undo deployment\/web\)/,
    },
    {
      name: 'a pod unready for 60 s',
      d: aDeployment(),
      pods: [aPod({ name: 'b', ready: false, readySince: 0 })],
      now: T0 + 60_000,
      reason: 'ReadinessFailing',
      next: /baton logs b/,
    },
    {
      name: 'a pod unready for 30 s: a normal start',
      d: aDeployment(),
      pods: [aPod({ name: 'b', ready: false, readySince: 0 })],
      now: T0 + 30_000,
      reason: undefined,
    },
  ])('$name', ({ d, pods, now, reason, next }) => {
    const trouble = rolloutTrouble(d, pods, now ?? T0)
    expect(trouble?.reason).toBe(reason)
    if (next) expect(trouble?.next).toMatch(next)
  })
})
