/**
 * @module
 * One container of a pod, supervised as the kubelet does it, for every runtime: image, start,
 * postStart, probes (startup, readiness, liveness), restarts per restartPolicy with the
 * kubelet's crash back-off, and the kill sequence (preStop, SIGTERM, the grace period,
 * SIGKILL, termination.ts). Its ContainerStatus (waiting / running / terminated, lastState,
 * restartCount, ready, started) is kept here and read by the pod worker.
 *
 * What differs between runtimes sits behind ContainerPort: getting the image, starting an
 * instance, exec inside it and dialling its ports, what is left to clean up when it exits
 * (process/container-supervisor.ts, docker/docker-container.ts).
 *
 *   waiting ContainerCreating ─image ok─▶ running ─exit─▶ restart now (first exit) ─▶ running …
 *        │                                  │          └▶ waiting CrashLoopBackOff ─delay─▶ running
 *        ├ pull failed: ErrImagePull ─▶ ImagePullBackOff ─delay─▶ pull again
 *        ├ absent, policy Never: ErrImageNeverPull ─delay─▶ look again
 *        └ a start that fails (config, runtime) ─▶ waiting <reason> ─delay─▶ start again
 *                                           └ liveness/startup failure: kill (preStop, TERM, KILL) ─▶ exit
 *
 * The lifecycle's own state is one LifecycleState, changed only by #transition, which logs
 * `{container, state, was, why}` (kamal-proxy logs its targets' transitions the same way).
 * Kubernetes' ContainerStatus is what it reports, kept beside it.
 */
import { implicitReadinessProbe } from '../api/implicit-readiness.ts'
import { formatTimestamp } from '../api/timestamps.ts'
import type { Container, ContainerStatus, LifecycleHandler, Pod, Probe } from '../api/types.ts'
import type { Clock, TimerHandle } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import { ContainerProbes } from '../probes/container-probes.ts'
import type { ProbeExecutor, ProbeReport } from '../probes/probe-runner.ts'
import type { ProbeKind } from '../probes/probe-timing.ts'
import { formatDelay, imagePullDelay, restartDelay } from './restart-backoff.ts'
import { killContainer, podGraceMs, runHook } from './termination.ts'

/** How an instance ended; `oomKilled` when the runtime saw the kernel's OOM killer end it. */
export interface InstanceExit {
  exitCode: number
  oomKilled?: boolean
}

/** One started instance of the container, as its runtime reports it. */
export interface ContainerInstance {
  /** ContainerStatus.containerID: `process://<pid>`, `docker://<id>`. */
  readonly containerID: string
  /** Epoch ms. */
  readonly startedAt: number
  /** Resolves once the instance has exited (never, after the agent let go of it). */
  readonly exited: Promise<InstanceExit>
  signal(sig: 'SIGTERM' | 'SIGKILL'): void
}

/** Getting the image: nothing to get, there, pulled, or why not (then the lifecycle backs off). */
export type ImageOutcome =
  | { kind: 'none' }
  | { kind: 'present' | 'pulled'; imageID: string }
  | { kind: 'ErrImagePull' | 'ErrImageNeverPull'; message: string }

/** A start refused before anything ran (CreateContainerConfigError, …): waits in `reason`. */
export interface LaunchProblem {
  reason: string
  message: string
}

/** Why the agent itself killed the running instance. */
export type KillCause = 'liveness' | 'startup' | 'postStart' | 'oom'

/** What a runtime does for the lifecycle. */
export interface ContainerPort<I extends ContainerInstance> {
  pullImage(): Promise<ImageOutcome>
  /** Creates and starts one instance (recording the Created event); throws when the runtime fails. */
  launch(restartCount: number): Promise<I | LaunchProblem>
  /** A probe's or hook's action on `inst`: exec inside it, httpGet and tcpSocket on its ports. */
  executor(handler: Probe | LifecycleHandler, inst: I | undefined): ProbeExecutor
  /** Watches a running instance beyond probes (a memory limit); `kill` ends it with a cause. */
  watch?(inst: I, kill: (cause: KillCause, why: string) => void): { cancel(): void } | undefined
  /**
   * An instance exited: collect what it left (output, leftovers). `active`: the pod is not
   * terminating and the agent still watches; `killedBy`: the agent ended it.
   */
  exited(inst: I, exit: InstanceExit, how: { killedBy: KillCause | undefined; active: boolean }): void
  /** stop() killed the last instance: remove what the pod's deletion removes. */
  stopped(): Promise<void>
  /** The agent lets go; the instance runs on for the next agent to adopt. */
  detach(inst: I | undefined): void
}

