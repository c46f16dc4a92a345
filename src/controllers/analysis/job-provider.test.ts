import { describe, expect, it } from 'vitest'
import { formatTimestamp } from '../../api/timestamps.ts'
import type { AnalysisMetric, AnalysisRun, ContainerStatus, Pod } from '../../api/types.ts'
import { T0, aContainerStatus, aJobMetric } from '../../../test/support/builders.ts'
import {
  ATTEMPT_LABEL,
  type JobStep,
  METRIC_ANNOTATION,
  RUN_UID_LABEL,
  attemptsOf,
  backoffMs,
  jobPod,
  jobStep,
  withOutputTail,
} from './job-provider.ts'

const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'web-abc-2', namespace: 'default', uid: 'run-uid' },
  spec: { metrics: [] },
}

function metric(
  spec: { backoffLimit?: number; activeDeadlineSeconds?: number } = {},
  restartPolicy: 'Never' | 'OnFailure' = 'Never',
): AnalysisMetric {
  return aJobMetric({
    name: 'Smoke Test',
    labels: { team: 'web' },
    spec,
    container: { name: 'smoke', image: 'smoke:v1' },
    podSpec: { restartPolicy },
  })
}

const terminated = (exitCode: number, atS: number): ContainerStatus =>
  aContainerStatus('smoke', 'smoke:v1', {
    terminated: {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      finishedAt: formatTimestamp(T0 + atS * 1000),
    },
  })

/** Attempt `attempt`'s pod, created at T0 + createdS, in `phase` with these containers. */
function attempt(
  a: number,
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed',
  containers: ContainerStatus[] = [],
  createdS = 0,
): Pod {
  const pod = jobPod(run, metric(), 1, a, 'node')
  return {
    ...pod,
    metadata: { ...pod.metadata, creationTimestamp: formatTimestamp(T0 + createdS * 1000) },
    status: { phase, containerStatuses: containers },
  }
}

/**
 * restartPolicy OnFailure: the container restarted in place `restarts` times, its last exit
 * `lastExit` at T0 + 3 s, now in `state` (running again, waiting in its back-off, being created).
 */
function restarted(restarts: number, lastExit: number, state: 'running' | 'CrashLoopBackOff' | 'ContainerCreating') {
  const c = aContainerStatus(
    'smoke',
    'smoke:v1',
    state === 'running' ? { running: { startedAt: formatTimestamp(T0 + 3000) } } : { waiting: { reason: state } },
  )
  return { ...c, restartCount: restarts, lastState: terminated(lastExit, 3).state }
}

const pullFailed = aContainerStatus('smoke', 'smoke:v1', {
  waiting: { reason: 'ImagePullBackOff', message: 'no artifact smoke:v1' },
})

/** A step, with a start's pod reduced to its name. */
function brief(step: JobStep) {
  return step.kind === 'start' ? { kind: 'start', pod: step.pod.metadata.name } : step
}

