/**
 * @module
 * One container of a pod, supervised as the kubelet does it: pull (unpack the artifact),
 * start under the shim (its output to files the node's LogCollector reads), probe, and on
 * exit restart per restartPolicy with crash back-off; kill and restart it when a liveness
 * or startup probe fails. Its ContainerStatus (waiting / running / terminated, lastState,
 * restartCount, ready, started) is kept here and read by the pod worker, which writes the
 * pod status and persists state.
 *
 * Lifecycle of one instance:
 *
 *   waiting ContainerCreating ─pull ok─▶ running ─exit─▶ restart now (first exit) ─▶ running …
 *        │                                  │          └▶ waiting CrashLoopBackOff ─delay─▶ running
 *        └ pull failed: ErrImagePull ─▶ ImagePullBackOff ─delay─▶ pull again
 *                                           └ liveness/startup failure: kill (preStop, TERM, KILL) ─▶ exit
 *
 * The supervisor's own state is one SupervisorState, changed only by #transition, which logs
 * `{container, state, was, why}` (kamal-proxy logs its targets' transitions the same way).
 * Kubernetes' ContainerStatus is what it reports, kept beside it.
 */
import { chownSync, existsSync, mkdirSync, realpathSync } from 'node:fs'
import { resolve as resolvePath } from 'node:path'
import type {
  ConfigMap,
  Container,
  ContainerStatus,
  PersistentVolumeClaim,
  Pod,
  Probe,
  Secret,
} from '../../api/types.ts'
import { readDefaultCommand } from '../../artifacts/default-command.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import type { LogCollector } from '../../logs/log-collector.ts'
import type { Clock, TimerHandle } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import { ContainerProbes } from '../../probes/container-probes.ts'
import { handlerExecutor, type HandlerContext } from '../../probes/handler-executor.ts'
import type { ProbeReport } from '../../probes/probe-runner.ts'
import type { ProbeKind } from '../../probes/probe-timing.ts'
import type { SavedContainer } from './adoption.ts'
import { claimDir, claimMounts, mountClaim } from './claim-volumes.ts'
import { checkoutImage, rootfsDir, sharedImagesDir } from './image-checkout.ts'
import { peersDir } from './peers-files.ts'
import { isLaunchProblem, launchConfig, type LaunchConfig } from './launch-config.ts'
import { parseMemoryQuantity, watchMemory } from './memory-limit.ts'
import { resolvePort, type PortMapping } from './port-allocator.ts'
import {
  adoptReplica,
  KILLED_EXIT_CODE,
  launchReplica,
  readExitCode,
  SHIM_SCRIPT,
  type ReplicaProcess,
} from './replica-process.ts'
import { formatDelay, imagePullDelay, restartDelay } from './restart-backoff.ts'
import { implicitReadinessProbe } from '../../api/implicit-readiness.ts'
import { processUid } from '../../platform/env.ts'
import { enterArgv, ensureTmpDir, freshRoot, isolationOf, launchArgv, setUpState } from './mount-namespace.ts'
import { mountsVolumes, prepareVolumes } from './pod-volumes.ts'
import { killContainer, podGraceMs, runHook } from './termination.ts'
import { formatTimestamp } from '../../api/timestamps.ts'

/** How often a launch is checked for having finished its mount namespace (a few ms of mounts). */
const NAMESPACE_POLL_MS = 5

export interface SupervisorHost {
  clock: Clock
  logger: Logger
  /** The node's log collector: stores each instance's stdout and stderr in the pod's logs. */
  logs: LogCollector
  artifacts: ArtifactStore
  baseEnv: Record<string, string>
  podDir: string
  containerDir: string
  pod(): Pod
  portMappings(): readonly PortMapping[]
  configMap(namespace: string, name: string): ConfigMap | undefined
  secret(namespace: string, name: string): Secret | undefined
  /** A PersistentVolumeClaim of the pod's namespace, by name. */
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined
  /** Where claims' directories live (the data directory). */
  dataDir: string
  event(type: 'Normal' | 'Warning', reason: string, message: string): void
  /** The container's status or persisted state changed. */
  changed(): void
}

