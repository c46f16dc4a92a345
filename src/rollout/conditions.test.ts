import { describe, expect, it } from 'vitest'
import type { DeploymentCondition, DeploymentStatus } from '../api/types.ts'
import {
  checkPausedConditions,
  getDeploymentCondition,
  newDeploymentCondition,
  removeDeploymentCondition,
  setDeploymentCondition,
} from './conditions.ts'
import { T0, aDeployment, at } from '../../test/support/builders.ts'

const progressing: DeploymentCondition = { type: 'Progressing', status: 'False', reason: 'ForSomeReason' }
const progressing2: DeploymentCondition = { type: 'Progressing', status: 'True', reason: 'BecauseItIs' }
const available: DeploymentCondition = { type: 'Available', status: 'True', reason: 'AwesomeController' }

// TestGetCondition / TestSetCondition / TestRemoveCondition
describe('condition bookkeeping', () => {
  it.each([
    { name: 'condition exists', type: 'Available' as const, want: true },
    { name: 'condition does not exist', type: 'ReplicaFailure' as const, want: false },
  ])('get: $name', ({ type, want }) => {
    expect(getDeploymentCondition({ conditions: [progressing, available] }, type) !== undefined).toBe(want)
  })

  it.each([
    { name: 'set for the first time', status: {}, cond: available, want: { conditions: [available] } },
    {
      name: 'simple set',
      status: { conditions: [progressing] },
      cond: available,
      want: { conditions: [progressing, available] },
    },
    {
      name: 'overwrite',
      status: { conditions: [progressing] },
      cond: progressing2,
      want: { conditions: [progressing2] },
    },
  ] as Array<{ name: string; status: DeploymentStatus; cond: DeploymentCondition; want: DeploymentStatus }>)(
    'set: $name',
    ({ status, cond, want }) => {
      expect(setDeploymentCondition(status, cond)).toEqual(want)
    },
  )

  it.each([
    { name: 'remove from empty status', status: {}, type: 'Progressing', want: {} },
    { name: 'simple remove', status: { conditions: [progressing] }, type: 'Progressing', want: {} },
    {
      name: "doesn't remove anything",
      status: { conditions: [progressing, available] },
      type: 'ReplicaFailure',
      want: { conditions: [progressing, available] },
    },
  ] as Array<{ name: string; status: DeploymentStatus; type: DeploymentCondition['type']; want: DeploymentStatus }>)(
    'remove: $name',
    ({ status, type, want }) => {
      expect(removeDeploymentCondition(status, type)).toEqual(want)
    },
  )

  it('same status and reason changes nothing, timestamps included', () => {
    const old = newDeploymentCondition('Available', 'True', 'R', 'm', T0)
    const status = { conditions: [old] }
    expect(setDeploymentCondition(status, newDeploymentCondition('Available', 'True', 'R', 'other', T0 + 60_000))).toBe(
      status,
    )
  })

  it('a new reason with the same status keeps lastTransitionTime and moves to the end', () => {
    const old = newDeploymentCondition('Progressing', 'True', 'NewReplicaSetCreated', 'm', T0)
    const next = setDeploymentCondition(
      { conditions: [old, available] },
      newDeploymentCondition('Progressing', 'True', 'ReplicaSetUpdated', 'p', T0 + 60_000),
    )
    expect(next.conditions).toEqual([
      available,
      {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: 'p',
        lastUpdateTime: at(60),
        lastTransitionTime: at(0),
      },
    ])
  })
})

describe('checkPausedConditions', () => {
  const cond = (reason: string, status: DeploymentCondition['status'] = 'True'): DeploymentCondition[] => [
    { type: 'Progressing', status, reason, lastUpdateTime: at(0), lastTransitionTime: at(0) },
  ]
  it.each([
    {
      name: 'pausing sets DeploymentPaused',
      paused: true,
      conditions: cond('ReplicaSetUpdated'),
      want: ['Unknown', 'DeploymentPaused', 'Deployment is paused'],
    },
    {
      name: 'already marked paused: nothing',
      paused: true,
      conditions: cond('DeploymentPaused', 'Unknown'),
      want: undefined,
    },
    {
      name: 'resuming sets DeploymentResumed',
      paused: false,
      conditions: cond('DeploymentPaused', 'Unknown'),
      want: ['Unknown', 'DeploymentResumed', 'Deployment is resumed'],
    },
    { name: 'not paused, never was: nothing', paused: false, conditions: cond('ReplicaSetUpdated'), want: undefined },
    {
      name: 'a timed-out rollout stays timed out',
      paused: true,
      conditions: cond('ProgressDeadlineExceeded', 'False'),
      want: undefined,
    },
    {
      name: 'pausing without any condition',
      paused: true,
      conditions: undefined,
      want: ['Unknown', 'DeploymentPaused', 'Deployment is paused'],
    },
  ])('$name', ({ paused, conditions, want }) => {
    const got = checkPausedConditions(aDeployment({ paused, ...(conditions ? { conditions } : {}) }), T0 + 30_000)
    const c = getDeploymentCondition(got, 'Progressing')
    expect(c ? [c.status, c.reason, c.message] : undefined).toEqual(want)
    if (c) expect(c.lastUpdateTime).toBe(at(30))
  })

  it('does nothing without a progress deadline', () => {
    expect(
      checkPausedConditions(aDeployment({ paused: true, progressDeadlineSeconds: 2147483647 }), T0),
    ).toBeUndefined()
  })
})
