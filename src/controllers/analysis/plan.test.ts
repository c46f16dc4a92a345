import { describe, expect, it } from 'vitest'
import { formatTimestamp } from '../../api/timestamps.ts'
import type { AnalysisMeasurement, AnalysisMetric, AnalysisMetricResult, AnalysisRun } from '../../api/types.ts'
import { T0, aJobMetric } from '../../../test/support/builders.ts'
import { MAX_MEASUREMENTS, nextMeasurementAt, recordMeasurement, startStatus, terminateRunning } from './plan.ts'

const at = (s: number) => formatTimestamp(T0 + s * 1000)
const running = (s: number): AnalysisMeasurement => ({ phase: 'Running', startedAt: at(s) })
const done = (phase: AnalysisMeasurement['phase'], s: number, f: number): AnalysisMeasurement => ({
  phase,
  startedAt: at(s),
  finishedAt: at(f),
})

describe('recordMeasurement (Argo: a finished measurement takes the in-flight one’s place)', () => {
  it.each<{ name: string; before: AnalysisMetricResult; m: AnalysisMeasurement; want: Partial<AnalysisMetricResult> }>([
    {
      name: 'a job starts: Running appended, nothing counted',
      before: { name: 'm', phase: 'Pending' },
      m: running(0),
      want: { measurements: [running(0)] },
    },
    {
      name: 'a later sync (a retry) while it runs: the same one measurement',
      before: { name: 'm', phase: 'Running', measurements: [running(0)] },
      m: running(10),
      want: { measurements: [running(0)] },
    },
    {
      name: 'it finishes: replaced in place and counted',
      before: {
        name: 'm',
        phase: 'Running',
        measurements: [done('Successful', 0, 5), running(20)],
        count: 1,
        successful: 1,
      },
      m: done('Failed', 20, 30),
      want: { measurements: [done('Successful', 0, 5), done('Failed', 20, 30)], count: 2, successful: 1, failed: 1 },
    },
    {
      name: 'no measurement in flight (baton, web): appended and counted',
      before: { name: 'm', phase: 'Running', measurements: [done('Successful', 0, 5)], count: 1, successful: 1 },
      m: done('Error', 10, 10),
      want: {
        measurements: [done('Successful', 0, 5), done('Error', 10, 10)],
        count: 1,
        error: 1,
        consecutiveError: 1,
      },
    },
    {
      name: 'a new Running one after the kept 10: the oldest goes',
      before: {
        name: 'm',
        phase: 'Running',
        measurements: Array.from({ length: MAX_MEASUREMENTS }, (_, i) => done('Successful', i, i)),
      },
      m: running(99),
      want: {
        measurements: [
          ...Array.from({ length: MAX_MEASUREMENTS - 1 }, (_, i) => done('Successful', i + 1, i + 1)),
          running(99),
        ],
      },
    },
  ])('$name', ({ before, m, want }) => {
    const result = structuredClone(before)
    recordMeasurement(result, m)
    expect(result).toMatchObject(want)
    if (m.phase === 'Running') expect(result.count).toBe(before.count)
  })
})

const run = (metrics: AnalysisMetric[], extra: Partial<AnalysisRun['spec']> = {}): AnalysisRun => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'r', uid: 'u' },
  spec: { metrics, ...extra },
})

describe('nextMeasurementAt with a measurement in flight', () => {
  const metric = aJobMetric({ container: { name: 'c', image: 'c:v1' } })
  it.each<{ name: string; measurements: AnalysisMeasurement[]; terminate?: boolean; want: number | undefined }>([
    { name: 'none yet: due at the start', measurements: [], want: T0 },
    { name: 'one Running: due (each sync resumes it)', measurements: [running(3)], want: T0 + 3000 },
    { name: 'one finished, no interval: no more', measurements: [done('Successful', 0, 5)], want: undefined },
    {
      name: 'Running but the run terminates: not resumed',
      measurements: [running(3)],
      terminate: true,
      want: undefined,
    },
  ])('$name', ({ measurements, terminate, want }) => {
    const r = run([metric], terminate ? { terminate: true } : {})
    const st = startStatus(r, T0)
    const result = st.metricResults![0]!
    result.measurements = measurements
    expect(nextMeasurementAt(r, st, metric, result)).toBe(want)
  })
})

describe('terminateRunning (Argo’s job provider Terminate)', () => {
  const a = aJobMetric({ name: 'a', container: { name: 'c', image: 'c:v1' } })
  const b = aJobMetric({ name: 'b', container: { name: 'c', image: 'c:v1' } })
  it.each<{ name: string; terminate: boolean; aPhase: AnalysisMetricResult['phase']; want: boolean }>([
    {
      name: 'asked to terminate: the job in flight ends Successful, counted',
      terminate: true,
      aPhase: 'Running',
      want: true,
    },
    { name: 'another metric failed: the run terminates, the same', terminate: false, aPhase: 'Failed', want: true },
    { name: 'not terminating: left running', terminate: false, aPhase: 'Running', want: false },
  ])('$name', ({ terminate, aPhase, want }) => {
    const r = run([a, b], terminate ? { terminate: true } : {})
    const st = startStatus(r, T0)
    st.metricResults = [
      { name: 'a', phase: aPhase },
      { name: 'b', phase: 'Running', measurements: [running(1)] },
    ]
    expect(terminateRunning(r, st, T0 + 9000)).toBe(want)
    expect(st.metricResults[1]).toMatchObject(
      want
        ? {
            measurements: [{ phase: 'Successful', message: 'metric terminated', startedAt: at(1), finishedAt: at(9) }],
            count: 1,
            successful: 1,
          }
        : { measurements: [running(1)] },
    )
  })
})
