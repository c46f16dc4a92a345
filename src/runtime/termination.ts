/**
 * @module
 * Stopping containers and pods in Kubernetes' order.
 *
 * A pod with a deletionTimestamp (terminatePod):
 *   1. Ready=False (the caller writes status before calling, so endpoints drop the pod);
 *   2. DrainGate.waitDrained: the load balancer finishes requests in flight (bounded by the
 *      grace period, so a stuck gate cannot hold a pod forever);
 *   3. every container at once: killContainer;
 *   4. the caller removes the Pod object (store.delete with gracePeriodSeconds 0).
 *
 * One container (killContainer), also used when a liveness or startup probe fails:
 *   preStop hook (exec, httpGet or sleep) → SIGTERM to the process group → SIGKILL to the
 *   group when terminationGracePeriodSeconds, counted from the start of preStop as the
 *   kubelet counts it, runs out → SIGKILL to the group again once the app is gone, so that
 *   nothing it started survives. As in the kubelet, the grace period is never below 2 s, and
 *   a preStop hook that used up the grace period still leaves 2 s between SIGTERM and SIGKILL.
 */
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../api/defaults.ts'
import type { LifecycleHandler, Pod } from '../api/types.ts'
import type { Clock } from '../platform/clock.ts'
import type { ProbeExecutor } from '../probes/probe-runner.ts'
import type { DrainGate } from './types.ts'

/** The kubelet's minimumGracePeriodInSeconds. */
export const MIN_GRACE_MS = 2000

/** The grace period a pod's deletion grants: deletionGracePeriodSeconds, else the spec's, else 30 s. */
export function podGraceMs(pod: Pod): number {
  const s =
    pod.metadata.deletionGracePeriodSeconds ??
    pod.spec.terminationGracePeriodSeconds ??
    DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
  return Math.max(MIN_GRACE_MS, s * 1000)
}

export interface KillOptions {
  /** Only its exit and signals: a process group, or a container through the engine. */
  proc: { exited: Promise<unknown>; signal(sig: 'SIGTERM' | 'SIGKILL'): unknown }
  graceMs: number
  preStop?: LifecycleHandler | undefined
  /** Runs a hook's action where the container runs (exec inside it, httpGet on its port). */
  executorFor: HookExecutors
  clock: Clock
  /** Reports a failed preStop hook (the kubelet records FailedPreStopHook and carries on). */
  onPreStopFailed(message: string): void
}

/** A lifecycle hook's exec, httpGet or tcpSocket action as an executor (handler-executor.ts, or the engine's exec). */
export type HookExecutors = (hook: LifecycleHandler) => ProbeExecutor

export type KillStep = 'preStop' | 'SIGTERM' | 'SIGKILL' | 'exited'

/** Runs the container kill sequence; resolves with the steps taken once the app has exited. */
export async function killContainer(opts: KillOptions): Promise<KillStep[]> {
  const { proc, clock, preStop } = opts
  const steps: KillStep[] = []
  const graceMs = Math.max(MIN_GRACE_MS, opts.graceMs)
  const deadline = clock.now() + graceMs
  const exited = proc.exited.then(() => true)
  // Aborted when the sequence ends: a preStop sleep still running stops with it.
  const done = new AbortController()
  try {
    if (preStop) {
      steps.push('preStop')
      const hook = runHook(preStop, opts.executorFor, graceMs, clock, done.signal).then((failure) => {
        if (failure !== undefined) opts.onPreStopFailed(failure)
        return false
      })
      await raceTimeout(clock, graceMs, [hook, exited])
    }
    if (!(await settledTrue(exited))) {
      steps.push('SIGTERM')
      proc.signal('SIGTERM')
      const left = Math.max(MIN_GRACE_MS, deadline - clock.now())
      if (!(await raceTimeout(clock, left, [exited]))) {
        steps.push('SIGKILL')
        proc.signal('SIGKILL')
      }
    }
    await proc.exited
  } finally {
    done.abort()
  }
  steps.push('exited')
  proc.signal('SIGKILL') // whatever the app left behind in its group
  return steps
}

export interface TerminatePodOptions {
  pod: Pod
  clock: Clock
  drainGate: DrainGate
  /** Kills every container (each with killContainer); called once the pod is drained. */
  killContainers(graceMs: number): Promise<void>
}

export async function terminatePod(opts: TerminatePodOptions): Promise<void> {
  const { pod, clock, drainGate } = opts
  const graceMs = podGraceMs(pod)
  const deadline = clock.now() + graceMs
  // The gate promises to resolve by the deadline; the race makes that a guarantee.
  await raceTimeout(clock, graceMs, [drainGate.waitDrained(pod, deadline).catch(() => undefined)])
  await opts.killContainers(graceMs)
}

/** Runs a lifecycle hook within `timeoutMs`; resolves with a failure message, or undefined on success. */
export async function runHook(
  hook: LifecycleHandler,
  executorFor: HookExecutors,
  timeoutMs: number,
  clock: Clock,
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (hook.sleep) {
    await clock.sleep(Math.min(hook.sleep.seconds * 1000, timeoutMs), signal)
    return undefined
  }
  const outcome = await executorFor(hook)(timeoutMs)
  return outcome.ok ? undefined : outcome.message
}

/**
 * The first of `racers` to settle, or false after `ms`; the timer is cancelled as soon as the
 * race is decided, so a pod that stops early leaves no grace-period timer behind.
 */
async function raceTimeout<T>(clock: Clock, ms: number, racers: ReadonlyArray<Promise<T>>): Promise<T | false> {
  const timeout = new AbortController()
  try {
    return await Promise.race([...racers, clock.sleep(ms, timeout.signal).then(() => false as const)])
  } finally {
    timeout.abort()
  }
}

/** Whether a promise has already settled to true, without waiting for it. */
async function settledTrue(p: Promise<boolean>): Promise<boolean> {
  return Promise.race([p, Promise.resolve(false)])
}