describe('jobStep (one measurement of a job metric)', () => {
  it.each([
    {
      name: 'no attempt yet: start attempt 0',
      spec: {},
      pods: [],
      atS: 0,
      want: { kind: 'start', pod: 'web-abc-2-smoke-test-1-0' },
    },
    {
      name: 'attempt running: wait for its pod to change',
      spec: {},
      pods: [attempt(0, 'Running')],
      atS: 5,
      want: { kind: 'wait' },
    },
    {
      name: 'exit 0: Successful, value 0, its output read',
      spec: {},
      pods: [attempt(0, 'Succeeded', [terminated(0, 3)])],
      atS: 4,
      want: {
        kind: 'done',
        phase: 'Successful',
        exitCode: 0,
        message: 'job web-abc-2-smoke-test-1 succeeded on attempt 1: container smoke exited 0',
        stop: [],
        output: { namespace: 'default', pod: 'web-abc-2-smoke-test-1-0', container: 'smoke' },
      },
    },
    {
      name: 'exit 1 with backoffLimit 0: Failed at once, with the exit code',
      spec: { backoffLimit: 0 },
      pods: [attempt(0, 'Failed', [terminated(1, 3)])],
      atS: 4,
      want: {
        kind: 'done',
        phase: 'Failed',
        exitCode: 1,
        message:
          'job web-abc-2-smoke-test-1 failed: BackoffLimitExceeded after 1 attempt (backoffLimit 0): container smoke exited 1 (Error)',
        stop: [],
        output: { namespace: 'default', pod: 'web-abc-2-smoke-test-1-0', container: 'smoke' },
      },
    },
    {
      name: 'exit 1 with backoffLimit 1, inside the back-off: wait the rest of 10 s',
      spec: { backoffLimit: 1 },
      pods: [attempt(0, 'Failed', [terminated(1, 3)])],
      atS: 7,
      want: { kind: 'wait', afterMs: 6_000 },
    },
    {
      name: 'exit 1 with backoffLimit 1, the back-off over: start attempt 1',
      spec: { backoffLimit: 1 },
      pods: [attempt(0, 'Failed', [terminated(1, 3)])],
      atS: 13,
      want: { kind: 'start', pod: 'web-abc-2-smoke-test-1-1' },
    },
    {
      name: 'a retry that exits 0: Successful on attempt 2',
      spec: { backoffLimit: 1 },
      pods: [attempt(0, 'Failed', [terminated(1, 3)]), attempt(1, 'Succeeded', [terminated(0, 15)], 13)],
      atS: 16,
      want: {
        kind: 'done',
        phase: 'Successful',
        exitCode: 0,
        message: 'job web-abc-2-smoke-test-1 succeeded on attempt 2: container smoke exited 0',
        stop: [],
        output: { namespace: 'default', pod: 'web-abc-2-smoke-test-1-1', container: 'smoke' },
      },
    },
    {
      name: 'both attempts of backoffLimit 1 fail: Failed, the last exit code',
      spec: { backoffLimit: 1 },
      pods: [attempt(0, 'Failed', [terminated(1, 3)]), attempt(1, 'Failed', [terminated(2, 15)], 13)],
      atS: 16,
      want: {
        kind: 'done',
        phase: 'Failed',
        exitCode: 2,
        message:
          'job web-abc-2-smoke-test-1 failed: BackoffLimitExceeded after 2 attempts (backoffLimit 1): container smoke exited 2 (Error)',
        stop: [],
        output: { namespace: 'default', pod: 'web-abc-2-smoke-test-1-1', container: 'smoke' },
      },
    },
    {
      name: 'an image that cannot be pulled: Inconclusive at once, the pod stopped (Argo)',
      spec: {},
      pods: [attempt(0, 'Pending', [pullFailed])],
      atS: 2,
      want: {
        kind: 'done',
        phase: 'Inconclusive',
        message: 'job web-abc-2-smoke-test-1 cannot start: container smoke: ImagePullBackOff: no artifact smoke:v1',
        stop: ['web-abc-2-smoke-test-1-0'],
      },
    },
    {
      name: 'activeDeadlineSeconds not reached: wait until it is',
      spec: { activeDeadlineSeconds: 30 },
      pods: [attempt(0, 'Running')],
      atS: 10,
      want: { kind: 'wait', afterMs: 20_000 },
    },
    {
      name: 'activeDeadlineSeconds passed, counted from the first attempt: Failed, the running pod stopped',
      spec: { activeDeadlineSeconds: 30, backoffLimit: 1 },
      pods: [attempt(0, 'Failed', [terminated(1, 3)]), attempt(1, 'Running', [], 13)],
      atS: 30,
      want: {
        kind: 'done',
        phase: 'Failed',
        message:
          'job web-abc-2-smoke-test-1 failed: DeadlineExceeded: it was active longer than activeDeadlineSeconds 30',
        stop: ['web-abc-2-smoke-test-1-1'],
      },
    },
  ])('$name', ({ spec, pods, atS, want }) => {
    expect(brief(jobStep(run, metric(spec), 1, pods, T0 + atS * 1000, 'node'))).toEqual(want)
  })
})

