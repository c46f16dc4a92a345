/**
 * @module
 * One container of a pod on the Docker runtime, supervised as the kubelet does it (the process
 * runtime's container-supervisor.ts is the model): image present or pulled per
 * imagePullPolicy, one engine container per instance (labelled, named with its restart count),
 * probes, restarts with the kubelet's crash back-off (the engine's restart policy is off), and
 * the kill sequence: preStop (exec inside the container through the engine), SIGTERM through
 * the engine, SIGKILL when the grace period runs out. postStart runs before the container
 * counts as Running; a failed one kills it (FailedPostStartHook). Exit code and OOMKilled come from the
 * engine's state of the exited container, which is then removed.
 *
 *   waiting ContainerCreating ─image ok─▶ running ─exit─▶ restart now (first exit) ─▶ running …
 *        │                                  │          └▶ waiting CrashLoopBackOff ─delay─▶ running
 *        ├ pull failed: ErrImagePull ─▶ ImagePullBackOff ─delay─▶ pull again
 *        └ absent, policy Never: ErrImageNeverPull ─delay─▶ look again
 */
import type { ConfigMap, Container, ContainerStatus, LifecycleHandler, Pod, Probe, Secret } from '../../api/types.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import type { Clock, TimerHandle } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import { ContainerProbes } from '../../probes/container-probes.ts'
import { handlerExecutor, type HandlerContext } from '../../probes/handler-executor.ts'
import type { ProbeExecutor, ProbeReport } from '../../probes/probe-runner.ts'
import type { ProbeKind } from '../../probes/probe-timing.ts'
import { resolvePort, type PortMapping } from '../process/port-allocator.ts'
import { formatDelay, imagePullDelay, restartDelay } from '../process/restart-backoff.ts'
import { killContainer, MIN_GRACE_MS, podGraceMs } from '../process/termination.ts'
import { createRequest, PUBLISH_HOST, pullPolicy, type ContainerIdentity } from './container-config.ts'
import { type Engine, statusCode } from './engine.ts'
import { engineExec } from './engine-exec.ts'
import { ensureImage, imageUser, isImageProblem } from './image.ts'
import { needsImageUser, nonRootProblem } from './security.ts'
import { prepareMounts } from './volumes.ts'
import type { NodeResources } from './resources.ts'
import type { PullAuth } from './registry-auth.ts'

export interface DockerContainerHost {
  engine: Engine
  clock: Clock
  logger: Logger
  owner: string
  /** Where the pod's emptyDir and configMap volumes live (volumes.ts). */
  volumesDir: string
  /** The node's memory and lowest oom_score_adj (resources.ts). */
  node: NodeResources
  pod(): Pod
  configMap(namespace: string, name: string): ConfigMap | undefined
  secret(namespace: string, name: string): Secret | undefined
  /** Credentials for pulling an image (registry-auth.ts); none: an anonymous pull. */
  credentials?(image: string): PullAuth | undefined
  event(type: 'Normal' | 'Warning', reason: string, message: string): void
  /** The container's status or ports changed. */
  changed(): void
}

/** A container the engine reports, as the agent found it on start. */
export interface FoundContainer {
  id: string
  restartCount: number
  running: boolean
  /** Epoch ms. */
  startedAt: number
  exitCode: number
  oomKilled: boolean
  hostPorts: Map<number, number>
  imageID: string
  /** The instance before it (exited), kept for `baton logs --previous`. */
  previousId?: string
}

interface Instance {
  id: string
  exited: Promise<{ exitCode: number; oomKilled: boolean }>
  abort: AbortController
}

type KillCause = 'liveness' | 'startup' | 'postStart'

const SIGKILL_EXIT = 137

export class DockerContainer {
  readonly name: string
  #host: DockerContainerHost
  #spec: Container
  #status: ContainerStatus
  #pendingDelayMs = 0
  #failedAttempts = 0
  #instance: Instance | undefined
  /** The exited instance before the current one, kept for `baton logs --previous`. */
  #previousId: string | undefined
  /** The last start failed for want of an engine answer (EngineUnreachable was recorded). */
  #engineDown = false
  #startedAt = 0
  #hostPorts = new Map<number, number>()
  #probes: ContainerProbes | undefined
  #timer: TimerHandle | undefined
  #starting: Promise<void> | undefined
  #mode: 'active' | 'stopping' | 'detached' = 'active'
  #killedBy: KillCause | undefined