export interface LifecycleHost {
  clock: Clock
  logger: Logger
  pod(): Pod
  event(type: 'Normal' | 'Warning', reason: string, message: string): void
  /** The container's status changed. */
  changed(): void
}

export interface LifecycleOptions {
  /** A container with a port but no readiness probe is ready once the port accepts connections. */
  implicitReadiness: boolean
}

/**
 * Where the lifecycle is:
 *
 * | state        | meaning                                                          |
 * | ------------ | ---------------------------------------------------------------- |
 * | `waiting`    | created, not started yet                                         |
 * | `creating`   | getting the image and launching an instance                      |
 * | `postStart`  | the instance runs; its postStart hook has not finished           |
 * | `running`    | the instance runs and is probed                                  |
 * | `killing`    | the agent is killing the instance (`by`: a probe, postStart, oom) |
 * | `backOff`    | waiting to start again (`reason`: CrashLoopBackOff, ImagePullBackOff, …) |
 * | `terminated` | the instance exited and restartPolicy keeps it down              |
 * | `stopping`   | the pod terminates: no more starts (`killedBy` kept for the exit) |
 * | `detached`   | the agent let go; the instance runs on for the next agent         |
 */
export type LifecycleState =
  | { name: 'waiting' }
  | { name: 'creating' }
  | { name: 'postStart' }
  | { name: 'running' }
  | { name: 'killing'; by: KillCause }
  | { name: 'backOff'; reason: string }
  | { name: 'terminated'; exitCode: number }
  | { name: 'stopping'; killedBy?: KillCause }
  | { name: 'detached' }

/** What an agent found of an earlier agent's container (see adopt). */
export interface Adopted<I> {
  /** What was known of the container's status; merged over the fresh one. */
  status: Partial<ContainerStatus>
  pendingDelayMs?: number
  /** The instance found, running or exited while no agent watched; none: started afresh. */
  instance?: I
  running?: boolean
  /** The probes' results the earlier agent reported, so readiness resumes instead of flapping. */
  resume?: { started: boolean; ready: boolean }
}

export class ContainerLifecycle<I extends ContainerInstance> {
  readonly name: string
  #host: LifecycleHost
  #spec: Container
  #port: ContainerPort<I>
  #opts: LifecycleOptions
  #status: ContainerStatus
  #state: LifecycleState = { name: 'waiting' }
  #pendingDelayMs = 0
  #failedAttempts = 0
  #instance: I | undefined
  /** An instance was started (here or by an earlier agent). */
  #hadInstance = false
  #startedAt = 0
  #probes: ContainerProbes | undefined
  /** Readiness is the implicit TCP gate on the first port, not a probe of the spec. */
  #implicitReadiness = false
  #timer: TimerHandle | undefined
  #watch: { cancel(): void } | undefined
  /** The image-and-launch in progress, which stop() lets finish (it then kills what it started). */
  #starting: Promise<void> | undefined

