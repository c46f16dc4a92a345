/**
 * @module
 * The process runtime's side of a container's lifecycle (container-lifecycle.ts drives it):
 * the image is an artifact unpacked into the container's directory, an instance is a process
 * group started under the shim (its output to files the node's LogCollector reads), exec
 * probes and hooks run as the container's user in its private /tmp, httpGet and tcpSocket
 * dial its allocated loopback ports, and resources.limits.memory is watched here. The
 * running process is persisted (saved) so that a restarted daemon adopts it.
 */
import { chownSync, existsSync, mkdirSync, realpathSync } from 'node:fs'
import { resolve as resolvePath } from 'node:path'
import type {
  ConfigMap,
  Container,
  LifecycleHandler,
  PersistentVolumeClaim,
  Pod,
  Probe,
  Secret,
} from '../../api/types.ts'
import { readDefaultCommand } from '../../artifacts/default-command.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import type { LogCollector } from '../../logs/log-collector.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import { handlerExecutor, type HandlerContext } from '../../probes/handler-executor.ts'
import type { ProbeExecutor } from '../../probes/probe-runner.ts'
import { processUid } from '../../platform/env.ts'
import {
  ContainerLifecycle,
  type ContainerInstance,
  type ContainerPort,
  type ImageOutcome,
  type InstanceExit,
  type KillCause,
  type LaunchProblem,
} from '../container-lifecycle.ts'
import type { SavedContainer } from './adoption.ts'
import { claimDir, claimMounts, mountClaim } from './claim-volumes.ts'
import { checkoutImage, rootfsDir, sharedImagesDir } from './image-checkout.ts'
import { peersDir } from './peers-files.ts'
import { isLaunchProblem, launchConfig, type LaunchConfig } from './launch-config.ts'
import { watchMemory } from './memory-limit.ts'
import { memoryBytes } from '../../api/quantity.ts'
import { resolvePort, type PortMapping } from '../port-mapping.ts'
import {
  adoptReplica,
  KILLED_EXIT_CODE,
  launchReplica,
  readExitCode,
  SHIM_SCRIPT,
  type ReplicaProcess,
} from './replica-process.ts'
import { enterArgv, ensureTmpDir, freshRoot, isolationOf, launchArgv, setUpState } from './mount-namespace.ts'
import { mountsProjected, mountsVolumes, prepareVolumes, refreshProjectedVolumes } from './pod-volumes.ts'
import { refreshProjectedEvery } from '../projected-refresh.ts'

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

/** One instance: a process group (or, adopted after it exited, only its exit code). */
interface ProcessInstance extends ContainerInstance {
  proc: ReplicaProcess | undefined
}

export class ContainerSupervisor implements ContainerPort<ProcessInstance> {
  readonly name: string
  readonly lifecycle: ContainerLifecycle<ProcessInstance>
  #host: SupervisorHost
  #spec: Container
  #config: LaunchConfig | undefined

  constructor(host: SupervisorHost, spec: Container) {
    this.#host = host
    this.#spec = spec
    this.name = spec.name
    this.lifecycle = new ContainerLifecycle(host, spec, this, { implicitReadiness: true })
  }

  saved(): SavedContainer {
    const lc = this.lifecycle
    const proc = lc.instance?.proc
    return {
      name: this.name,
      status: lc.status(),
      pendingDelayMs: lc.pendingDelayMs,
      ...(proc
        ? {
            process: {
              pid: proc.pid,
              startTime: proc.startTime,
              exitCodePath: proc.exitCodePath,
              startedAt: lc.startedAt,
            },
          }
        : {}),
    }
  }

