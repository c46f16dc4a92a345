/**
 * @module
 * The three probes of one running container, with the kubelet's gating: readiness and
 * liveness do not run until the startup probe has succeeded (a container without a startup
 * probe is started at once), and a container without a readiness probe is ready once started.
 *
 * Every attempt is forwarded to the observer; `started` and `ready` are the current
 * thresholded answers the pod status is built from.
 */
import type { Container, Probe } from '../api/types.ts'
import type { Clock } from '../platform/clock.ts'
import { ProbeRunner, type ProbeExecutor, type ProbeObserver, type ProbeReport } from './probe-runner.ts'
import { probeTiming, type ProbeKind } from './probe-timing.ts'

export interface ContainerProbesOptions {
  container: Container
  clock: Clock
  startedAt: number
  executorFor(probe: Probe, kind: ProbeKind): ProbeExecutor
  observer: ProbeObserver
  /** Results carried over from before a daemon restart, so re-adoption does not flap Ready. */
  resume?: { started: boolean; ready: boolean }
}

export class ContainerProbes implements ProbeObserver {
  #opts: ContainerProbesOptions
  #startup: ProbeRunner | undefined
  #readiness: ProbeRunner | undefined
  #liveness: ProbeRunner | undefined
  #started: boolean
  #stopped = false

  constructor(opts: ContainerProbesOptions) {
    this.#opts = opts
    const { container, resume } = opts
    this.#started = resume?.started ?? container.startupProbe === undefined
    if (container.startupProbe && !this.#started) this.#startup = this.#runner(container.startupProbe, 'startup')
    if (container.readinessProbe) this.#readiness = this.#runner(container.readinessProbe, 'readiness', resume?.ready)
    if (container.livenessProbe) this.#liveness = this.#runner(container.livenessProbe, 'liveness')
  }

  get started(): boolean {
    return this.#started
  }

  get ready(): boolean {
    if (!this.#started) return false
    return this.#readiness ? this.#readiness.healthy === true : true
  }

  start(): void {
    if (this.#started) this.#startGated()
    else this.#startup?.start()
  }

  stop(): void {
    this.#stopped = true
    for (const r of [this.#startup, this.#readiness, this.#liveness]) r?.stop()
  }

  probeCompleted(report: ProbeReport): void {
    if (this.#stopped) return
    if (report.kind === 'startup' && report.healthy === true) {
      this.#started = true
      this.#startGated()
    }
    this.#opts.observer.probeCompleted(report)
  }

  #startGated(): void {
    this.#readiness?.start()
    this.#liveness?.start()
  }

  #runner(probe: Probe, kind: ProbeKind, initial?: boolean): ProbeRunner {
    const { clock, startedAt, executorFor } = this.#opts
    return new ProbeRunner({
      kind,
      timing: probeTiming(probe, kind),
      clock,
      startedAt,
      execute: executorFor(probe, kind),
      observer: this,
      ...(initial !== undefined ? { initial } : {}),
    })
  }
}
