import { describe, expect, it } from 'vitest'
import type { AnalysisMetric, AnalysisMetricResult, AnalysisRun } from '../../api/types.ts'
import { assessMetric, assessRun, evaluateResult } from './assess.ts'

const metric = (m: Partial<AnalysisMetric> = {}): AnalysisMetric => ({
  name: 'm',
  provider: { baton: { metric: 'errorRatio' } },
  ...m,
})
const measured = (n: number) => Array.from({ length: n }, () => ({ phase: 'Successful' as const }))

// Ported from Argo Rollouts utils/evaluate/evaluate_test.go.
describe('evaluateResult (Argo EvaluateResult)', () => {
  it.each([
    {
      name: 'TestEvaluateResultWithSuccess',
      m: { successCondition: 'true', failureCondition: 'false' },
      want: 'Successful',
    },
    {
      name: 'TestEvaluateResultWithFailure',
      m: { successCondition: 'true', failureCondition: 'true' },
      want: 'Failed',
    },
    {
      name: 'TestEvaluateResultInconclusive',
      m: { successCondition: 'false', failureCondition: 'false' },
      want: 'Inconclusive',
    },
    { name: 'TestEvaluateResultNoSuccessConditionAndNotFailing', m: { failureCondition: 'false' }, want: 'Successful' },
    { name: 'TestEvaluateResultNoFailureConditionAndNoSuccessCondition', m: {}, want: 'Successful' },
    { name: 'TestEvaluateResultWithErrorOnSuccessCondition', m: { successCondition: 'result[0] > 1' }, want: 'Error' },
    { name: 'TestEvaluateResultWithErrorOnFailureCondition', m: { failureCondition: 'result[0] > 1' }, want: 'Error' },
    {
      name: 'only a successCondition that is false fails',
      m: { successCondition: 'result < 0.05' },
      result: 0.2,
      want: 'Failed',
    },
    {
      name: 'only a failureCondition that is true fails',
      m: { failureCondition: 'result > 0.05' },
      result: 0.2,
      want: 'Failed',
    },
  ])('$name', ({ m, want, result }) => {
    expect(evaluateResult(result ?? 0.5, metric(m)).phase).toBe(want)
  })
})

// Ported from Argo Rollouts controller/analysis/analysis_test.go (assessMetricStatus).
describe('assessMetric (Argo assessMetricStatus)', () => {
  const result = (r: Partial<AnalysisMetricResult>): AnalysisMetricResult => ({ name: 'm', phase: 'Running', ...r })
  it.each([
    { name: 'TestAssessMetricStatusNoMeasurements', m: {}, r: {}, terminating: false, want: 'Pending' },
    { name: 'TestAssessMetricStatusNoMeasurements (terminating)', m: {}, r: {}, terminating: true, want: 'Successful' },
    {
      name: 'TestAssessMetricStatusInFlight: a measurement in flight is Running, even past the failureLimit',
      m: { interval: '10s' },
      r: { measurements: [...measured(1), { phase: 'Running' as const }], failed: 1, count: 1 },
      terminating: false,
      want: 'Running',
    },
    {
      name: 'TestAssessMetricStatusInFlight (terminating): Running until it is terminated',
      m: {},
      r: { measurements: [{ phase: 'Running' as const }] },
      terminating: true,
      want: 'Running',
    },
    {
      name: 'TestAssessMetricStatusFailureLimit: failed (2) > failureLimit (1)',
      m: { failureLimit: 1, interval: '10s' },
      r: { measurements: measured(2), failed: 2, count: 2 },
      terminating: false,
      want: 'Failed',
    },
    {
      name: 'TestAssessMetricStatusFailureLimit: failed (1) within failureLimit (1) keeps running',
      m: { failureLimit: 1, interval: '10s' },
      r: { measurements: measured(1), failed: 1, count: 1 },
      terminating: false,
      want: 'Running',
    },
    {
      name: 'TestAssessMetricStatusInconclusiveLimit',
      m: { inconclusiveLimit: 1, interval: '10s' },
      r: { measurements: measured(2), inconclusive: 2, count: 2 },
      terminating: false,
      want: 'Inconclusive',
    },
    {
      name: 'TestAssessMetricStatusConsecutiveErrors: 5 > the default limit of 4',
      m: { interval: '10s' },
      r: { measurements: measured(5), error: 5, consecutiveError: 5 },
      terminating: false,
      want: 'Error',
    },
    {
      name: 'TestAssessMetricStatusConsecutiveErrors: 4 errors keep running',
      m: { interval: '10s' },
      r: { measurements: measured(4), error: 4, consecutiveError: 4 },
      terminating: false,
      want: 'Running',
    },
    {
      name: 'TestAssessMetricStatusCountReached',
      m: { count: 3, interval: '10s' },
      r: { measurements: measured(3), successful: 3, count: 3 },
      terminating: false,
      want: 'Successful',
    },
    {
      name: 'no count and no interval: one measurement',
      m: {},
      r: { measurements: measured(1), successful: 1, count: 1 },
      terminating: false,
      want: 'Successful',
    },
    {
      name: 'an interval without count runs until terminated',
      m: { interval: '10s' },
      r: { measurements: measured(9), successful: 9, count: 9 },
      terminating: false,
      want: 'Running',
    },
  ])('$name', ({ m, r, terminating, want }) => {
    expect(assessMetric(metric(m), result(r), terminating).phase).toBe(want)
  })

  it('says why a metric failed, as Argo words it', () => {
    const a = assessMetric(
      metric({ name: 'errors' }),
      result({ measurements: measured(1), failed: 1, count: 1 }),
      false,
    )
    expect(a).toEqual({
      phase: 'Failed',
      message: 'Metric "errors" assessed Failed due to failed (1) > failureLimit (0)',
    })
  })
})

