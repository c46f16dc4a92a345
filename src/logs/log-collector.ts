/**
 * @module
 * The node's log collector: one per node agent, one timer for all containers. Every period
 * it lets each live container instance's ContainerOutput (container-output.ts) store what
 * the app appended to its raw stdout/stderr files since the last period.
 *
 * Why files and a poll instead of pipes and a reader per container: a pipe needs a reader
 * that outlives the daemon (a daemon SIGKILL would leave the app writing into a pipe with no
 * reader: blocked, or EPIPE and usually a crash), which meant a helper process per container
 * (~73 MB of Node each, 7.3 GB for 100 replicas). A file needs no reader: the app appends
 * whether or not an agent runs, and the next agent continues from the saved offsets. An
 * idle container costs two reads at end of file per period: 100 containers at 200 ms take
 * ~0.45 % of a core (bench/log-collector.ts).
 *
 * Restart of a container: `startInstance(…, { previous: true })` first finishes the old
 * instance (its remaining raw output, unfinished last lines as full lines), then makes its
 * log the previous one (`rotatePrevious`, read by `--previous`), then gives the new instance
 * fresh raw files.
 */
import type { Clock, TimerHandle } from '../platform/clock.ts'
import { silentLogger, type Logger } from '../platform/logger.ts'
import { ContainerOutput, type ChildOutput, type ContainerOutputOptions } from './container-output.ts'
import { rotatePrevious } from './log-files.ts'
import { RawSpaceReclaimer, type ReclaimMode } from './raw-space.ts'

export const COLLECT_PERIOD_MS = 200

export interface LogCollectorOptions {
  clock: Clock
  logger?: Logger
  periodMs?: number
  /** Size cap of one log file and files kept per container (log-files.ts defaults: 10 MiB × 3). */
  maxBytes?: number
  maxFiles?: number
  /** Collected raw bytes given back to the disk at a time (container-output.ts default: 4 MiB). */
  reclaimBytes?: number
  /** How raw space is given back (raw-space.ts); `punch` falls back to `truncate` by itself. */
  reclaim?: ReclaimMode
}

export class LogCollector {
  readonly #opts: LogCollectorOptions
  readonly #logger: Logger
  readonly #reclaimer: RawSpaceReclaimer
  readonly #outputs = new Map<string, ContainerOutput>()
  readonly #failing = new WeakSet<ContainerOutput>()
  #timer: TimerHandle | undefined

  constructor(opts: LogCollectorOptions) {
    this.#opts = opts
    this.#logger = (opts.logger ?? silentLogger).with({ component: 'log-collector' })
    this.#reclaimer = new RawSpaceReclaimer(opts.reclaim, (reason) =>
      this.#logger.error('raw log space is reclaimed by truncation: hole punching failed', { reason }),
    )
  }

  /**
   * A new instance of `container`: returns the files to pass as its stdout and stderr.
   * `previous`: an earlier instance ran, and its log becomes the `--previous` one.
   */
  startInstance(podDir: string, container: string, opts: { previous: boolean }): ChildOutput {
    const key = keyOf(podDir, container)
    this.#outputs.get(key)?.finish()
    this.#outputs.delete(key)
    if (opts.previous) rotatePrevious(podDir, container)
    const { output, child } = ContainerOutput.create(this.#outputOptions(podDir, container))
    this.#track(key, output)
    return child
  }

  /** Takes over the output of an instance an earlier agent started; false when it has none. */
  resume(podDir: string, container: string): boolean {
    const key = keyOf(podDir, container)
    if (this.#outputs.has(key)) return true
    const output = ContainerOutput.resume(this.#outputOptions(podDir, container))
    if (output) this.#track(key, output)
    return output !== undefined
  }

  /** The instance has exited: everything it wrote goes into its log now (the pod's directory may go next). */
  finish(podDir: string, container: string): void {
    this.#close(keyOf(podDir, container), (o) => o.finish())
  }

  /** The agent lets go of a still running instance; the next agent's `resume` continues. */
  detach(podDir: string, container: string): void {
    this.#close(keyOf(podDir, container), (o) => o.detach())
  }

  /** Detaches every container and stops the timer. */
  stop(): void {
    for (const key of [...this.#outputs.keys()]) this.#close(key, (o) => o.detach())
  }

  /** One period's work; the timer calls it. */
  collect(): void {
    for (const output of this.#outputs.values()) this.#guard(output, () => output.collect())
  }

  #track(key: string, output: ContainerOutput): void {
    this.#outputs.set(key, output)
    this.#schedule()
  }

  #close(key: string, how: (o: ContainerOutput) => void): void {
    const output = this.#outputs.get(key)
    if (!output) return
    this.#outputs.delete(key)
    this.#guard(output, () => how(output))
    if (this.#outputs.size === 0) {
      this.#timer?.cancel()
      this.#timer = undefined
    }
  }

  /** The timer runs while some container is tracked, so an idle collector holds no timer. */
  #schedule(): void {
    if (this.#timer) return
    this.#timer = this.#opts.clock.setTimeout(() => {
      this.#timer = undefined
      this.collect()
      if (this.#outputs.size > 0) this.#schedule()
    }, this.#opts.periodMs ?? COLLECT_PERIOD_MS)
  }

  /** A failing disk must not stop the other containers' logs; each failing output is reported once. */
  #guard(output: ContainerOutput, fn: () => void): void {
    try {
      fn()
      this.#failing.delete(output)
    } catch (err) {
      if (this.#failing.has(output)) return
      this.#failing.add(output)
      this.#logger.error('container output not collected', { podDir: output.podDir, container: output.container, err })
    }
  }

  #outputOptions(podDir: string, container: string): ContainerOutputOptions {
    const { clock, maxBytes, maxFiles, reclaimBytes } = this.#opts
    return { podDir, container, now: () => clock.now(), reclaimer: this.#reclaimer, maxBytes, maxFiles, reclaimBytes }
  }
}

function keyOf(podDir: string, container: string): string {
  return `${podDir}\0${container}`
}