  /** Process group of the running instance (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.lifecycle.instance?.proc?.pid
  }

  /**
   * An artifact was pushed: a container waiting in ImagePullBackOff for an image that now
   * resolves pulls at once, with a fresh back-off, instead of sleeping out its delay.
   */
  imagePushed(): void {
    const s = this.lifecycle.state()
    if (s.name !== 'backOff' || s.reason !== 'ImagePullBackOff') return
    if (!this.#spec.image || this.#host.artifacts.resolve(this.#spec.image) === undefined) return
    this.#host.logger.info('image pushed, pulling again', { container: this.name, image: this.#spec.image })
    this.lifecycle.retryNow()
  }

  /** Re-attaches to the instance an earlier agent started; restarts it if it exited meanwhile. */
  adopt(saved: SavedContainer): void {
    const p = saved.process
    const base = { status: saved.status, pendingDelayMs: saved.pendingDelayMs }
    if (!p) return this.lifecycle.adopt(base)
    // Running or exited while no agent watched: either way its output is collected from
    // where the last agent stopped (the exit finishes it).
    this.#host.logs.resume(this.#host.podDir, this.name)
    const proc = adoptReplica(p, this.#host.clock)
    const containerID = `process://${p.pid}`
    if (!proc) {
      const exitCode = readExitCode(p.exitCodePath) ?? KILLED_EXIT_CODE
      const gone = { proc: undefined, containerID, startedAt: p.startedAt, exited: Promise.resolve({ exitCode }) }
      return this.lifecycle.adopt({ ...base, instance: { ...gone, signal: () => {} } })
    }
    const config = this.#launchConfig()
    if (!isLaunchProblem(config)) this.#config = config
    const resume = { started: saved.status.started === true, ready: saved.status.ready }
    this.lifecycle.adopt({ ...base, instance: instanceOf(proc, p.startedAt), running: true, resume })
  }

  async pullImage(): Promise<ImageOutcome> {
    const image = this.#spec.image
    if (!image) return { kind: 'none' }
    mkdirSync(this.#host.containerDir, { recursive: true })
    try {
      // A container with claim mounts links them inside its rootfs, so it needs a copy of its own.
      const ownCopy = claimMounts(this.#host.pod(), this.#spec).length > 0
      const shared = ownCopy ? undefined : sharedImagesDir(this.#host.dataDir)
      const r = await checkoutImage(this.#host.artifacts, image, this.#host.containerDir, shared)
      return { kind: r.unpacked ? 'pulled' : 'present', imageID: r.digest }
    } catch (err) {
      return { kind: 'ErrImagePull', message: err instanceof Error ? err.message : String(err) }
    }
  }

  async launch(): Promise<ProcessInstance | LaunchProblem> {
    const config = this.#launchConfig()
    if (isLaunchProblem(config)) return config
    const namespace = this.#namespace(config)
    if ('error' in namespace) {
      this.#host.event('Warning', 'FailedMount', namespace.error)
      return { reason: 'CreateContainerConfigError', message: namespace.error }
    }
    this.#config = config
    const previous = this.lifecycle.hadInstance
    const output = this.#host.logs.startInstance(this.#host.podDir, this.name, { previous })
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
    // Probes and hooks enter the instance's namespace: not before it is finished.
    if (namespace.wrap) await this.#namespaceSetUp(proc)
    this.#host.event('Normal', 'Created', `Created container ${this.name}`)
    return instanceOf(proc, this.#host.clock.now())
  }

  executor(handler: Probe | LifecycleHandler): ProbeExecutor {
    return handlerExecutor(handler, this.#handlerContext())
  }

  /**
   * Enforces resources.limits.memory (memory-limit.ts): over the limit, the group is SIGKILLed;
   * keeps the configMap and secret volumes up to date while the instance runs (../projected-refresh.ts).
   */
  watch(inst: ProcessInstance, kill: (cause: KillCause, why: string) => void): { cancel(): void } | undefined {
    if (!inst.proc) return undefined
    const h = this.#host
    const limit = memoryBytes(this.#spec.resources?.limits?.memory)
    const watchers = [
      limit === undefined
        ? undefined
        : watchMemory(inst.proc.pid, limit, h.clock, () => kill('oom', 'memory limit exceeded')),
      mountsProjected(h.pod(), this.#spec)
        ? refreshProjectedEvery(h.clock, h.logger, { pod: h.pod().metadata.name, container: this.name }, () =>
            refreshProjectedVolumes(h.pod(), this.#spec, h),
          )
        : undefined,
    ].filter((w) => w !== undefined)
    if (watchers.length === 0) return undefined
    return {
      cancel: () => {
        for (const w of watchers) w.cancel()
      },
    }
  }

  exited(inst: ProcessInstance, _exit: InstanceExit): void {
    inst.proc?.signal('SIGKILL') // anything the app left running in its group
    this.#host.logs.finish(this.#host.podDir, this.name)
  }

  async stopped(): Promise<void> {
    // Everything the last instance wrote goes into its log before the pod directory can go.
    this.#host.logs.finish(this.#host.podDir, this.name)
  }

  detach(inst: ProcessInstance | undefined): void {
    inst?.proc?.detach()
    this.#host.logs.detach(this.#host.podDir, this.name)
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
    const volumes = prepareVolumes(pod, this.#spec, h, run.env)
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
              enterArgv(this.lifecycle.instance?.proc?.pid, config?.cwd ?? h.podDir, command, { ...config }),
          }),
    }
  }
}

/** The shared artifact copy a container's rootfs links to, if it runs from one (image-checkout.ts). */
function sharedCopyOf(rootfs: string, shared: string): string[] {
  try {
    const real = realpathSync(rootfs)
    return real.startsWith(`${realpathSync(shared)}/`) ? [real] : []
  } catch {
    return []
  }
}

/** The checkout's default command; a malformed one (push refuses those) counts as none, so the launch says so. */
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

function instanceOf(proc: ReplicaProcess, startedAt: number): ProcessInstance {
  return {
    proc,
    containerID: `process://${proc.pid}`,
    startedAt,
    exited: proc.exited.then((exitCode) => ({ exitCode })),
    signal: (sig) => void proc.signal(sig),
  }
}
