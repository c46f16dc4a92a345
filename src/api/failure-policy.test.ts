import { describe, expect, it } from 'vitest'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { failurePolicyErrors, failurePolicyOf } from './failure-policy.ts'
import { deployment } from './test-objects.ts'
import { validateObject } from './validate.ts'

describe('failurePolicyOf', () => {
  const cases: Array<{ name: string; annotations?: Record<string, string>; want: unknown }> = [
    { name: 'no annotations: off', want: undefined },
    { name: 'other annotations only: off', annotations: { 'a/b': 'c' }, want: undefined },
    {
      name: 'an action alone takes Swarm defaults (monitor 5s, max failure ratio 0)',
      annotations: { 'baton.dev/failure-action': 'rollback' },
      want: { action: 'rollback', monitorMs: 5000, maxFailureRatio: 0, maxErrorRatio: 0.01, minRequests: 100 },
    },
    {
      name: 'every key set',
      annotations: {
        'baton.dev/failure-action': 'pause',
        'baton.dev/failure-monitor': '1m30s',
        'baton.dev/max-failure-ratio': '0.25',
        'baton.dev/max-error-ratio': '.02',
        'baton.dev/max-p99-ratio': '3',
        'baton.dev/min-requests': '50',
      },
      want: {
        action: 'pause',
        monitorMs: 90_000,
        maxFailureRatio: 0.25,
        maxErrorRatio: 0.02,
        maxP99Ratio: 3,
        minRequests: 50,
      },
    },
    { name: 'a malformed policy is off', annotations: { 'baton.dev/failure-action': 'undo' }, want: undefined },
  ]
  it.each(cases)('$name', ({ annotations, want }) => {
    expect(failurePolicyOf(annotations)).toEqual(want)
  })
})

describe('failurePolicyErrors', () => {
  const action = { 'baton.dev/failure-action': 'rollback' }
  const cases: Array<{ name: string; annotations: Record<string, string>; want: string[] }> = [
    { name: 'a valid policy', annotations: { ...action, 'baton.dev/failure-monitor': '10s' }, want: [] },
    {
      name: 'an unknown action',
      annotations: { 'baton.dev/failure-action': 'undo' },
      want: [
        'metadata.annotations[baton.dev/failure-action]: Unsupported value: "undo": supported values: "rollback", "pause", "continue"',
      ],
    },
    {
      name: 'a monitor that is not a duration',
      annotations: { ...action, 'baton.dev/failure-monitor': '10' },
      want: ['metadata.annotations[baton.dev/failure-monitor]: Invalid value: "10": must be a positive duration'],
    },
    {
      name: 'a zero monitor',
      annotations: { ...action, 'baton.dev/failure-monitor': '0s' },
      want: ['metadata.annotations[baton.dev/failure-monitor]: Invalid value: "0s": must be a positive duration'],
    },
    {
      name: 'a ratio above 1',
      annotations: { ...action, 'baton.dev/max-failure-ratio': '1.5' },
      want: ['metadata.annotations[baton.dev/max-failure-ratio]: Invalid value: "1.5": must be a number from 0 to 1'],
    },
    {
      name: 'a percentage instead of a ratio',
      annotations: { ...action, 'baton.dev/max-error-ratio': '5%' },
      want: ['metadata.annotations[baton.dev/max-error-ratio]: Invalid value: "5%": must be a number from 0 to 1'],
    },
    {
      name: 'a p99 ratio below 1',
      annotations: { ...action, 'baton.dev/max-p99-ratio': '0.5' },
      want: ['metadata.annotations[baton.dev/max-p99-ratio]: Invalid value: "0.5": must be at least 1'],
    },
    {
      name: 'a minimum sample of 0 (a revision with no requests would pass)',
      annotations: { ...action, 'baton.dev/min-requests': '0' },
      want: ['metadata.annotations[baton.dev/min-requests]: Invalid value: "0": must be a whole number of at least 1'],
    },
    {
      name: 'tuning without an action is not silently ignored',
      annotations: { 'baton.dev/failure-monitor': '10s' },
      want: [
        'metadata.annotations[baton.dev/failure-action]: Required value: baton.dev/failure-monitor only tunes a failure policy',
      ],
    },
  ]
  it.each(cases)('$name', ({ annotations, want }) => {
    expect(failurePolicyErrors(annotations).map((e) => `${e.field}: ${e.message}`)).toEqual(want)
  })
})

describe('admission', () => {
  it('refuses a Deployment with a malformed policy, naming the annotation and the fix', () => {
    const d = deployment()
    const metadata = {
      ...d.metadata,
      annotations: { 'baton.dev/failure-action': 'rollback', 'baton.dev/max-error-ratio': 'lots' },
    }
    const err = thrownBatonError(() => validateObject({ ...d, metadata }))
    expect(err.code).toBe('BATON_INVALID')
    expect(err.causes).toEqual([
      {
        field: 'metadata.annotations[baton.dev/max-error-ratio]',
        message: 'Invalid value: "lots": must be a number from 0 to 1',
      },
    ])
    expect(err.hint).toContain('docs/failure-policy.md')
  })
  it('accepts a Deployment with a valid policy', () => {
    const d = deployment()
    const metadata = { ...d.metadata, annotations: { 'baton.dev/failure-action': 'pause' } }
    expect(() => validateObject({ ...d, metadata })).not.toThrow()
  })
})
