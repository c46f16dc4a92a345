/**
 * @module
 * The `job` metric provider's pure half (Argo's job provider over Kubernetes' Job controller,
 * in one): a measurement is one Job, run as one pod at a time on this node; its attempts are
 * pods owned by the AnalysisRun, named deterministically, so a sync (or a daemon restart)
 * finds them again and a retried create cannot run an attempt twice.
 *
 * | the latest attempt's pod                         | step                                       |
 * | ------------------------------------------------ | ------------------------------------------ |
 * | none                                             | start attempt 0                            |
 * | Succeeded (every container exited 0)             | done: Successful                           |
 * | past backoffLimit (job-backoff-limit.ts)         | done: Failed (BackoffLimitExceeded), the   |
 * |                                                  | active pod stopped once its output is read |
 * | Failed, failures ≤ backoffLimit                  | start the next attempt after the back-off  |
 * | a container stuck in ErrImagePull and the like   | done: Inconclusive, the pod stopped (Argo) |
 * | running past activeDeadlineSeconds (all attempts) | done: Failed (DeadlineExceeded), stopped  |
 * | otherwise                                        | wait for it (its changes wake the run)     |
 *
 * restartPolicy Never: a container that exits non-zero fails its pod, and the next attempt is a
 * new pod after the Job controller's back-off: 10 s after the first failure, doubled after each,
 * at most 6 min (backoffLimit 2: attempt 1 starts 10 s after attempt 0 failed, attempt 2 20 s
 * after attempt 1 did). restartPolicy OnFailure: the node agent restarts the container in the
 * same pod with the kubelet's crash back-off (runtime/restart-backoff.ts), and its restartCount
 * counts toward backoffLimit as the Job controller counts it. The measurement's value is the
 * deciding container's exit code; its message says which attempt and container decided (and
 * how often it was restarted), and the reconcile adds the tail of that container's output
 * (through ControllerDeps.jobs).
 */
import { applyDefaults } from '../../api/defaults.ts'
import { parseTimestamp } from '../../api/timestamps.ts'
import type {
  AnalysisMetric,
  AnalysisRun,
  ContainerStateTerminated,
  ContainerStatus,
  JobMetricProvider,
  Pod,
} from '../../api/types.ts'
import { backoffCount } from './job-backoff-limit.ts'
import { jobPodName } from './job-pod-name.ts'

/** Kubernetes' default backoffLimit. */
export const DEFAULT_BACKOFF_LIMIT = 6
/** The Job controller's pod failure back-off: the first delay and the cap. */
export const BACKOFF_BASE_MS = 10_000
export const BACKOFF_MAX_MS = 360_000
/** Argo's labels and annotations on a metric's job (here: on its pods). */
export const RUN_UID_LABEL = 'analysisrun.argoproj.io/uid'
export const RUN_NAME_ANNOTATION = 'analysisrun.argoproj.io/name'
export const METRIC_ANNOTATION = 'analysisrun.argoproj.io/metric-name'
/** Which measurement (Argo's job id: measurements taken + 1) and attempt a pod is. */
export const MEASUREMENT_LABEL = 'baton.dev/job-measurement'
export const ATTEMPT_LABEL = 'baton.dev/job-attempt'
/** Argo's measurement metadata key naming the measurement's job. */
export const JOB_NAME_KEY = 'job-name'
/**
 * How soon to look again at a container restarted in place that is still being created: until
 * its new instance runs, which instance's log holds the failure is not settled.
 */
const RESTARTING_MS = 500
/** Waiting reasons that no wait will cure: Argo ends the measurement Inconclusive at once. */
const CANNOT_START = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'RunContainerError'])

/** What to read of a finished attempt: the tail of one container's output. */
export interface JobOutputRef {
  namespace: string
  pod: string
  container: string
  /** The instance before the running one (`logs --previous`): it failed, and was restarted in place. */
  previous?: boolean
}

export type JobStep =
  /** Create this attempt's pod. */
  | { kind: 'start'; pod: Pod }
  /** An attempt runs, or the back-off runs: look again after `afterMs` (or when a pod changes). */
  | { kind: 'wait'; afterMs?: number }
  /** The measurement's outcome; `stop`: pods to delete first (still running); `output`: whose tail to add. */
  | {
      kind: 'done'
      phase: 'Successful' | 'Failed' | 'Inconclusive'
      message: string
      exitCode?: number
      stop: string[]
      output?: JobOutputRef
    }

