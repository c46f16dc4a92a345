/**
 * @module
 * A pod's container as the engine's create-container request, mapped as the kubelet maps it
 * (pure):
 *
 * | Kubernetes                | Engine                                                      |
 * | ------------------------- | ----------------------------------------------------------- |
 * | command                   | Entrypoint (the image's ENTRYPOINT and CMD both replaced)   |
 * | args                      | Cmd (the image's ENTRYPOINT kept unless command is given)   |
 * | env (+ POD_NAME, POD_NAMESPACE, POD_IP, `$(VAR)`) | Env (the image's ENV stays under it) |
 * | workingDir                | WorkingDir                                                  |
 * | ports[].containerPort     | published on 127.0.0.1, on hostPort when given, else the previous instance's port or one the engine picks |
 * | spec.hostname             | Hostname (else the engine's default, the container ID)      |
 * | securityContext           | User, ReadonlyRootfs, CapAdd/CapDrop, SecurityOpt no-new-privileges (security.ts) |
 * | resources                 | Memory, CpuQuota/CpuPeriod, CpuShares, OomScoreAdj (resources.ts) |
 * | volumeMounts              | Mounts, the volumes made ready first (volumes.ts) |
 * | restartPolicy             | HostConfig.RestartPolicy "no": Baton restarts with the kubelet's back-off |
 * | (none)                    | HostConfig.Init: the engine's init is PID 1, so the app is not |
 *
 * Why Init: a PID 1 process ignores every signal it has no handler for, so an app that gets
 * SIGTERM before it installed its handler (or never installs one) would sit out the whole grace
 * period until SIGKILL. With the engine's init (tini) as PID 1 the app keeps the default
 * disposition and SIGTERM ends it, exactly as for the process runtime; the init forwards
 * signals and returns the app's exit status.
 *
 * Labels (LABELS) say whose container it is, so a restarted agent finds its containers.
 */
import type { ConfigMap, Container, Pod, Secret } from '../../api/types.ts'
import { containerEnv, type EnvResult } from '../container-env.ts'
import { type EngineResources, engineResources, type NodeResources } from './resources.ts'
import { type EngineSecurity, engineSecurity } from './security.ts'
import type { EngineMount } from './volumes.ts'

export const LABELS = {
  owner: 'baton.owner',
  uid: 'baton.pod.uid',
  namespace: 'baton.pod.namespace',
  name: 'baton.pod.name',
  container: 'baton.container',
  restartCount: 'baton.restart-count',
} as const

/** Where the load balancer and probes reach every published container port. */
export const PUBLISH_HOST = '127.0.0.1'

export interface ContainerIdentity {
  owner: string
  uid: string
  namespace: string
  pod: string
  container: string
  restartCount: number
}

/** As dockershim named them: baton_<container>_<pod>_<namespace>_<uid>_<restartCount>. */
export function containerName(id: ContainerIdentity): string {
  return ['baton', id.container, id.pod, id.namespace, id.uid, String(id.restartCount)].join('_')
}

export function containerLabels(id: ContainerIdentity): Record<string, string> {
  return {
    [LABELS.owner]: id.owner,
    [LABELS.uid]: id.uid,
    [LABELS.namespace]: id.namespace,
    [LABELS.name]: id.pod,
    [LABELS.container]: id.container,
    [LABELS.restartCount]: String(id.restartCount),
  }
}

/** The identity a container's labels carry; undefined when they are not Baton's. */
export function identityOf(labels: Record<string, string> | undefined): ContainerIdentity | undefined {
  const l = labels ?? {}
  const [owner, uid, namespace, pod, container, count] = [
    l[LABELS.owner],
    l[LABELS.uid],
    l[LABELS.namespace],
    l[LABELS.name],
    l[LABELS.container],
    l[LABELS.restartCount],
  ]
  if (!owner || !uid || !namespace || !pod || !container || !count || !/^\d+$/.test(count)) return undefined
  return { owner, uid, namespace, pod, container, restartCount: Number(count) }
}

/** The engine's create-container body (Docker Engine API ContainerCreate), or why it cannot be made. */
export interface CreateRequest {
  name: string
  Image: string
  Entrypoint?: string[]
  Cmd?: string[]
  Env: string[]
  WorkingDir?: string
  Hostname?: string
  User?: string
  Labels: Record<string, string>
  ExposedPorts: Record<string, object>
  HostConfig: Omit<EngineSecurity, 'User'> &
    EngineResources & {
      PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>
      RestartPolicy: { Name: 'no' }
      Init: true
      Mounts?: EngineMount[]
    }
}

export interface ConfigInput {
  id: ContainerIdentity
  pod: Pod
  container: Container
  /** containerPort → host port the previous instance had (kept so endpoints do not move on a restart). */
  hostPorts: ReadonlyMap<number, number>
  /** The node's memory and lowest oom_score_adj (resources.ts). */
  node: NodeResources
  /** The volumes' mounts, made ready (volumes.ts). */
  mounts?: EngineMount[]
  configMap(namespace: string, name: string): ConfigMap | undefined
  secret(namespace: string, name: string): Secret | undefined
}

/** The container's environment (../container-env.ts): no port or peer variables, the engine sets none. */
export function dockerEnv(input: Pick<ConfigInput, 'pod' | 'container' | 'configMap' | 'secret'>): EnvResult {
  const { pod, container, configMap, secret } = input
  return containerEnv({ pod, container, configMap, secret, portMappings: [], baseEnv: {} })
}

export function createRequest(input: ConfigInput): CreateRequest | { error: string } {
  const { pod, container, id } = input
  const env = dockerEnv(input)
  if ('error' in env) return env
  const ports = (container.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP')
  const key = (port: number) => `${port}/tcp`
  const { User, ...security } = engineSecurity(pod, container)
  return {
    name: containerName(id),
    Image: container.image ?? '',
    ...(container.command ? { Entrypoint: container.command } : {}),
    // With command set, missing args mean none: the image's CMD must not follow a new entrypoint.
    ...(container.args ? { Cmd: container.args } : container.command ? { Cmd: [] } : {}),
    Env: Object.entries(env.env).map(([k, v]) => `${k}=${v}`),
    ...(container.workingDir ? { WorkingDir: container.workingDir } : {}),
    ...(pod.spec.hostname ? { Hostname: pod.spec.hostname } : {}),
    ...(User !== undefined ? { User } : {}),
    Labels: containerLabels(id),
    ExposedPorts: Object.fromEntries(ports.map((p) => [key(p.containerPort), {}])),
    HostConfig: {
      PortBindings: Object.fromEntries(
        ports.map((p) => [
          key(p.containerPort),
          [{ HostIp: PUBLISH_HOST, HostPort: String(p.hostPort || (input.hostPorts.get(p.containerPort) ?? '')) }],
        ]),
      ),
      RestartPolicy: { Name: 'no' },
      Init: true,
      ...engineResources(pod, container, input.node),
      ...security,
      ...(input.mounts && input.mounts.length > 0 ? { Mounts: input.mounts } : {}),
    },
  }
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never'

/** Kubernetes' default: `:latest` or no tag → Always, otherwise IfNotPresent (a digest pins it). */
export function pullPolicy(container: Container): PullPolicy {
  const set = container.imagePullPolicy
  if (set) return set
  const image = container.image ?? ''
  if (image.includes('@')) return 'IfNotPresent'
  const lastSlash = image.lastIndexOf('/')
  const tag = image.slice(lastSlash + 1).split(':')[1]
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent'
}