  constructor(host: DockerContainerHost, spec: Container) {
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

  portMappings(): PortMapping[] {
    return (this.#spec.ports ?? [])
      .filter((p) => this.#hostPorts.has(p.containerPort))
      .map((p) => ({
        containerName: this.name,
        ...(p.name ? { name: p.name } : {}),
        containerPort: p.containerPort,
        hostPort: this.#hostPorts.get(p.containerPort) ?? 0,
      }))
  }

  get #stopped(): boolean {
    return this.#mode !== 'active'
  }

  start(): void {
    this.#starting = this.#run()
  }

  /**
   * Takes over a container an earlier agent started. `previous` is what the store's pod status
   * said about it, so readiness resumes instead of flapping.
   */
  adopt(found: FoundContainer, previous: ContainerStatus | undefined): void {
    if (found.previousId) this.#previousId = found.previousId
    this.#status.restartCount = found.restartCount
    this.#status.imageID = found.imageID
    this.#status.containerID = `docker://${found.id}`
    if (previous?.lastState) this.#status.lastState = previous.lastState
    this.#hostPorts = found.hostPorts
    this.#startedAt = found.startedAt
    const instance = this.#watch(found.id)
    this.#instance = instance
    if (!found.running) {
      // It exited while no agent watched: handled as any exit (restart per policy).
      void instance.exited.then((e) => this.#exited(instance, e))
      return
    }
    this.#status.state = { running: { startedAt: formatTimestamp(found.startedAt) } }
    const sameInstance = previous?.containerID === this.#status.containerID
    this.#startProbes(sameInstance ? { started: previous.started === true, ready: previous.ready } : undefined)
    void instance.exited.then((e) => this.#exited(instance, e))
  }

  beginTermination(): void {
    if (this.#mode === 'active') this.#mode = 'stopping'
    this.#timer?.cancel()
    this.#probes?.stop()
    this.#status.ready = false
  }

  /** Kills the container for the pod's deletion and removes it from the engine. */
  async stop(graceMs: number): Promise<void> {
    this.beginTermination()
    await this.#starting
    if (this.#previousId) await this.#remove(this.#previousId)
    this.#previousId = undefined
    const inst = this.#instance
    if (!inst) return
    this.#host.event('Normal', 'Killing', `Stopping container ${this.name}`)
    await this.#kill(inst, graceMs)
    await this.#remove(inst.id)
  }

  /** The agent stops watching; the container runs on for the next agent to adopt. */
  detach(): void {
    this.beginTermination()
    this.#mode = 'detached'
    this.#instance?.abort.abort()
  }

  async #run(): Promise<void> {
    if (this.#stopped) return
    try {
      if (!(await this.#image())) return
      await this.#launch()
    } catch (err) {
      this.#host.logger.error('container start failed', { container: this.name, err })
      const message = err instanceof Error ? err.message : String(err)
      // No HTTP answer at all: the engine is down or restarting, which the pod's events must say.
      if (statusCode(err) === undefined && !this.#engineDown) {
        this.#engineDown = true
        this.#host.event(
          'Warning',
          'EngineUnreachable',
          `The Docker engine does not answer (${message}); container ${this.name} starts once it does`,
        )
      }
      this.#retryLater('RunContainerError', message)
    }
  }

  async #image(): Promise<boolean> {
    const image = this.#spec.image ?? ''
    const h = this.#host
    const began = h.clock.now()
    const result = await ensureImage(h.engine, image, pullPolicy(this.#spec), h.credentials?.(image))
    if (isImageProblem(result)) {
      if (result.reason === 'ErrImageNeverPull') {
        h.event('Warning', 'ErrImageNeverPull', result.message)
        this.#retryLater('ErrImageNeverPull', result.message)
        return false
      }
      h.event('Warning', 'Failed', `Failed to pull image "${image}": ${result.message}`)
      h.event('Warning', 'Failed', 'Error: ErrImagePull')
      this.#setWaiting('ErrImagePull', result.message)
      h.changed()
      h.event('Normal', 'BackOff', `Back-off pulling image "${image}"`)
      this.#retryLater('ImagePullBackOff', `Back-off pulling image "${image}"`)
      return false
    }
    this.#status.imageID = result.imageID
    if (result.pulled) h.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${h.clock.now() - began}ms`)
    else h.event('Normal', 'Pulled', `Container image "${image}" already present on machine`)
    return !this.#stopped
  }

  #identity(): ContainerIdentity {
    const pod = this.#host.pod()
    return {
      owner: this.#host.owner,
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      pod: pod.metadata.name,
      container: this.name,
      restartCount: this.#status.restartCount,
    }
  }

  async #launch(): Promise<void> {
    const h = this.#host
    const pod = h.pod()
    const nonRoot = needsImageUser(pod, this.#spec)
      ? nonRootProblem(pod, this.#spec, await imageUser(h.engine, this.#spec.image ?? ''))
      : nonRootProblem(pod, this.#spec, '')
    if (nonRoot) {
      h.event('Warning', 'Failed', `Error: ${nonRoot}`)
      return this.#retryLater('CreateContainerConfigError', nonRoot)
    }
    const mounts = await prepareMounts(h, pod, this.#spec)
    if ('error' in mounts) {
      h.event('Warning', 'FailedMount', mounts.error)
      return this.#retryLater('CreateContainerConfigError', mounts.error)
    }
    const request = createRequest({
      id: this.#identity(),
      pod,
      container: this.#spec,
      hostPorts: this.#hostPorts,
      node: h.node,
      mounts,
      configMap: h.configMap,
      secret: h.secret,
    })
    if ('error' in request) {
      h.event('Warning', 'Failed', `Error: ${request.error}`)
      return this.#retryLater('CreateContainerConfigError', request.error)
    }
    // A container of the same name is a leftover of an attempt that did not get this far.
    await h.engine
      .getContainer(request.name)
      .remove({ force: true })
      .catch(() => undefined)
    let container: Awaited<ReturnType<typeof h.engine.createContainer>>
    try {
      // @types/dockerode wants every VolumeOptions field; the Engine API takes NoCopy alone.
      container = await h.engine.createContainer(request as Parameters<typeof h.engine.createContainer>[0])
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      h.event('Warning', 'Failed', `Error: ${message}`)
      return this.#retryLater('CreateContainerError', message)
    }
    h.event('Normal', 'Created', `Created container ${this.name}`)
    try {
      await container.start()
    } catch (err) {
      await this.#remove(container.id)
      throw err
    }
    const info = await container.inspect()
    this.#hostPorts = hostPortsOf(info.NetworkSettings.Ports)
    this.#startedAt = Date.parse(info.State.StartedAt) || h.clock.now()
    const instance = this.#watch(container.id)
    this.#instance = instance
    this.#failedAttempts = 0
    this.#status.containerID = `docker://${container.id}`
    if (this.#stopped) {
      await this.#kill(instance, MIN_GRACE_MS)
      await this.#remove(container.id)
      return
    }
    void instance.exited.then((e) => this.#exited(instance, e))
    h.event('Normal', 'Started', `Started container ${this.name}`)
    if (this.#engineDown) {
      this.#engineDown = false
      h.event('Normal', 'EngineReconnected', `The Docker engine answers again; container ${this.name} started`)
    }
    // As in Kubernetes, the container is not Running (and not probed) until postStart is done.
    if (!(await this.#postStart(instance))) return
    this.#status.state = { running: { startedAt: formatTimestamp(this.#startedAt) } }
    this.#startProbes()
    h.changed()
  }

  /** Runs the postStart hook (exec inside the container, httpGet, sleep); false when it failed (the container is killed) or the instance is gone. */
  async #postStart(inst: Instance): Promise<boolean> {
    const hook = this.#spec.lifecycle?.postStart
    if (!hook) return true
    const h = this.#host
    const graceMs = podGraceMs(h.pod())
    const outcome = hook.sleep
      ? await h.clock.sleep(Math.min(hook.sleep.seconds * 1000, graceMs)).then(() => ({ ok: true, message: '' }))
      : await this.#executor(hook)(graceMs)
    if (this.#instance !== inst || this.#stopped) return false
    if (outcome.ok) return true
    h.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${outcome.message}`)
    h.event('Normal', 'Killing', 'FailedPostStartHook')
    this.#killedBy = 'postStart'
    void this.#kill(inst, graceMs)
    return false
  }

  /** Waits for the container's exit through the engine and reads exit code and OOMKilled from its state. */
  #watch(id: string): Instance {
    const abort = new AbortController()
    const c = this.#host.engine.getContainer(id)
    const short = id.slice(0, 12)
    const exited = (async () => {
      // Set while the engine does not answer (restarting, stopped): the pod's events say so, and
      // what became of the container once it answers again.
      let lost = false
      for (;;) {
        try {
          if (lost) {
            const again = await c.inspect()
            lost = false
            if (again.State.Running) {
              this.#host.event(
                'Normal',
                'EngineReconnected',
                `The Docker engine answers again; container ${this.name} (${short}) kept running`,
              )
            } else {
              this.#host.event(
                'Warning',
                'ContainerStoppedByEngine',
                `The Docker engine stopped container ${this.name} (${short}, exit code ${again.State.ExitCode}) while it did not answer (an engine restart); restarting it per restartPolicy`,
              )
            }
          }
          await c.wait({ abortSignal: abort.signal })
          const info = await c.inspect()
          return { exitCode: info.State.ExitCode, oomKilled: info.State.OOMKilled }
        } catch (err) {
          if (abort.signal.aborted) return new Promise<never>(() => {}) // detached: the next agent watches
          if (statusCode(err) === 404) {
            this.#host.event(
              'Warning',
              'ContainerGone',
              `Container ${this.name} (${short}) disappeared from the engine${lost ? ' while it did not answer' : ''}; restarting it per restartPolicy`,
            )
            return { exitCode: SIGKILL_EXIT, oomKilled: false }
          }
          if (!lost) {
            const why = err instanceof Error ? err.message : String(err)
            this.#host.event(
              'Warning',
              'EngineUnreachable',
              `The Docker engine does not answer (${why}); the state of container ${this.name} (${short}) is unknown until it does`,
            )
            this.#host.logger.error('waiting for a container failed; retrying every second', {
              container: this.name,
              err,
            })
          }
          lost = true
          await this.#host.clock.sleep(1000, abort.signal)
        }
      }
    })()
    return { id, exited, abort }
  }

  #startProbes(resume?: { started: boolean; ready: boolean }): void {
    const h = this.#host
    this.#probes = new ContainerProbes({
      container: this.#spec,
      clock: h.clock,
      startedAt: this.#startedAt,
      executorFor: (probe: Probe) => this.#executor(probe),
      observer: { probeCompleted: (r) => this.#probed(r) },
      ...(resume ? { resume } : {}),
    })
    this.#status.started = this.#probes.started
    this.#status.ready = this.#probes.ready
    this.#probes.start()
  }

  /** httpGet and tcpSocket dial the published loopback port; exec runs inside the container. */
  #executor(handler: Probe | LifecycleHandler): ProbeExecutor {
    const h = this.#host
    const exec = handler.exec
    if (exec) {
      return (timeoutMs) => {
        const id = this.#instance?.id
        if (!id) return Promise.resolve({ ok: false, message: 'container is not running' })
        return engineExec(h.engine, id, exec.command, timeoutMs, h.clock)
      }
    }
    return handlerExecutor(handler, this.#handlerContext())
  }

  #handlerContext(): HandlerContext {
    return {
      clock: this.#host.clock,
      resolvePort: (port) => resolvePort(this.portMappings(), this.name, port),
      cwd: '/',
      env: {},
    }
  }

  #probed(r: ProbeReport): void {
    const label = r.kind[0]?.toUpperCase() + r.kind.slice(1)
    if (!r.outcome.ok) this.#host.event('Warning', 'Unhealthy', `${label} probe failed: ${r.outcome.message}`)
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
    if (!inst || this.#killedBy || this.#stopped) return
    this.#killedBy = kind === 'liveness' ? 'liveness' : 'startup'
    this.#probes?.stop()
    this.#status.ready = false
    this.#host.event('Normal', 'Killing', `Container ${this.name} failed ${kind} probe, will be restarted`)
    const probe = kind === 'liveness' ? this.#spec.livenessProbe : this.#spec.startupProbe
    const graceSeconds = probe?.terminationGracePeriodSeconds
    void this.#kill(inst, graceSeconds !== undefined ? graceSeconds * 1000 : podGraceMs(this.#host.pod()))
  }

  /**
   * preStop (exec inside the container, httpGet on the published port, or sleep), then the
   * process runtime's sequence (killContainer): SIGTERM through the engine, SIGKILL when the
   * grace period, counted from preStop's start, runs out (never less than 2 s after SIGTERM).
   */
  async #kill(inst: Instance, graceMs: number): Promise<void> {
    const { clock, engine } = this.#host
    const began = clock.now()
    const exitedFlag = inst.exited.then(() => true)
    const preStop = this.#spec.lifecycle?.preStop
    if (preStop) {
      const timeout = new AbortController()
      const hook = preStop.sleep
        ? clock
            .sleep(Math.min(preStop.sleep.seconds * 1000, graceMs), timeout.signal)
            .then(() => ({ ok: true, message: '' }))
        : this.#executor(preStop)(graceMs)
      await Promise.race([
        hook.then((o) => {
          if (!o.ok) this.#host.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${o.message}`)
        }),
        exitedFlag,
        clock.sleep(graceMs, timeout.signal),
      ])
      timeout.abort()
    }
    const container = engine.getContainer(inst.id)
    await killContainer({
      proc: {
        exited: inst.exited.then((e) => e.exitCode),
        signal: (sig) => void container.kill({ signal: sig }).catch(() => undefined),
      },
      graceMs: graceMs - (clock.now() - began),
      clock,
      handlerContext: this.#handlerContext(),
      onPreStopFailed: () => {},
    })
  }

  async #remove(id: string): Promise<void> {
    try {
      await this.#host.engine.getContainer(id).remove({ force: true })
    } catch (err) {
      if (statusCode(err) !== 404 && statusCode(err) !== 409)
        this.#host.logger.error('container not removed', { id, err })
    }
  }

  #exited(inst: Instance, exit: { exitCode: number; oomKilled: boolean }): void {
    if (inst !== this.#instance) return
    const { exitCode, oomKilled } = exit
    this.#probes?.stop()
    this.#probes = undefined
    this.#instance = undefined
    const killedBy = this.#killedBy
    this.#killedBy = undefined
    const now = this.#host.clock.now()
    const reason = oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error'
    const terminated = {
      exitCode,
      reason,
      startedAt: formatTimestamp(this.#startedAt),
      finishedAt: formatTimestamp(now),
      ...(this.#status.containerID ? { containerID: this.#status.containerID } : {}),
    }
    this.#status.ready = false
    this.#status.started = false
    if (this.#mode === 'stopping') {
      this.#status.state = { terminated }
      return this.#host.changed()
    }
    if (this.#mode === 'detached') return
    // An engine going down stops its containers first: an exit it then does not answer about was its doing.
    if (!killedBy) {
      void this.#host.engine.ping().catch(() => {
        this.#host.event(
          'Warning',
          'ContainerStoppedByEngine',
          `Container ${this.name} (${inst.id.slice(0, 12)}) exited with code ${exitCode} as the Docker engine went away (a restart or stop of the engine); it is restarted per restartPolicy once the engine answers`,
        )
      })
    }
    // As the kubelet does, the exited instance stays (for `logs --previous`) until the next one exits.
    const older = this.#previousId
    this.#previousId = inst.id
    if (older) void this.#remove(older)
    const policy = this.#host.pod().spec.restartPolicy ?? 'Always'
    const restart = policy === 'Always' || (policy === 'OnFailure' && (exitCode !== 0 || killedBy !== undefined))
    if (!restart) {
      this.#status.state = { terminated }
      return this.#host.changed()
    }
    const d = restartDelay(this.#pendingDelayMs, now - this.#startedAt)
    this.#pendingDelayMs = d.nextDelayMs
    this.#status.lastState = { terminated }
    if (d.delayMs === 0) {
      this.#status.restartCount++
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

  #retryLater(reason: string, message: string): void {
    this.#setWaiting(reason, message)
    this.#host.changed()
    if (this.#stopped) return
    this.#failedAttempts++
    this.#timer = this.#host.clock.setTimeout(() => this.start(), imagePullDelay(this.#failedAttempts))
  }
}

/** containerPort → host port, from the engine's NetworkSettings.Ports ("8080/tcp": [{HostIp, HostPort}]). */
export function hostPortsOf(
  ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | undefined,
): Map<number, number> {
  const out = new Map<number, number>()
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, proto] = key.split('/')
    if (proto !== 'tcp' || !bindings) continue
    const b = bindings.find((x) => x.HostIp === PUBLISH_HOST) ?? bindings[0]
    if (b && Number(b.HostPort) > 0) out.set(Number(port), Number(b.HostPort))
  }
  return out
}

export { statusCode }
