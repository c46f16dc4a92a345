/**
 * @module
 * One probe's state machine, as the kubelet's probe worker runs it: wait initialDelaySeconds
 * after the container started, then probe every periodSeconds (never two at once), and flip
 * the probe's result only after successThreshold / failureThreshold consecutive results.
 *
 * It reports every attempt to a ProbeObserver and decides nothing (P8): restarting a
 * container or marking it unready is the supervisor's job.
 *
 * Initial results follow the kubelet: readiness starts failed (a container is unready until
 * probed), liveness starts healthy, startup starts unknown. Once liveness or startup fails it
 * holds (probes no more): the container is about to be killed and gets a fresh runner.
 * Startup stops probing after its first success.
 */
import type { Clock, TimerHandle } from '../platform/clock.ts'
import type { ProbeKind, ProbeTiming } from './probe-timing.ts'

export interface ProbeOutcome {
  ok: boolean
  /** Why it failed, worded as the kubelet words it ("HTTP probe failed with statuscode: 503"). */
  message: string
}

/** Runs one probe attempt; must settle within about `timeoutMs`. */
export type ProbeExecutor = (timeoutMs: number) => Promise<ProbeOutcome>

export interface ProbeReport {
  kind: ProbeKind
  outcome: ProbeOutcome
  /** The thresholded result after this attempt; undefined while a startup probe is unknown. */
  healthy: boolean | undefined
  /** True when this attempt flipped `healthy`. */
  changed: boolean
}

export interface ProbeObserver {
  probeCompleted(report: ProbeReport): void
}

export interface ProbeRunnerOptions {
  kind: ProbeKind
  timing: ProbeTiming
  clock: Clock
  execute: ProbeExecutor
  observer: ProbeObserver
  /** When the container started (epoch ms): initialDelaySeconds counts from here. */
  startedAt: number
  /** Overrides the kubelet's initial result (used when re-adopting a running container). */
  initial?: boolean
}

export function initialResult(kind: ProbeKind): boolean | undefined {
  switch (kind) {
    case 'readiness':
      return false
    case 'liveness':
      return true
    case 'startup':
      return undefined
  }
}

export class ProbeRunner {
  readonly kind: ProbeKind
  #opts: ProbeRunnerOptions
  #healthy: boolean | undefined
  #lastOk: boolean | undefined
  #run = 0
  #timer: TimerHandle | undefined
  #stopped = true

  constructor(opts: ProbeRunnerOptions) {
    this.kind = opts.kind
    this.#opts = opts
    this.#healthy = opts.initial ?? initialResult(opts.kind)
  }

  get healthy(): boolean | undefined {
    return this.#healthy
  }

  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    const { clock, startedAt, timing } = this.#opts
    this.#schedule(startedAt + timing.initialDelayMs - clock.now())
  }

  stop(): void {
    this.#stopped = true
    this.#timer?.cancel()
    this.#timer = undefined
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return
    this.#timer = this.#opts.clock.setTimeout(() => void this.#attempt(), Math.max(0, delayMs))
  }

  async #attempt(): Promise<void> {
    this.#timer = undefined
    const { clock, execute, timing } = this.#opts
    const began = clock.now()
    let outcome: ProbeOutcome
    try {
      outcome = await execute(timing.timeoutMs)
    } catch (err) {
      outcome = { ok: false, message: err instanceof Error ? err.message : String(err) }
    }
    if (this.#stopped) return
    const keepProbing = this.#record(outcome)
    if (keepProbing) this.#schedule(began + timing.periodMs - clock.now())
    else this.stop()
  }

  /** Applies the thresholds; returns whether to keep probing. */
  #record(outcome: ProbeOutcome): boolean {
    const { kind, timing, observer } = this.#opts
    if (outcome.ok === this.#lastOk) this.#run++
    else {
      this.#lastOk = outcome.ok
      this.#run = 1
    }
    const threshold = outcome.ok ? timing.successThreshold : timing.failureThreshold
    const was = this.#healthy
    if (this.#run >= threshold) this.#healthy = outcome.ok
    const changed = was !== this.#healthy
    observer.probeCompleted({ kind, outcome, healthy: this.#healthy, changed })
    if (kind === 'startup' && this.#healthy === true) return false
    if (kind !== 'readiness' && this.#healthy === false) return false
    return true
  }
}