/** Why the agent itself killed the running instance. */
export type KillCause = 'liveness' | 'startup' | 'postStart' | 'oom'

/**
 * Where the supervisor is in its container's lifecycle:
 *
 * | state        | meaning                                                          |
 * | ------------ | ---------------------------------------------------------------- |
 * | `waiting`    | created, not started yet                                         |
 * | `creating`   | pulling the image and launching an instance                      |
 * | `postStart`  | the instance runs; its postStart hook has not finished           |
 * | `running`    | the instance runs and is probed                                  |
 * | `killing`    | the agent is killing the instance (`by`: a probe, postStart, oom) |
 * | `backOff`    | waiting to start again (`reason`: CrashLoopBackOff, ImagePullBackOff, …) |
 * | `terminated` | the instance exited and restartPolicy keeps it down              |
 * | `stopping`   | the pod terminates: no more starts (`killedBy` kept for the exit) |
 * | `detached`   | the agent let go; the instance runs on for the next agent         |
 */
export type SupervisorState =
  | { name: 'waiting' }
  | { name: 'creating' }
  | { name: 'postStart' }
  | { name: 'running' }
  | { name: 'killing'; by: KillCause }
  | { name: 'backOff'; reason: string }
  | { name: 'terminated'; exitCode: number }
  | { name: 'stopping'; killedBy?: KillCause }
  | { name: 'detached' }

export class ContainerSupervisor {
  readonly name: string
  #host: SupervisorHost
  #spec: Container
  #status: ContainerStatus
  #pendingDelayMs = 0
  #failedAttempts = 0
  #proc: ReplicaProcess | undefined
  /** An instance was started (here or by an earlier agent): a restart keeps its log as the previous one. */
  #hadInstance = false
  #startedAt = 0
  #probes: ContainerProbes | undefined
  #config: LaunchConfig | undefined
  #timer: TimerHandle | undefined
  /** The pull-and-launch in progress, which stop() lets finish (it then kills what it started). */
  #starting: Promise<void> | undefined
  #memoryWatch: { cancel(): void } | undefined
  #state: SupervisorState = { name: 'waiting' }
  /** Readiness is the implicit TCP gate on the first port, not a probe of the spec. */
  #implicitReadiness = false