/** The job's name for measurement `n` (Argo's `<run>.<metric>.<n>`, in a pod name's alphabet). */
export function jobName(run: AnalysisRun, metric: AnalysisMetric, n: number): string {
  const slug = metric.name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `${run.metadata.name}-${slug || 'job'}-${n}`
}

/**
 * The pod of attempt `attempt` of measurement `n`: the template, labelled, owned by the run,
 * bound to the node, named `<job>-<attempt>` capped to 63 characters (job-pod-name.ts). It is
 * found again by its labels and annotation, never by its name.
 */
export function jobPod(run: AnalysisRun, metric: AnalysisMetric, n: number, attempt: number, nodeName: string): Pod {
  const job = metric.provider.job!
  const template = job.spec.template
  const labels = {
    ...template.metadata?.labels,
    ...job.metadata?.labels,
    [RUN_UID_LABEL]: run.metadata.uid ?? '',
    [MEASUREMENT_LABEL]: String(n),
    [ATTEMPT_LABEL]: String(attempt),
  }
  const annotations = {
    ...template.metadata?.annotations,
    ...job.metadata?.annotations,
    [RUN_NAME_ANNOTATION]: run.metadata.name,
    [METRIC_ANNOTATION]: metric.name,
  }
  return applyDefaults<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: jobPodName(`${jobName(run, metric, n)}-${attempt}`),
      namespace: run.metadata.namespace ?? 'default',
      labels,
      annotations,
      ownerReferences: [
        {
          apiVersion: run.apiVersion,
          kind: 'AnalysisRun',
          name: run.metadata.name,
          uid: run.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...template.spec, nodeName },
  })
}

/** The pods of `metric`'s measurement `n` among the run's pods, by attempt. */
export function attemptsOf(pods: readonly Pod[], metric: AnalysisMetric, n: number): Pod[] {
  return pods
    .filter((p) => p.metadata.annotations?.[METRIC_ANNOTATION] === metric.name)
    .filter((p) => p.metadata.labels?.[MEASUREMENT_LABEL] === String(n))
    .sort((a, b) => attemptOf(a) - attemptOf(b))
}

const attemptOf = (p: Pod): number => Number(p.metadata.labels?.[ATTEMPT_LABEL] ?? 0)
const terminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed'

/** The pod failure back-off before attempt `failures` (1: after the first failure). */
export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_MS)
}

/**
 * The container whose exit decided a pod, that exit, and which of its instances' output tells
 * why: the first container that exited non-zero and stays down; else (OnFailure) the first that
 * exited non-zero and was restarted in place, whose failed instance is the previous one once the
 * new one runs (the current one while it waits in its back-off; `settled` false while it is being
 * created, the log not yet handed over); else the first.
 */
interface Decider {
  status: ContainerStatus
  exit?: ContainerStateTerminated
  previous: boolean
  settled: boolean
}

function deciding(pod: Pod): Decider | undefined {
  const all = pod.status?.containerStatuses ?? []
  const down = all.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0)
  if (down) return { status: down, exit: down.state.terminated, previous: false, settled: true }
  const restarted = all.find((c) => !c.state?.terminated && (c.lastState?.terminated?.exitCode ?? 0) !== 0)
  if (restarted) {
    const creating = restarted.state?.waiting?.reason === 'ContainerCreating'
    const previous = restarted.state?.running !== undefined
    return { status: restarted, exit: restarted.lastState.terminated, previous, settled: !creating }
  }
  const first = all[0]
  return first ? { status: first, exit: first.state?.terminated, previous: false, settled: true } : undefined
}

const restartsOf = (pod: Pod): number =>
  (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0)
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

function finishedAt(pod: Pod, now: number): number {
  const ends = (pod.status?.containerStatuses ?? []).map((c) => c.state?.terminated?.finishedAt).filter(Boolean)
  return ends.length > 0 ? Math.max(...ends.map((t) => parseTimestamp(t))) : now
}

function startedAt(pod: Pod, now: number): number {
  const t = pod.metadata.creationTimestamp ?? pod.status?.startTime
  return t ? parseTimestamp(t) : now
}

/**
 * The next step of measurement `n` of a job metric, from its attempts' pods (`attemptsOf`).
 * `attempts` holds every pod made for the measurement, oldest attempt first.
 */
