/**
 * @module
 * The Docker runtime's side of a container's lifecycle (container-lifecycle.ts drives it, as
 * for processes): the image present or pulled per imagePullPolicy, one engine container per
 * instance (labelled, named with its restart count; the engine's restart policy is off),
 * exec probes and hooks inside the container through the engine's exec API, httpGet and
 * tcpSocket on its published loopback ports, signals through the engine. Exit code and
 * OOMKilled come from the engine's state of the exited container, which stays (for `baton
 * logs --previous`) until the next instance exits. An engine that stops answering, stops
 * the container or loses it is reported in the pod's events.
 */
import type { ConfigMap, Container, ContainerStatus, LifecycleHandler, Pod, Probe, Secret } from '../../api/types.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import { handlerExecutor } from '../../probes/handler-executor.ts'
import type { ProbeExecutor } from '../../probes/probe-runner.ts'
import {
  ContainerLifecycle,
  type ContainerInstance,
  type ContainerPort,
  type ImageOutcome,
  type InstanceExit,
  type KillCause,
  type LaunchProblem,
} from '../container-lifecycle.ts'
import { resolvePort, type PortMapping } from '../port-mapping.ts'
import { refreshProjectedEvery } from '../projected-refresh.ts'
import { createRequest, dockerEnv, PUBLISH_HOST, pullPolicy, type ContainerIdentity } from './container-config.ts'
import { type Engine, statusCode } from './engine.ts'
import { engineExec } from './engine-exec.ts'
import { ensureImage, imageUser, isImageProblem } from './image.ts'
import { needsImageUser, nonRootProblem } from './security.ts'
import { mountsKeysVolume, prepareMounts, refreshKeysVolumes } from './volumes.ts'
import type { NodeResources } from './resources.ts'
import { isCredentialProblem, type PullCredentials } from './registry-auth.ts'

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
  /** Credentials for pulling an image (registry-auth.ts); none: an anonymous pull; a problem fails the pull. */
  credentials?(image: string): Promise<PullCredentials>
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

interface Instance extends ContainerInstance {
  id: string
  abort: AbortController
}

const SIGKILL_EXIT = 137

export class DockerContainer implements ContainerPort<Instance> {
  readonly name: string
  readonly lifecycle: ContainerLifecycle<Instance>
  #host: DockerContainerHost
  #spec: Container
  /** The exited instance before the current one, kept for `baton logs --previous`. */
  #previousId: string | undefined
  /** The last start failed for want of an engine answer (EngineUnreachable was recorded). */
  #engineDown = false
  #hostPorts = new Map<number, number>()
  /** The removal of the instance before the previous one, which stopped() waits for. */
  #removingOlder: Promise<void> | undefined

  constructor(host: DockerContainerHost, spec: Container) {
    this.#host = host
    this.#spec = spec
    this.name = spec.name
    this.lifecycle = new ContainerLifecycle(host, spec, this, { implicitReadiness: false })
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

  /**
   * Takes over a container an earlier agent started. `previous` is what the store's pod status
   * said about it, so readiness resumes instead of flapping.
   */
  adopt(found: FoundContainer, previous: ContainerStatus | undefined): void {
    if (found.previousId) this.#previousId = found.previousId
    this.#hostPorts = found.hostPorts
    const instance = this.#watch(found.id, found.startedAt)
    const sameInstance = previous?.containerID === instance.containerID
    this.lifecycle.adopt({
      status: {
        restartCount: found.restartCount,
        imageID: found.imageID,
        ...(previous?.lastState ? { lastState: previous.lastState } : {}),
      },
      instance,
      // One that exited while no agent watched is handled as any exit (restart per policy).
      running: found.running,
      ...(sameInstance ? { resume: { started: previous.started === true, ready: previous.ready } } : {}),
    })
  }

  async pullImage(): Promise<ImageOutcome> {
    const image = this.#spec.image ?? ''
    const h = this.#host
    const policy = pullPolicy(this.#spec)
    // Asked only when the image is pulled, as the docker CLI asks its helper only for a pull.
    const r = await this.#engineCall(() =>
      ensureImage(h.engine, image, policy, async () => {
        const credentials = await h.credentials?.(image)
        return isCredentialProblem(credentials) ? { reason: 'ErrImagePull', message: credentials.problem } : credentials
      }),
    )
    if (isImageProblem(r)) return { kind: r.reason, message: r.message }
    return { kind: r.pulled ? 'pulled' : 'present', imageID: r.imageID }
  }

  #identity(restartCount: number): ContainerIdentity {
    const pod = this.#host.pod()
    return {
      owner: this.#host.owner,
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      pod: pod.metadata.name,
      container: this.name,
      restartCount,
    }
  }

  launch(restartCount: number): Promise<Instance | LaunchProblem> {
    return this.#engineCall(() => this.#launch(restartCount))
  }