describe('assessRun (Argo assessRunStatus)', () => {
  const run = (metrics: AnalysisMetric[], terminate = false): AnalysisRun => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'r' },
    spec: { metrics, ...(terminate ? { terminate } : {}) },
  })
  it('TestAssessRunStatus: Running while a metric runs, then the worst completed phase', () => {
    const metrics = [metric({ name: 'a' }), metric({ name: 'b', interval: '10s', count: 2 })]
    const results: AnalysisMetricResult[] = [
      { name: 'a', phase: 'Running', measurements: measured(1), successful: 1, count: 1 },
      { name: 'b', phase: 'Running', measurements: measured(1), successful: 1, count: 1 },
    ]
    expect(assessRun(run(metrics), results).phase).toBe('Running')
    results[1] = { name: 'b', phase: 'Running', measurements: measured(2), successful: 1, inconclusive: 1, count: 2 }
    metrics[1]!.inconclusiveLimit = 1
    expect(assessRun(run(metrics), results).phase).toBe('Successful')
  })

  it('a failed metric terminates the run: the others stop as they stand and the run is Failed', () => {
    const metrics = [metric({ name: 'a', interval: '10s' }), metric({ name: 'b', interval: '10s' })]
    const results: AnalysisMetricResult[] = [
      { name: 'a', phase: 'Running', measurements: measured(1), failed: 1, count: 1 },
      { name: 'b', phase: 'Running', measurements: measured(1), successful: 1, count: 1 },
    ]
    const out = assessRun(run(metrics), results)
    expect(out).toEqual({ phase: 'Failed', message: 'Metric "a" assessed Failed due to failed (1) > failureLimit (0)' })
    expect(results.map((r) => r.phase)).toEqual(['Failed', 'Successful'])
  })

  it('terminate ends a run that measures until told: Successful', () => {
    const metrics = [metric({ name: 'a', interval: '10s' })]
    const results: AnalysisMetricResult[] = [
      { name: 'a', phase: 'Running', measurements: measured(3), successful: 3, count: 3 },
    ]
    expect(assessRun(run(metrics), results).phase).toBe('Running')
    expect(assessRun(run(metrics, true), results).phase).toBe('Successful')
  })
})