  constructor(host: LifecycleHost, spec: Container, port: ContainerPort<I>, opts: LifecycleOptions) {
    this.#host = host
    this.#spec = spec
    this.#port = port
    this.#opts = opts
    this.name = spec.name
    this.#status = {
      name: spec.name,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      started: false,
      restartCount: 0,
      image: spec.image ?? '',
      imageID: '',
    }
  }

  status(): ContainerStatus {
    return structuredClone(this.#status)
  }

  /** The lifecycle's state (a copy). */
  state(): LifecycleState {
    return { ...this.#state }
  }

  /** The running instance, if any. */
  get instance(): I | undefined {
    return this.#instance
  }

  /** An instance was started before (a restart keeps its log as the previous one). */
  get hadInstance(): boolean {
    return this.#hadInstance
  }

  /** Crash back-off the next exit will wait (restart-backoff.ts). */
  get pendingDelayMs(): number {
    return this.#pendingDelayMs
  }

  get startedAt(): number {
    return this.#startedAt
  }

  /** The pod terminates or the agent let go: no more starts or restarts. */
  get #stopped(): boolean {
    return this.#state.name === 'stopping' || this.#state.name === 'detached'
  }

  /** The one place the state changes; every change is logged with its cause. */
  #transition(to: LifecycleState, why: string): void {
    const was = this.#state
    this.#state = to
    this.#host.logger.info('container state changed', {
      container: this.name,
      state: to.name,
      was: was.name,
      why,
      ...stateDetail(to),
    })
  }

  start(): void {
    if (!this.#stopped) this.#transition({ name: 'creating' }, this.#hadInstance ? 'restart' : 'start')
    this.#starting = this.#run()
  }

  /** Gives up a back-off wait and starts at once, with a fresh back-off (the awaited image arrived). */
  retryNow(): void {
    if (this.#state.name !== 'backOff') return
    this.#timer?.cancel()
    this.#timer = undefined
    this.#failedAttempts = 0
    this.start()
  }

  /** Takes over what an earlier agent started; an instance that exited meanwhile is handled as any exit. */
  adopt(found: Adopted<I>): void {
    this.#status = { ...this.#status, ...found.status, image: this.#spec.image ?? '' }
    this.#pendingDelayMs = found.pendingDelayMs ?? 0
    const inst = found.instance
    this.#hadInstance = this.#status.restartCount > 0 || inst !== undefined
    if (!inst) {
      const terminated = this.#status.state.terminated
      if (terminated)
        this.#transition({ name: 'terminated', exitCode: terminated.exitCode }, 'adopted, already terminated')
      else this.start()
      return
    }
    this.#instance = inst
    this.#startedAt = inst.startedAt
    this.#status.containerID = inst.containerID
    if (found.running) {
      this.#transition({ name: 'running' }, 'adopted from an earlier agent')
      this.#status.state = { running: { startedAt: formatTimestamp(inst.startedAt) } }
      this.#startProbes(inst, found.resume)
      this.#watchInstance(inst)
    }
    void inst.exited.then((e) => this.#exited(inst, e))
  }

  /** The pod is terminating: stop probing and report the container unready at once. */
  beginTermination(): void {
    this.#stopBeing('stopping', 'pod terminating')
    this.#timer?.cancel()
    this.#watch?.cancel()
    this.#probes?.stop()
    this.#status.ready = false
  }

  /** Kills the container for the pod's deletion (preStop, SIGTERM, SIGKILL after graceMs). */
  async stop(graceMs: number): Promise<void> {
    this.beginTermination()
    await this.#starting
    const inst = this.#instance
    if (inst) {
      this.#host.event('Normal', 'Killing', `Stopping container ${this.name}`)
      await this.#kill(inst, graceMs)
    }
    await this.#port.stopped()
  }

  /** The agent stops watching; the instance keeps running for the next agent to adopt. */
  detach(): void {
    this.beginTermination()
    this.#stopBeing('detached', 'agent stopped watching')
    this.#port.detach(this.#instance)
  }

  #stopBeing(name: 'stopping' | 'detached', why: string): void {
    const s = this.#state
    if (s.name === name) return
    if (name === 'detached') return this.#transition({ name }, why)
    this.#transition(s.name === 'killing' ? { name, killedBy: s.by } : { name }, why)
  }

  async #run(): Promise<void> {
    if (this.#stopped) return
    try {
      if (!(await this.#image())) return
      await this.#launch()
    } catch (err) {
      this.#host.logger.error('container start failed', { container: this.name, err })
      this.#retryLater('RunContainerError', err instanceof Error ? err.message : String(err))
    }
  }

  async #image(): Promise<boolean> {
    const h = this.#host
    const image = this.#spec.image ?? ''
    const began = h.clock.now()
    const r = await this.#port.pullImage()
    switch (r.kind) {
      case 'none':
        return true
      case 'ErrImageNeverPull':
        h.event('Warning', 'ErrImageNeverPull', r.message)
        this.#retryLater('ErrImageNeverPull', r.message)
        return false
      case 'ErrImagePull':
        h.event('Warning', 'Failed', `Failed to pull image "${image}": ${r.message}`)
        h.event('Warning', 'Failed', 'Error: ErrImagePull')
        this.#setWaiting('ErrImagePull', r.message)
        h.changed()
        h.event('Normal', 'BackOff', `Back-off pulling image "${image}"`)
        this.#retryLater('ImagePullBackOff', `Back-off pulling image "${image}"`)
        return false
    }
    this.#status.imageID = r.imageID
    if (r.kind === 'pulled')
      h.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${h.clock.now() - began}ms`)
    else h.event('Normal', 'Pulled', `Container image "${image}" already present on machine`)
    return !this.#stopped
  }

  async #launch(): Promise<void> {
    const h = this.#host
    const launched = await this.#port.launch(this.#status.restartCount)
    if (isLaunchProblem(launched)) {
      h.event('Warning', 'Failed', `Error: ${launched.message}`)
      return this.#retryLater(launched.reason, launched.message)
    }
    const inst = launched
    this.#hadInstance = true
    if (this.#stopped) {
      // The pod began terminating while this instance started: it never served, so no grace.
      inst.signal('SIGKILL')
      const exit = await inst.exited
      this.#port.exited(inst, exit, { killedBy: undefined, active: false })
      return
    }
    this.#instance = inst
    this.#failedAttempts = 0
    this.#startedAt = inst.startedAt
    this.#status.containerID = inst.containerID
    this.#transition({ name: 'postStart' }, `launched ${inst.containerID}`)
    void inst.exited.then((e) => this.#exited(inst, e))
    h.event('Normal', 'Started', `Started container ${this.name}`)
    // As in Kubernetes, the container is not Running (and not probed) until postStart is done.
    if (!(await this.#postStart(inst))) return
    this.#transition({ name: 'running' }, this.#spec.lifecycle?.postStart ? 'postStart hook done' : 'no postStart hook')
    this.#status.state = { running: { startedAt: formatTimestamp(this.#startedAt) } }
    this.#startProbes(inst)
    this.#watchInstance(inst)
    h.changed()
  }

  #watchInstance(inst: I): void {
    this.#watch = this.#port.watch?.(inst, (cause, why) => {
      if (this.#instance !== inst) return
      this.#killedBy(cause, why)
      inst.signal('SIGKILL')
    })
  }

  /** Runs the postStart hook; false when it failed (the container is being killed) or the instance is gone. */
  async #postStart(inst: I): Promise<boolean> {
    const hook = this.#spec.lifecycle?.postStart
    if (!hook) return true
    const graceMs = podGraceMs(this.#host.pod())
    const failure = await runHook(hook, (h) => this.#port.executor(h, inst), graceMs, this.#host.clock)
    if (this.#instance !== inst || this.#stopped) return false
    if (failure === undefined) return true
    this.#host.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${failure}`)
    this.#host.event('Normal', 'Killing', 'FailedPostStartHook')
    this.#killedBy('postStart', `postStart hook failed: ${failure}`)
    void this.#kill(inst, graceMs)
    return false
  }

  #startProbes(inst: I, resume?: { started: boolean; ready: boolean }): void {
    const h = this.#host
    // No readiness probe but a port: ready once the port accepts connections (api/implicit-readiness.ts).
    const implicit = this.#opts.implicitReadiness
      ? implicitReadinessProbe(this.#spec, h.pod().metadata.annotations)
      : undefined
    this.#implicitReadiness = implicit !== undefined
    this.#probes = new ContainerProbes({
      container: implicit ? { ...this.#spec, readinessProbe: implicit } : this.#spec,
      clock: h.clock,
      startedAt: this.#startedAt,
      executorFor: (probe: Probe) => this.#port.executor(probe, this.#instance === inst ? inst : undefined),
      observer: { probeCompleted: (r) => this.#probed(r) },
      ...(resume ? { resume } : {}),
    })
    this.#status.started = this.#probes.started
    this.#status.ready = this.#probes.ready
    this.#probes.start()
  }

  #probed(r: ProbeReport): void {
    const label = r.kind[0]?.toUpperCase() + r.kind.slice(1)
    // The implicit gate's failures are the app still starting, not a probe the user wrote.
    const quiet = r.kind === 'readiness' && this.#implicitReadiness
    if (!r.outcome.ok && !quiet) this.#host.event('Warning', 'Unhealthy', `${label} probe failed: ${r.outcome.message}`)
    if (r.changed && r.healthy === false && r.kind !== 'readiness') this.#killForProbe(r.kind)
    const probes = this.#probes
    if (!probes || this.#stopped) return
    if (probes.started === this.#status.started && probes.ready === this.#status.ready) return
    this.#status.started = probes.started
    this.#status.ready = probes.ready
    this.#host.changed()
  }

  #killForProbe(kind: ProbeKind): void {
    const inst = this.#instance
    if (!inst || this.#state.name === 'killing' || this.#stopped) return
    this.#killedBy(kind === 'liveness' ? 'liveness' : 'startup', `${kind} probe failed`)
    this.#probes?.stop()
    this.#status.ready = false
    this.#host.event('Normal', 'Killing', `Container ${this.name} failed ${kind} probe, will be restarted`)
    const probe = kind === 'liveness' ? this.#spec.livenessProbe : this.#spec.startupProbe
    const graceSeconds = probe?.terminationGracePeriodSeconds
    void this.#kill(inst, graceSeconds !== undefined ? graceSeconds * 1000 : podGraceMs(this.#host.pod()))
  }

  /** The agent kills the instance; a pod already terminating keeps the cause for the exit. */
  #killedBy(by: KillCause, why: string): void {
    if (this.#state.name === 'stopping') this.#transition({ name: 'stopping', killedBy: by }, why)
    else if (!this.#stopped) this.#transition({ name: 'killing', by }, why)
  }

  #kill(inst: I, graceMs: number): Promise<unknown> {
    return killContainer({
      proc: inst,
      graceMs,
      preStop: this.#spec.lifecycle?.preStop,
      executorFor: (h) => this.#port.executor(h, inst),
      clock: this.#host.clock,
      onPreStopFailed: (message) => this.#host.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${message}`),
    })
  }

  #exited(inst: I, exit: InstanceExit): void {
    if (inst !== this.#instance) return
    const { exitCode } = exit
    this.#probes?.stop()
    this.#probes = undefined
    this.#instance = undefined
    this.#watch?.cancel()
    const now = this.#host.clock.now()
    const s = this.#state
    const killedBy = s.name === 'killing' ? s.by : s.name === 'stopping' ? s.killedBy : undefined
    const reason = killedBy === 'oom' || exit.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error'
    const terminated = {
      exitCode,
      reason,
      startedAt: formatTimestamp(this.#startedAt),
      finishedAt: formatTimestamp(now),
      ...(this.#status.containerID ? { containerID: this.#status.containerID } : {}),
    }
    this.#status.ready = false
    this.#status.started = false
    const policy = this.#host.pod().spec.restartPolicy ?? 'Always'
    const killedByAgent = killedBy !== undefined && killedBy !== 'oom'
    const restart =
      !this.#stopped && (policy === 'Always' || (policy === 'OnFailure' && (exitCode !== 0 || killedByAgent)))
    this.#port.exited(inst, exit, { killedBy, active: !this.#stopped })
    if (!restart) {
      if (!this.#stopped)
        this.#transition({ name: 'terminated', exitCode }, `exited ${exitCode} (${reason}), restartPolicy ${policy}`)
      this.#status.state = { terminated }
      return this.#host.changed()
    }
    const d = restartDelay(this.#pendingDelayMs, now - this.#startedAt)
    this.#pendingDelayMs = d.nextDelayMs
    this.#status.lastState = { terminated }
    if (d.delayMs === 0) {
      this.#status.restartCount++
      this.#transition({ name: 'waiting' }, `exited ${exitCode} (${reason}), restarting now`)
      this.#status.state = { waiting: { reason: 'ContainerCreating' } }
      this.#host.changed()
      return this.start()
    }
    const pod = this.#host.pod()
    const who = `${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`
    this.#host.event('Warning', 'BackOff', `Back-off restarting failed container ${this.name} in pod ${who}`)
    this.#setWaiting(
      'CrashLoopBackOff',
      `back-off ${formatDelay(d.delayMs)} restarting failed container=${this.name} pod=${who}`,
    )
    this.#transition(
      { name: 'backOff', reason: 'CrashLoopBackOff' },
      `exited ${exitCode} (${reason}), back-off ${formatDelay(d.delayMs)}`,
    )
    this.#host.changed()
    this.#timer = this.#host.clock.setTimeout(() => {
      this.#status.restartCount++
      this.start()
    }, d.delayMs)
  }

  #setWaiting(reason: string, message: string): void {
    this.#status.state = { waiting: { reason, message } }
    this.#status.ready = false
    this.#status.started = false
  }

  /** Waits in `reason` and tries the whole start again after the image-pull back-off. */
  #retryLater(reason: string, message: string): void {
    this.#setWaiting(reason, message)
    this.#host.changed()
    if (this.#stopped) return
    this.#transition({ name: 'backOff', reason }, message)
    this.#failedAttempts++
    this.#timer = this.#host.clock.setTimeout(() => this.start(), imagePullDelay(this.#failedAttempts))
  }
}

function isLaunchProblem(x: ContainerInstance | LaunchProblem): x is LaunchProblem {
  return 'reason' in x && 'message' in x
}

/** The fields a state carries besides its name, for the transition log. */
function stateDetail(s: LifecycleState): Record<string, unknown> {
  switch (s.name) {
    case 'killing':
      return { by: s.by }
    case 'backOff':
      return { reason: s.reason }
    case 'terminated':
      return { exitCode: s.exitCode }
    case 'stopping':
      return s.killedBy ? { killedBy: s.killedBy } : {}
    default:
      return {}
  }
}