  constructor(host: SupervisorHost, spec: Container) {
    this.#host = host
    this.#spec = spec
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

  saved(): SavedContainer {
    const proc = this.#proc
    return {
      name: this.name,
      status: this.status(),
      pendingDelayMs: this.#pendingDelayMs,
      ...(proc
        ? {
            process: {
              pid: proc.pid,
              startTime: proc.startTime,
              exitCodePath: proc.exitCodePath,
              startedAt: this.#startedAt,
            },
          }
        : {}),
    }
  }

  /** The supervisor's state (a copy). */
  state(): SupervisorState {
    return { ...this.#state }
  }

  /** The pod terminates or the agent let go: no more starts or restarts. */
  get #stopped(): boolean {
    return this.#state.name === 'stopping' || this.#state.name === 'detached'
  }

  /** The one place the state changes; every change is logged with its cause. */
  #transition(to: SupervisorState, why: string): void {
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

  /** Process group of the running instance (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.#proc?.pid
  }

  start(): void {
    if (!this.#stopped) this.#transition({ name: 'creating' }, this.#hadInstance ? 'restart' : 'start')
    this.#starting = this.#run()
  }

  /**
   * An artifact was pushed: a container waiting in ImagePullBackOff for an image that now
   * resolves pulls at once, with a fresh back-off, instead of sleeping out its delay.
   */
  imagePushed(): void {
    const s = this.#state
    if (s.name !== 'backOff' || s.reason !== 'ImagePullBackOff') return
    if (!this.#spec.image || this.#host.artifacts.resolve(this.#spec.image) === undefined) return
    this.#timer?.cancel()
    this.#timer = undefined
    this.#failedAttempts = 0
    this.#host.logger.info('image pushed, pulling again', { container: this.name, image: this.#spec.image })
    this.start()
  }

  /** Re-attaches to the instance an earlier agent started; restarts it if it exited meanwhile. */
  adopt(saved: SavedContainer): void {
    this.#status = { ...saved.status, image: this.#spec.image ?? '' }
    this.#pendingDelayMs = saved.pendingDelayMs
    this.#hadInstance = saved.status.restartCount > 0 || saved.process !== undefined
    const p = saved.process
    if (!p) {
      const terminated = this.#status.state.terminated
      if (terminated)
        this.#transition({ name: 'terminated', exitCode: terminated.exitCode }, 'adopted, already terminated')
      else this.start()
      return
    }
    this.#startedAt = p.startedAt
    // Running or exited while no agent watched: either way its output is collected from
    // where the last agent stopped (the exit below finishes it).
    this.#host.logs.resume(this.#host.podDir, this.name)
    const proc = adoptReplica(p, this.#host.clock)
    if (!proc) {
      this.#exited(undefined, readExitCode(p.exitCodePath) ?? KILLED_EXIT_CODE)
      return
    }
    this.#proc = proc
    this.#transition({ name: 'running' }, 'adopted from an earlier agent')
    const config = this.#launchConfig()
    if (!isLaunchProblem(config)) this.#config = config
    this.#startProbes({ started: this.#status.started === true, ready: this.#status.ready })
    this.#watchMemory(proc)
    void proc.exited.then((code) => this.#exited(proc, code))
  }

  /** The pod is terminating: stop probing and report the container unready at once. */
  beginTermination(): void {
    this.#stopBeing('stopping', 'pod terminating')
    this.#timer?.cancel()
    this.#memoryWatch?.cancel()
    this.#probes?.stop()
    this.#status.ready = false
  }

  /** Kills the container for the pod's deletion (preStop, SIGTERM, SIGKILL after graceMs). */
  async stop(graceMs: number): Promise<void> {
    this.beginTermination()
    await this.#starting
    const proc = this.#proc
    if (proc) {
      this.#host.event('Normal', 'Killing', `Stopping container ${this.name}`)
      await this.#kill(proc, graceMs)
    }
    // Everything the last instance wrote goes into its log before the pod directory can go.
    this.#host.logs.finish(this.#host.podDir, this.name)
  }

  /** The agent stops watching; the process keeps running (and writing) for the next agent to adopt. */
  detach(): void {
    this.beginTermination()
    this.#stopBeing('detached', 'agent stopped watching')
    this.#proc?.detach()
    this.#host.logs.detach(this.#host.podDir, this.name)
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
      if (!(await this.#pull())) return
      await this.#launch()
    } catch (err) {
      this.#host.logger.error('container start failed', { container: this.name, err })
      this.#retryLater('RunContainerError', err instanceof Error ? err.message : String(err))
    }
  }

  async #pull(): Promise<boolean> {
    const image = this.#spec.image
    if (!image) return true
    mkdirSync(this.#host.containerDir, { recursive: true })
    const began = this.#host.clock.now()
    try {
      // A container with claim mounts links them inside its rootfs, so it needs a copy of its own.
      const ownCopy = claimMounts(this.#host.pod(), this.#spec).length > 0
      const shared = ownCopy ? undefined : sharedImagesDir(this.#host.dataDir)
      const r = await checkoutImage(this.#host.artifacts, image, this.#host.containerDir, shared)
      this.#status.imageID = r.digest
      if (r.unpacked) {
        const ms = this.#host.clock.now() - began
        this.#host.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${ms}ms`)
      } else this.#host.event('Normal', 'Pulled', `Container image "${image}" already present on machine`)
      return !this.#stopped
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.#host.event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`)
      this.#host.event('Warning', 'Failed', 'Error: ErrImagePull')
      this.#setWaiting('ErrImagePull', message)
      this.#host.changed()
      this.#host.event('Normal', 'BackOff', `Back-off pulling image "${image}"`)
      this.#retryLater('ImagePullBackOff', `Back-off pulling image "${image}"`)
      return false
    }
  }

  async #launch(): Promise<void> {
    const config = this.#launchConfig()
    if (isLaunchProblem(config)) {
      this.#host.event('Warning', 'Failed', `Error: ${config.message}`)
      return this.#retryLater(config.reason, config.message)
    }
    const namespace = this.#namespace(config)
    if ('error' in namespace) {
      this.#host.event('Warning', 'FailedMount', namespace.error)
      return this.#retryLater('CreateContainerConfigError', namespace.error)
    }
    this.#config = config
    const output = this.#host.logs.startInstance(this.#host.podDir, this.name, { previous: this.#hadInstance })
    let proc: ReplicaProcess
    try {
      proc = await launchReplica({
        argv: config.argv,
        cwd: config.cwd,
        env: config.env,
        output: { stdout: output.stdout, stderr: output.stderr },
        exitCodePath: `${this.#host.containerDir}/exit-code`,
        ...runAsUser(config, this.#host.containerDir),
        ...namespace,
      })
    } finally {
      output.release()
    }
    this.#hadInstance = true
    if (namespace.wrap) await this.#namespaceSetUp(proc)
    if (this.#stopped) {
      proc.signal('SIGKILL')
      await proc.exited
      this.#host.logs.finish(this.#host.podDir, this.name)
      return
    }
    this.#proc = proc
    this.#failedAttempts = 0
    this.#transition({ name: 'postStart' }, `launched pid ${proc.pid}`)
    this.#startedAt = this.#host.clock.now()
    this.#status.containerID = `process://${proc.pid}`
    void proc.exited.then((code) => this.#exited(proc, code))
    this.#host.event('Normal', 'Created', `Created container ${this.name}`)
    this.#host.event('Normal', 'Started', `Started container ${this.name}`)
    // As in Kubernetes, the container is not Running (and not probed) until postStart is done.
    if (!(await this.#postStart(proc))) return
    this.#transition({ name: 'running' }, this.#spec.lifecycle?.postStart ? 'postStart hook done' : 'no postStart hook')
    this.#status.state = { running: { startedAt: formatTimestamp(this.#startedAt) } }
    this.#startProbes()
    this.#watchMemory(proc)
    this.#host.changed()
  }

  /** Enforces resources.limits.memory (memory-limit.ts): over the limit, the group is SIGKILLed. */
  #watchMemory(proc: ReplicaProcess): void {
    const limit = parseMemoryQuantity(this.#spec.resources?.limits?.memory)
    if (limit === undefined) return
    this.#memoryWatch = watchMemory(proc.pid, limit, this.#host.clock, () => {
      if (this.#proc !== proc) return
      this.#killedBy('oom', 'memory limit exceeded')
      proc.signal('SIGKILL')
    })
  }

  /** Runs the postStart hook; false when it failed (the container is being killed) or the instance is gone. */
  async #postStart(proc: ReplicaProcess): Promise<boolean> {
    const hook = this.#spec.lifecycle?.postStart
    if (!hook) return true
    const graceMs = podGraceMs(this.#host.pod())
    const failure = await runHook(hook, this.#handlerContext(), graceMs, this.#host.clock)
    if (this.#proc !== proc || this.#stopped) return false
    if (failure === undefined) return true
    this.#host.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${failure}`)
    this.#host.event('Normal', 'Killing', `FailedPostStartHook`)
    this.#killedBy('postStart', `postStart hook failed: ${failure}`)
    void this.#kill(proc, graceMs)
    return false
  }

  #launchConfig() {
    const h = this.#host
    return launchConfig({
      pod: h.pod(),
      container: this.#spec,
      portMappings: h.portMappings(),
      baseEnv: h.baseEnv,
      configMap: h.configMap,
      secret: h.secret,
      peersDir: peersDir(h.dataDir),
      rootfs: this.#spec.image ? rootfsDir(h.containerDir) : undefined,
      defaultCommand: this.#spec.image ? defaultCommandOf(rootfsDir(h.containerDir)) : undefined,
      podDir: h.podDir,
      exists: existsSync,
      processUid: processUid(),
      mountClaim: (claimName, mountPath) => {
        const namespace = h.pod().metadata.namespace ?? 'default'
        const claim = h.claim(namespace, claimName)
        if (!claim || claim.metadata.deletionTimestamp)
          return { error: `persistentvolumeclaim "${claimName}" not found` }
        if (!this.#spec.image)
          return { error: `container "${this.#spec.name}" has no image to mount ${claimName} into` }
        return mountClaim(rootfsDir(h.containerDir), mountPath, claimDir(h.dataDir, claim))
      },
    })
  }

  #startProbes(resume?: { started: boolean; ready: boolean }): void {
    const h = this.#host
    const ctx = this.#handlerContext()
    // No readiness probe but a port: ready once the port accepts connections (api/implicit-readiness.ts).
    const implicit = implicitReadinessProbe(this.#spec, h.pod().metadata.annotations)
    this.#implicitReadiness = implicit !== undefined
    this.#probes = new ContainerProbes({
      container: implicit ? { ...this.#spec, readinessProbe: implicit } : this.#spec,
      clock: h.clock,
      startedAt: this.#startedAt,
      executorFor: (probe: Probe) => handlerExecutor(probe, ctx),
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
    const [started, ready] = [probes.started, probes.ready]
    if (started === this.#status.started && ready === this.#status.ready) return
    this.#status.started = started
    this.#status.ready = ready
    this.#host.changed()
  }

  #killForProbe(kind: ProbeKind): void {
    const proc = this.#proc
    if (!proc || this.#state.name === 'killing' || this.#stopped) return
    this.#killedBy(kind === 'liveness' ? 'liveness' : 'startup', `${kind} probe failed`)
    this.#probes?.stop()
    this.#status.ready = false
    this.#host.event('Normal', 'Killing', `Container ${this.name} failed ${kind} probe, will be restarted`)
    const probe = kind === 'liveness' ? this.#spec.livenessProbe : this.#spec.startupProbe
    const graceSeconds = probe?.terminationGracePeriodSeconds
    void this.#kill(proc, graceSeconds !== undefined ? graceSeconds * 1000 : podGraceMs(this.#host.pod()))
  }

  /** The agent kills the instance; a pod already terminating keeps the cause for the exit. */
  #killedBy(by: KillCause, why: string): void {
    if (this.#state.name === 'stopping') this.#transition({ name: 'stopping', killedBy: by }, why)
    else if (!this.#stopped) this.#transition({ name: 'killing', by }, why)
  }

  #kill(proc: ReplicaProcess, graceMs: number): Promise<unknown> {
    return killContainer({
      proc,
      graceMs,
      preStop: this.#spec.lifecycle?.preStop,
      handlerContext: this.#handlerContext(),
      clock: this.#host.clock,
      onPreStopFailed: (message) => this.#host.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${message}`),
    })
  }

  /** An instance exited (proc undefined: it exited while no agent was watching). */
  #exited(proc: ReplicaProcess | undefined, exitCode: number): void {
    if (proc && proc !== this.#proc) return
    proc?.signal('SIGKILL') // anything the app left running in its group
    this.#host.logs.finish(this.#host.podDir, this.name)
    this.#probes?.stop()
    this.#probes = undefined
    this.#proc = undefined
    const now = this.#host.clock.now()
    this.#memoryWatch?.cancel()
    const s = this.#state
    const killedBy = s.name === 'killing' ? s.by : s.name === 'stopping' ? s.killedBy : undefined
    const reason = killedBy === 'oom' ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error'
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
    const restart = policy === 'Always' || (policy === 'OnFailure' && (exitCode !== 0 || killedByAgent))
    if (this.#stopped || !restart) {
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

  /**
   * The instance's own mount namespace where the node gives one (mount-namespace.ts): a fresh
   * scratch root, the container's /tmp (made on first use, kept across restarts) and its
   * volumes (pod-volumes.ts); why not when it mounts volumes the node cannot mount.
   */
  #namespace(run: LaunchConfig): { wrap?: (command: readonly string[]) => string[] } | { error: string } {
    const h = this.#host
    const dataDir = resolvePath(h.dataDir)
    const level = isolationOf(dataDir)
    const pod = h.pod()
    if (level !== 'root' && mountsVolumes(pod, this.#spec))
      return {
        error:
          'the process runtime mounts volumes only where the daemon runs as root and overlayfs is available (docs/isolation.md)',
      }
    if (level === 'none') return {}
    const volumes = prepareVolumes(pod, this.#spec, h)
    if ('error' in volumes) return volumes
    const tmpDir = `${h.containerDir}/tmp`
    ensureTmpDir(tmpDir)
    const rootDir = level === 'root' ? `${h.containerDir}/root` : undefined
    if (rootDir) freshRoot(rootDir)
    const readOnly = sharedCopyOf(rootfsDir(h.containerDir), sharedImagesDir(dataDir))
    const ctx = { rootDir, tmpDir, dataDir, cwd: run.cwd, env: run.env, readOnly, volumes: volumes.binds }
    return { wrap: (command) => launchArgv(ctx, command, run) }
  }

  /** Resolves once the instance runs in its finished namespace (or is gone): probes enter it after that. */
  async #namespaceSetUp(proc: ReplicaProcess): Promise<void> {
    let exited = false
    void proc.exited.then(() => (exited = true))
    while (!exited && setUpState(proc.pid, SHIM_SCRIPT) === 'pending')
      await new Promise<void>((done) => this.#host.clock.setTimeout(done, NAMESPACE_POLL_MS))
  }

  #handlerContext(): HandlerContext {
    const h = this.#host
    const config = this.#config
    return {
      clock: h.clock,
      resolvePort: (port) => resolvePort(h.portMappings(), this.name, port),
      cwd: config?.cwd ?? h.podDir,
      env: config?.env ?? h.baseEnv,
      ...(config?.uid !== undefined ? { uid: config.uid } : {}),
      ...(config?.gid !== undefined ? { gid: config.gid } : {}),
      // Exec probes and hooks run in the running instance's mount namespace: they see its files.
      ...(isolationOf(resolvePath(h.dataDir)) === 'none'
        ? {}
        : {
            wrap: (command: readonly string[]) =>
              enterArgv(this.#proc?.pid, config?.cwd ?? h.podDir, command, { ...config }),
          }),
    }
  }
}

/** The checkout's default command; a malformed one (push refuses those) counts as none, so the launch says so. */
/** The shared artifact copy a container's rootfs links to, if it runs from one (image-checkout.ts). */
function sharedCopyOf(rootfs: string, shared: string): string[] {
  try {
    const real = realpathSync(rootfs)
    return real.startsWith(`${realpathSync(shared)}/`) ? [real] : []
  } catch {
    return []
  }
}

function defaultCommandOf(rootfs: string): string[] | undefined {
  try {
    return readDefaultCommand(rootfs)
  } catch {
    return undefined
  }
}

/**
 * The user and group a launch runs as; the container's directory becomes theirs, so that the
 * shim, running as that user, can write its exit-code file there.
 */
function runAsUser(config: LaunchConfig, containerDir: string): { uid?: number; gid?: number } {
  if (config.uid === undefined && config.gid === undefined) return {}
  chownSync(containerDir, config.uid ?? -1, config.gid ?? -1)
  return {
    ...(config.uid !== undefined ? { uid: config.uid } : {}),
    ...(config.gid !== undefined ? { gid: config.gid } : {}),
  }
}

/** The fields a state carries besides its name, for the transition log. */
function stateDetail(s: SupervisorState): Record<string, unknown> {
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
