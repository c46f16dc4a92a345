import { describe, expect, it } from 'vitest'
import { aDeployment, aReplicaSet } from '../../test/support/builders.ts'
import type { DeploymentCondition } from '../api/types.ts'
import { automaticOutcome, awaitingFailurePolicy, verdictOf } from './failure-outcome.ts'

const rolledBack: DeploymentCondition = {
  type: 'FailurePolicy',
  status: 'True',
  reason: 'RolledBack',
  message: 'revision 3 failed: …; rolled back to revision 2',
  lastTransitionTime: '2026-01-01T00:00:09Z',
}
const deadline: DeploymentCondition = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }

describe('automaticOutcome', () => {
  const cases: Array<{
    name: string
    annotations?: Record<string, string>
    paused?: boolean
    conditions?: DeploymentCondition[]
    want: unknown
  }> = [
    { name: 'nothing recorded', want: undefined },
    {
      name: 'rolled back at this generation: the condition says why and when',
      annotations: { 'baton.dev/rolled-back-generation': '5' },
      conditions: [rolledBack],
      want: { kind: 'rolledBack', message: rolledBack.message, at: '2026-01-01T00:00:09Z' },
    },
    {
      name: 'rolled back at an earlier generation: the next change ended it',
      annotations: { 'baton.dev/rolled-back-generation': '4' },
      conditions: [rolledBack],
      want: undefined,
    },
    {
      name: 'rolled back, condition not written: still the outcome, without a reason',
      annotations: { 'baton.dev/rolled-back-generation': '5' },
      want: { kind: 'rolledBack', message: 'the failure policy acted' },
    },
    {
      name: 'paused by the policy and still paused',
      annotations: { 'baton.dev/failure-paused-generation': '5' },
      paused: true,
      conditions: [{ ...rolledBack, reason: 'Paused', message: 'paused because' }],
      want: { kind: 'paused', message: 'paused because', at: '2026-01-01T00:00:09Z' },
    },
    {
      name: 'paused by the policy, resumed since',
      annotations: { 'baton.dev/failure-paused-generation': '5' },
      paused: false,
      want: undefined,
    },
  ]
  it.each(cases)('$name', ({ annotations, paused, conditions, want }) => {
    const d = aDeployment({
      generation: 5,
      ...(annotations ? { annotations } : {}),
      ...(paused !== undefined ? { paused } : {}),
      ...(conditions ? { conditions } : {}),
    })
    expect(automaticOutcome(d)).toEqual(want)
  })
})

describe('awaitingFailurePolicy', () => {
  const policy = (action: string) => ({ 'baton.dev/failure-action': action, 'deployment.kubernetes.io/revision': '2' })
  const cases: Array<{
    name: string
    annotations: Record<string, string>
    conditions?: DeploymentCondition[]
    want: boolean
  }> = [
    {
      name: 'rollback policy past the deadline: wait for it',
      annotations: policy('rollback'),
      conditions: [deadline],
      want: true,
    },
    {
      name: 'pause policy past the deadline: wait for it',
      annotations: policy('pause'),
      conditions: [deadline],
      want: true,
    },
    {
      name: 'continue: the deadline is the outcome',
      annotations: policy('continue'),
      conditions: [deadline],
      want: false,
    },
    { name: 'no deadline passed', annotations: policy('rollback'), want: false },
    {
      name: 'the first revision has nothing to go back to',
      annotations: { ...policy('rollback'), 'deployment.kubernetes.io/revision': '1' },
      conditions: [deadline],
      want: false,
    },
    { name: 'no policy', annotations: {}, conditions: [deadline], want: false },
  ]
  it.each(cases)('$name', ({ annotations, conditions, want }) => {
    expect(awaitingFailurePolicy(aDeployment({ annotations, ...(conditions ? { conditions } : {}) }))).toBe(want)
  })
})

describe('verdictOf', () => {
  it.each([
    { value: 'passed', want: 'passed' },
    { value: 'failed', want: 'failed' },
    { value: 'bogus', want: undefined },
  ])('$value', ({ value, want }) => {
    const rs = aReplicaSet({ name: 'web-a', replicas: 1, annotations: { 'baton.dev/failure-policy-verdict': value } })
    expect(verdictOf(rs)).toBe(want)
  })
})
