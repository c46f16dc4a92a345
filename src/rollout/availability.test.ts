import { describe, expect, it } from 'vitest'
import { isPodReady } from '../api/pod-readiness.ts'
import { countReplicaSetPods, isPodAvailable, nextAvailabilityCheck, replicaSetStatusFromPods } from './availability.ts'
import { T0, aPod, aReplicaSet } from '../../test/support/builders.ts'

const sec = (s: number) => T0 + s * 1000

describe('isPodAvailable', () => {
  it.each([
    { name: 'not ready', pod: aPod({ name: 'p' }), minReady: 0, now: sec(100), want: false },
    {
      name: 'ready, minReadySeconds 0',
      pod: aPod({ name: 'p', readySince: 100 }),
      minReady: 0,
      now: sec(100),
      want: true,
    },
    {
      name: 'ready exactly minReadySeconds ago is not yet available',
      pod: aPod({ name: 'p', readySince: 0 }),
      minReady: 10,
      now: sec(10),
      want: false,
    },
    {
      name: 'ready strictly longer than minReadySeconds',
      pod: aPod({ name: 'p', readySince: 0 }),
      minReady: 10,
      now: sec(10) + 1,
      want: true,
    },
  ])('$name', ({ pod, minReady, now, want }) => {
    expect(isPodAvailable(pod, minReady, now)).toBe(want)
  })

  it('never counts a Ready condition without a transition time once minReadySeconds is set', () => {
    const pod = aPod({ name: 'p' })
    pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }
    expect(isPodReady(pod)).toBe(true)
    expect(isPodAvailable(pod, 5, sec(1000))).toBe(false)
    expect(isPodAvailable(pod, 0, sec(1000))).toBe(true)
  })
})

describe('replicaSetStatusFromPods', () => {
  const rs = aReplicaSet({ name: 'web-a', replicas: 4, minReadySeconds: 10, generation: 3 })
  const pods = [
    aPod({ name: 'ready-long', owner: rs, readySince: 0 }),
    aPod({ name: 'ready-new', owner: rs, readySince: 95 }),
    aPod({ name: 'starting', owner: rs, phase: 'Pending' }),
    aPod({ name: 'terminating', owner: rs, readySince: 0, deleting: true }),
    aPod({ name: 'done', owner: rs, phase: 'Succeeded' }),
    aPod({ name: 'crashed', owner: rs, phase: 'Failed' }),
    aPod({ name: 'unlabeled', owner: rs, readySince: 0, labels: {} }),
  ]

  it('counts only active pods: terminating and finished ones are gone', () => {
    expect(replicaSetStatusFromPods(rs, pods, sec(100))).toEqual({
      replicas: 4,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 2,
      observedGeneration: 3,
    })
  })

  it('with the DeploymentReplicaSetTerminatingReplicas gate, counts pods being shut down apart', () => {
    const doneWhileDeleting = aPod({ name: 'deleted-and-done', owner: rs, phase: 'Succeeded', deleting: true })
    expect(countReplicaSetPods(rs, [...pods, doneWhileDeleting], sec(100), true).status).toEqual({
      replicas: 4,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 2,
      terminatingReplicas: 1,
      observedGeneration: 3,
    })
  })

  it('counts a Ready pod without a transition time as ready, never as available', () => {
    const pod = aPod({ name: 'no-time', owner: rs })
    pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }
    expect(replicaSetStatusFromPods(rs, [pod], sec(1000))).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 0,
    })
  })

  it('finds when the next pod becomes available', () => {
    // ready-new turned Ready at 95 s; available strictly after 105 s.
    expect(nextAvailabilityCheck(rs, pods, sec(100))).toBe(5001)
    expect(nextAvailabilityCheck(rs, pods, sec(106))).toBeUndefined()
  })

  it('counts and finds the next check in one pass (the worked example in its comment)', () => {
    const counted = [
      aPod({ name: 'a', owner: rs, readySince: 0 }),
      aPod({ name: 'b', owner: rs, readySince: 95 }),
      aPod({ name: 'c', owner: rs, phase: 'Pending' }),
    ]
    expect(countReplicaSetPods(rs, counted, sec(100))).toEqual({
      status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 },
      recheckAfterMs: 5001,
    })
  })
})
