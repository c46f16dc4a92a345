import { describe, expect, it } from 'vitest'
import { demoRollout } from '../../api/test-objects.ts'
import type { AnalysisMetric, AnalysisMetricResult, AnalysisRun, Rollout } from '../../api/types.ts'
import { analysisSummaries, phaseTone } from './analysis-summary.ts'

const ROLLOUT: Rollout = {
  ...demoRollout(),
  metadata: { name: 'web', uid: 'u1' },
  status: {
    stableRS: 'blue',
    currentPodHash: 'green',
    canary: { currentStepAnalysisRunStatus: { name: 'web-green-2-1', status: 'Running' } },
  },
}
const ERRORS: AnalysisMetric = {
  name: 'error-ratio',
  interval: '3s',
  count: 2,
  successCondition: 'result <= 0.01',
  provider: { baton: { metric: 'errorRatio' } },
}

function run(
  name: string,
  labels: Record<string, string>,
  revision: number,
  results: AnalysisMetricResult[] = [],
  owner = 'u1',
): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      labels,
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid: owner, controller: true },
      ],
    },
    spec: { metrics: [ERRORS] },
    status: { phase: results[0]?.phase ?? 'Running', metricResults: results },
  }
}

describe('analysisSummaries', () => {
  it.each<{ name: string; runs: AnalysisRun[]; want: string[] }>([
    {
      name: 'the run in force first, then newest revision first; another Rollout’s runs left out',
      runs: [
        run('web-blue-1-1', { 'rollout-type': 'Step', 'step-index': '1' }, 1),
        run('web-green-2-1', { 'rollout-type': 'Step', 'step-index': '1' }, 2),
        run('web-green-2', { 'rollout-type': 'Background' }, 2),
        run('api-red-1-pre', { 'rollout-type': 'PrePromotion' }, 1, [], 'u2'),
      ],
      want: [
        'web-green-2-1 Step 2 analysis current',
        'web-green-2 Background analysis',
        'web-blue-1-1 Step 2 analysis',
      ],
    },
    {
      name: 'blueGreen promotion runs',
      runs: [
        run('web-g-3-post', { 'rollout-type': 'PostPromotion' }, 3),
        run('web-g-3-pre', { 'rollout-type': 'PrePromotion' }, 3),
      ],
      want: ['web-g-3-pre Pre-promotion analysis', 'web-g-3-post Post-promotion analysis'],
    },
  ])('$name', ({ runs, want }) =>
    expect(analysisSummaries(ROLLOUT, runs).map((s) => `${s.name} ${s.purpose}${s.current ? ' current' : ''}`)).toEqual(
      want,
    ),
  )

  it('gives each metric its verdict, condition, counts against its limits and measurements', () => {
    const measurements = [
      { phase: 'Inconclusive' as const, message: 'too few requests to judge: 3 of the 20 needed in 3.0s' },
      { phase: 'Failed' as const, value: '0.052' },
    ]
    const [s] = analysisSummaries(ROLLOUT, [
      run('web-green-2-1', { 'rollout-type': 'Step', 'step-index': '1' }, 2, [
        { name: 'error-ratio', phase: 'Failed', count: 2, failed: 1, inconclusive: 1, measurements, message: 'limit' },
      ]),
    ])
    expect(s?.metrics).toEqual([
      {
        name: 'error-ratio',
        phase: 'Failed',
        condition: 'pass if result <= 0.01',
        counts: '1 failed, 1 inconclusive',
        limits: 'count 2, every 3s, failureLimit 0, inconclusiveLimit 0',
        measurements,
        message: 'limit',
      },
    ])
  })

  it.each<{ name: string; results: AnalysisMetricResult[]; want: string }>([
    { name: 'no measurement yet', results: [], want: 'no measurement yet' },
    {
      name: 'a job’s measurement in flight: running, not yet counted',
      results: [{ name: 'error-ratio', phase: 'Running', measurements: [{ phase: 'Running' }] }],
      want: '1 running',
    },
    {
      name: 'one counted, the next in flight',
      results: [
        {
          name: 'error-ratio',
          phase: 'Running',
          count: 1,
          successful: 1,
          measurements: [{ phase: 'Successful', value: '0' }, { phase: 'Running' }],
        },
      ],
      want: '1 successful, 1 running',
    },
  ])('counts: $name', ({ results, want }) => {
    const [s] = analysisSummaries(ROLLOUT, [
      run('web-green-2-1', { 'rollout-type': 'Step', 'step-index': '1' }, 2, results),
    ])
    expect(s?.metrics[0]?.counts).toBe(want)
  })
})

describe('phaseTone', () => {
  it.each([
    { phase: 'Successful' as const, want: 'ok' },
    { phase: 'Failed' as const, want: 'bad' },
    { phase: 'Error' as const, want: 'bad' },
    { phase: 'Inconclusive' as const, want: 'idle' },
    { phase: 'Running' as const, want: 'busy' },
  ])('$phase → $want', ({ phase, want }) => expect(phaseTone(phase)).toBe(want))
})