describe('jobStep, restartPolicy OnFailure (the container restarted in the same pod)', () => {
  const POD = 'web-abc-2-smoke-test-1-0'
  /** The outcome of measurement 1, decided by attempt 0's container `smoke`. */
  const done = (phase: string, exitCode: number | undefined, message: string, stop: string[], previous?: boolean) => ({
    kind: 'done',
    phase,
    ...(exitCode !== undefined ? { exitCode } : {}),
    message: `job web-abc-2-smoke-test-1 ${message}`,
    stop,
    ...(exitCode !== undefined
      ? { output: { namespace: 'default', pod: POD, container: 'smoke', ...(previous ? { previous } : {}) } }
      : {}),
  })
  const succeededAfter = (restarts: number): ContainerStatus => ({
    ...terminated(0, 30),
    restartCount: restarts,
    lastState: terminated(1, 20).state,
  })
  it.each([
    {
      name: 'restarted once, backoffLimit 3: the same pod runs on, no new attempt',
      spec: { backoffLimit: 3 },
      pods: [attempt(0, 'Running', [restarted(1, 1, 'running')])],
      atS: 5,
      want: { kind: 'wait' },
    },
    {
      name: 'in its back-off after a second failure, backoffLimit 3: wait (the kubelet restarts it)',
      spec: { backoffLimit: 3 },
      pods: [attempt(0, 'Running', [restarted(1, 1, 'CrashLoopBackOff')])],
      atS: 5,
      want: { kind: 'wait' },
    },
    {
      name: 'exit 0 after 2 restarts: Successful, the restarts said, the last instance’s output',
      spec: { backoffLimit: 3 },
      pods: [attempt(0, 'Succeeded', [succeededAfter(2)])],
      atS: 31,
      want: done('Successful', 0, 'succeeded on attempt 1 after 2 container restarts: container smoke exited 0', []),
    },
    {
      name: 'restartCount reaches backoffLimit 1: Failed, the last exit code, the running pod stopped, the failed instance’s output',
      spec: { backoffLimit: 1 },
      pods: [attempt(0, 'Running', [restarted(1, 3, 'running')])],
      atS: 4,
      want: done(
        'Failed',
        3,
        'failed: BackoffLimitExceeded after 1 container restart (backoffLimit 1): container smoke exited 3 (Error)',
        [POD],
        true,
      ),
    },
    {
      name: 'restartCount 2 of backoffLimit 2, waiting in its back-off: Failed, the current instance’s output (not yet replaced)',
      spec: { backoffLimit: 2 },
      pods: [attempt(0, 'Running', [restarted(2, 1, 'CrashLoopBackOff')])],
      atS: 30,
      want: done(
        'Failed',
        1,
        'failed: BackoffLimitExceeded after 2 container restarts (backoffLimit 2): container smoke exited 1 (Error)',
        [POD],
      ),
    },
    {
      name: 'backoffLimit 0, the restart being created: wait until its log is handed over',
      spec: { backoffLimit: 0 },
      pods: [attempt(0, 'Running', [restarted(1, 1, 'ContainerCreating')])],
      atS: 4,
      want: { kind: 'wait', afterMs: 500 },
    },
    {
      name: 'activeDeadlineSeconds still applies: Failed (DeadlineExceeded), the pod stopped',
      spec: { backoffLimit: 6, activeDeadlineSeconds: 20 },
      pods: [attempt(0, 'Running', [restarted(2, 1, 'running')])],
      atS: 20,
      want: done('Failed', undefined, 'failed: DeadlineExceeded: it was active longer than activeDeadlineSeconds 20', [
        POD,
      ]),
    },
  ])('$name', ({ spec, pods, atS, want }) => {
    expect(brief(jobStep(run, metric(spec, 'OnFailure'), 1, pods, T0 + atS * 1000, 'node'))).toEqual(want)
  })

  it('the same container restarts under restartPolicy Never never count (a Never pod is not restarted)', () => {
    const step = jobStep(
      run,
      metric({ backoffLimit: 1 }),
      1,
      [attempt(0, 'Running', [restarted(1, 1, 'running')])],
      T0,
      'node',
    )
    expect(step).toEqual({ kind: 'wait' })
  })
})

describe('jobPod', () => {
  it("is the template's pod, labelled as Argo labels the job, owned by the run, bound to the node", () => {
    const pod = jobPod(run, metric(), 3, 1, 'node-a')
    expect(pod.metadata).toMatchObject({
      name: 'web-abc-2-smoke-test-3-1',
      labels: { team: 'web', [RUN_UID_LABEL]: 'run-uid', [ATTEMPT_LABEL]: '1' },
      annotations: { [METRIC_ANNOTATION]: 'Smoke Test' },
      ownerReferences: [{ kind: 'AnalysisRun', uid: 'run-uid', controller: true }],
    })
    expect(pod.spec).toMatchObject({ nodeName: 'node-a', restartPolicy: 'Never', dnsPolicy: 'ClusterFirst' })
  })

  it('a long run name: each attempt’s pod is capped to 63 characters, distinct, and found again by labels', () => {
    const longRun: AnalysisRun = {
      ...run,
      metadata: { ...run.metadata, name: 'checkout-frontend-canary-7c9f8d6b5-4-background-analysis' },
    }
    const pods = [0, 1].map((a) => jobPod(longRun, metric(), 1, a, 'node'))
    for (const p of pods) expect(p.metadata.name.length).toBeLessThanOrEqual(63)
    expect(pods[0]!.metadata.name).not.toBe(pods[1]!.metadata.name)
    expect(attemptsOf(pods.toReversed(), metric(), 1)).toEqual(pods)
  })
})

describe('backoffMs (the Job controller back-off)', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [7, 360_000],
  ])('after %i failures: %i ms', (failures, ms) => expect(backoffMs(failures)).toBe(ms))
})

describe('withOutputTail', () => {
  it.each([
    { name: 'no output: the message alone', output: '', want: 'job x failed' },
    {
      name: 'output: appended',
      output: 'checking\nFAIL: 500\n',
      want: 'job x failed; output (last lines): checking\nFAIL: 500',
    },
    {
      name: 'long output: its last 1000 characters',
      output: 'a'.repeat(1500),
      want: `job x failed; output (last lines): …${'a'.repeat(1000)}`,
    },
  ])('$name', ({ output, want }) => expect(withOutputTail('job x failed', output)).toBe(want))
})