export function jobStep(
  run: AnalysisRun,
  metric: AnalysisMetric,
  n: number,
  attempts: readonly Pod[],
  now: number,
  nodeName: string,
): JobStep {
  const spec: JobMetricProvider['spec'] = metric.provider.job!.spec
  const name = jobName(run, metric, n)
  const last = attempts.at(-1)
  if (!last) return { kind: 'start', pod: jobPod(run, metric, n, 0, nodeName) }
  const namespace = last.metadata.namespace ?? 'default'
  const outputOf = (pod: Pod, d: Decider | undefined): JobOutputRef | undefined =>
    d
      ? { namespace, pod: pod.metadata.name, container: d.status.name, ...(d.previous ? { previous: true } : {}) }
      : undefined
  const attempt = attemptOf(last)
  const limit = spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT
  if (last.status?.phase === 'Succeeded') {
    const d = deciding(last)
    const restarts = restartsOf(last)
    return {
      kind: 'done',
      phase: 'Successful',
      message: `job ${name} succeeded on attempt ${attempt + 1}${restarts > 0 ? ` after ${plural(restarts, 'container restart')}` : ''}${d ? `: container ${d.status.name} exited 0` : ''}`,
      exitCode: 0,
      stop: [],
      ...withOutput(outputOf(last, d)),
    }
  }
  const count = backoffCount(spec.template.spec.restartPolicy, limit, attempts)
  if (count.exceeded) {
    const d = deciding(last)
    if (d && !d.settled) return { kind: 'wait', afterMs: RESTARTING_MS }
    const t = d?.exit
    const exit = t ? `: container ${d.status.name} exited ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}` : ''
    const after = count.failed > limit ? plural(count.failed, 'attempt') : plural(count.restarts, 'container restart')
    return {
      kind: 'done',
      phase: 'Failed',
      message: `job ${name} failed: BackoffLimitExceeded after ${after} (backoffLimit ${limit})${exit}`,
      ...(t ? { exitCode: t.exitCode } : {}),
      // The Job controller deletes a failed Job's active pods: an OnFailure pod would restart on.
      stop: attempts.filter((p) => !terminal(p)).map((p) => p.metadata.name),
      ...withOutput(outputOf(last, d)),
    }
  }
  if (last.status?.phase === 'Failed') {
    const at = finishedAt(last, now) + backoffMs(count.failed)
    if (at > now) return { kind: 'wait', afterMs: at - now }
    return { kind: 'start', pod: jobPod(run, metric, n, attempt + 1, nodeName) }
  }
  const stuck = (last.status?.containerStatuses ?? []).find((c) => CANNOT_START.has(c.state?.waiting?.reason ?? ''))
  if (stuck) {
    const w = stuck.state!.waiting!
    return {
      kind: 'done',
      phase: 'Inconclusive',
      message: `job ${name} cannot start: container ${stuck.name}: ${w.reason}${w.message ? `: ${w.message}` : ''}`,
      stop: [last.metadata.name],
    }
  }
  if (spec.activeDeadlineSeconds !== undefined) {
    const deadline = startedAt(attempts[0]!, now) + spec.activeDeadlineSeconds * 1000
    if (now >= deadline) {
      return {
        kind: 'done',
        phase: 'Failed',
        message: `job ${name} failed: DeadlineExceeded: it was active longer than activeDeadlineSeconds ${spec.activeDeadlineSeconds}`,
        stop: attempts.filter((p) => !terminal(p)).map((p) => p.metadata.name),
      }
    }
    return { kind: 'wait', afterMs: deadline - now }
  }
  return { kind: 'wait' }
}

const withOutput = (o: JobOutputRef | undefined): { output?: JobOutputRef } => (o ? { output: o } : {})

/** Output lines added to a measurement's message, and the most characters they may take. */
export const OUTPUT_TAIL_LINES = 10
const OUTPUT_MAX_CHARS = 1000

/** The measurement's message with the tail of the deciding container's output. */
export function withOutputTail(message: string, output: string | undefined): string {
  const text = (output ?? '').trimEnd()
  if (!text) return message
  const tail = text.length > OUTPUT_MAX_CHARS ? `…${text.slice(-OUTPUT_MAX_CHARS)}` : text
  return `${message}; output (last lines): ${tail}`
}