  async #launch(restartCount: number): Promise<Instance | LaunchProblem> {
    const h = this.#host
    const pod = h.pod()
    const nonRoot = needsImageUser(pod, this.#spec)
      ? nonRootProblem(pod, this.#spec, await imageUser(h.engine, this.#spec.image ?? ''))
      : nonRootProblem(pod, this.#spec, '')
    if (nonRoot) return { reason: 'CreateContainerConfigError', message: nonRoot }
    // As the kubelet, the environment first: a subPathExpr names its variables.
    const env = dockerEnv({ pod, container: this.#spec, configMap: h.configMap, secret: h.secret })
    if ('error' in env) return { reason: 'CreateContainerConfigError', message: env.error }
    const mounts = await prepareMounts(h, pod, this.#spec, env.env)
    if ('error' in mounts) {
      h.event('Warning', 'FailedMount', mounts.error)
      return { reason: 'CreateContainerConfigError', message: mounts.error }
    }
    const request = createRequest({
      id: this.#identity(restartCount),
      pod,
      container: this.#spec,
      hostPorts: this.#hostPorts,
      node: h.node,
      mounts,
      configMap: h.configMap,
      secret: h.secret,
    })
    if ('error' in request) return { reason: 'CreateContainerConfigError', message: request.error }
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
      return { reason: 'CreateContainerError', message: err instanceof Error ? err.message : String(err) }
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
    if (this.#engineDown) {
      this.#engineDown = false
      h.event('Normal', 'EngineReconnected', `The Docker engine answers again; container ${this.name} started`)
    }
    return this.#watch(container.id, Date.parse(info.State.StartedAt) || h.clock.now())
  }

  /** Runs `call`; no HTTP answer at all means the engine is down or restarting, which the pod's events must say. */
  async #engineCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      if (statusCode(err) === undefined && !this.#engineDown) {
        this.#engineDown = true
        const message = err instanceof Error ? err.message : String(err)
        this.#host.event(
          'Warning',
          'EngineUnreachable',
          `The Docker engine does not answer (${message}); container ${this.name} starts once it does`,
        )
      }
      throw err
    }
  }

  /** An instance whose exit is awaited through the engine, exit code and OOMKilled read from its state. */
  #watch(id: string, startedAt: number): Instance {
    const abort = new AbortController()
    const c = this.#host.engine.getContainer(id)
    const short = id.slice(0, 12)
    const exited = (async (): Promise<InstanceExit> => {
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
    return {
      id,
      abort,
      containerID: `docker://${id}`,
      startedAt,
      exited,
      signal: (sig) => void c.kill({ signal: sig }).catch(() => undefined),
    }
  }

  /** httpGet and tcpSocket dial the published loopback port; exec runs inside the container. */
  executor(handler: Probe | LifecycleHandler, inst: Instance | undefined): ProbeExecutor {
    const h = this.#host
    const exec = handler.exec
    if (exec) {
      return (timeoutMs) => {
        if (!inst) return Promise.resolve({ ok: false, message: 'container is not running' })
        return engineExec(h.engine, inst.id, exec.command, timeoutMs, h.clock)
      }
    }
    return handlerExecutor(handler, {
      clock: h.clock,
      resolvePort: (port) => resolvePort(this.portMappings(), this.name, port),
      cwd: '/',
      env: {},
    })
  }

  /**
   * Keeps the configMap and secret volumes up to date while the instance runs, as the kubelet's
   * sync does (../projected-refresh.ts): the container reads the new files without a restart.
   */
  watch(): { cancel(): void } | undefined {
    const h = this.#host
    if (!mountsKeysVolume(h.pod(), this.#spec)) return undefined
    return refreshProjectedEvery(h.clock, h.logger, { container: this.name }, () =>
      refreshKeysVolumes(h, h.pod(), this.#spec),
    )
  }

  exited(inst: Instance, exit: InstanceExit, how: { killedBy: KillCause | undefined; active: boolean }): void {
    // An engine going down stops its containers first: an exit it then does not answer about was its doing.
    if (how.active && !how.killedBy) {
      void this.#host.engine.ping().catch(() => {
        this.#host.event(
          'Warning',
          'ContainerStoppedByEngine',
          `Container ${this.name} (${inst.id.slice(0, 12)}) exited with code ${exit.exitCode} as the Docker engine went away (a restart or stop of the engine); it is restarted per restartPolicy once the engine answers`,
        )
      })
    }
    // As the kubelet does, the exited instance stays (for `logs --previous`) until the next one exits.
    const older = this.#previousId
    this.#previousId = inst.id
    if (older) this.#removingOlder = this.#remove(older)
  }

  /** The pod's deletion removes its containers from the engine. */
  async stopped(): Promise<void> {
    const id = this.#previousId
    this.#previousId = undefined
    await Promise.all([this.#removingOlder, id ? this.#remove(id) : undefined])
  }

  detach(inst: Instance | undefined): void {
    inst?.abort.abort()
  }

  async #remove(id: string): Promise<void> {
    try {
      await this.#host.engine.getContainer(id).remove({ force: true })
    } catch (err) {
      if (statusCode(err) !== 404 && statusCode(err) !== 409)
        this.#host.logger.error('container not removed', { id, err })
    }
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
