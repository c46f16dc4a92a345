import { describe, expect, it } from 'vitest'
import { aDeployment, aReplicaSet } from '../../test/support/builders.ts'
import { SCALE_DOWN_DELAY_ANNOTATION } from '../api/warm-window.ts'
import { warmDelayFor, warmReturnSize } from './warm-window.ts'

const windowed = aDeployment({ image: 'app:v2', annotations: { [SCALE_DOWN_DELAY_ANNOTATION]: '60' } })
const current = aReplicaSet({ name: 'web-new', replicas: 3, owner: windowed, template: windowed.spec.template })
const previous = aReplicaSet({ name: 'web-old', replicas: 3, owner: windowed, image: 'app:v1' })

describe('warmDelayFor', () => {
  it.each([
    { name: 'a previous revision keeps what it gives up warm', rs: previous, owner: windowed, seconds: 60 },
    { name: 'the current revision scaling down deletes, as in Kubernetes', rs: current, owner: windowed, seconds: 0 },
    { name: 'no window on the Deployment', rs: previous, owner: aDeployment({ image: 'app:v2' }), seconds: 0 },
    { name: 'no owning Deployment (a Rollout or a bare ReplicaSet)', rs: previous, owner: undefined, seconds: 0 },
    {
      name: 'a Deployment being deleted keeps nothing',
      rs: previous,
      owner: { ...windowed, metadata: { ...windowed.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
      seconds: 0,
    },
  ])('$name', ({ rs, owner, seconds }) => expect(warmDelayFor(rs, owner)).toBe(seconds))
})

describe('warmReturnSize', () => {
  it.each([
    { name: 'undo inside the window: every warm pod back at once', desired: 10, current: 0, warm: 10, size: 10 },
    { name: 'more warm than needed: up to desired', desired: 4, current: 0, warm: 10, size: 4 },
    { name: 'some warm: those at once, the rolling update makes the rest', desired: 10, current: 2, warm: 5, size: 7 },
    { name: 'none warm: nothing to gain', desired: 10, current: 3, warm: 0, size: 3 },
    { name: 'already full: nothing', desired: 3, current: 3, warm: 2, size: 3 },
    {
      name: 'above desired (scaled down meanwhile): left to the rolling update',
      desired: 3,
      current: 5,
      warm: 2,
      size: 5,
    },
  ])('$name', ({ desired, current, warm, size }) => expect(warmReturnSize(desired, current, warm)).toBe(size))
})
