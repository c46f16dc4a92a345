/**
 * @module
 * The test builders: the smallest valid objects, overridable field by field, one signature
 * each (an options object) and one set of defaults for every test that imports them. Times
 * are seconds after T0, the epoch of every test clock.
 *
 * Defaults: a Deployment `web` of 1 replica at `app:v2`, whose pod template serves on 8080 with
 * a readiness probe (the fake node agent then waits its readyDelayMs), with Kubernetes'
 * defaults for minReadySeconds (0), revisionHistoryLimit (10) and progressDeadlineSeconds
 * (600); a ReplicaSet of that Deployment at `app:v1` (so an older one); a Running pod.
 *
 * The printers' tests want objects as the API serves them: `created` sets creationTimestamp,
 * a ReplicaSet's `template` is its Deployment's (as the controller copies it), and a pod's
 * `started` gives it what the node agent reports for a running container (IP, start time,
 * container status with image and container IDs).
 *
 * @example
 * aDeployment({ name: 'busy', replicas: 10, maxSurge: 1, maxUnavailable: 1 })
 * aReplicaSet({ name: 'web-2', replicas: 3, available: 3, revision: 2, image: 'app:v2', owner: d })
 * aPod({ name: 'web-2-a', owner: rs, readySince: 5 })
 * aPod({ name: 'web-2-b', container: 'web', image: 'web:v1', started: 0, ports: [{ containerPort: 8080, hostPort: 41001 }] })
 */
import { formatTimestamp } from '../../src/api/timestamps.ts'
import type {
  AnalysisMetric,
  AnyObject,
  ConfigMap,
  Container,
  ContainerState,
  ContainerStatus,
  Deployment,
  Event,
  DeploymentCondition,
  DeploymentStatus,
  IntOrString,
  JobMetricProvider,
  Namespace,
  OwnerReference,
  Pod,
  PodCondition,
  PodPhase,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ReplicaSet,
  Service,
  ServiceSpec,
} from '../../src/api/types.ts'
import { DEFAULT_NODE_NAME } from '../../src/api/node-name.ts'
import { REVISION_ANNOTATION } from '../../src/rollout/annotations.ts'
import { POD_TEMPLATE_HASH_LABEL } from '../../src/rollout/template-hash.ts'

/** 2026-01-01T00:00:00Z, the epoch of every test clock. */
export const T0 = Date.parse('2026-01-01T00:00:00Z')

/** The timestamp `seconds` after T0. */
export function at(seconds: number): string {
  return formatTimestamp(T0 + seconds * 1000)
}

export const READINESS_PROBE: Probe = { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 }

/** A container listening on 8080, with the readiness probe unless `probe` is false. */
export function aContainer(name: string, image: string, probe = true): Container {
  return {
    name,
    image,
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    ...(probe ? { readinessProbe: READINESS_PROBE } : {}),
  }
}

export interface JobMetricOptions {
  name?: string
  /** The job's one container (restartPolicy Never). */
  container: Container
  /** More of the job's spec: backoffLimit, activeDeadlineSeconds... */
  spec?: Omit<JobMetricProvider['spec'], 'template'>
  /** More of its pod spec: runtimeClassName, volumes... */
  podSpec?: Partial<PodSpec>
  labels?: Record<string, string>
}

/** An analysis metric with the `job` provider: one container, restartPolicy Never. */
export function aJobMetric(o: JobMetricOptions): AnalysisMetric {
  return {
    name: o.name ?? 'smoke',
    provider: {
      job: {
        ...(o.labels ? { metadata: { labels: o.labels } } : {}),
        spec: {
          ...o.spec,
          template: { spec: { restartPolicy: 'Never', containers: [o.container], ...o.podSpec } },
        },
      },
    },
  }
}

/** The smallest pod template: one container `app`, no ports, no probe. */
export function template(image: string, name = 'web', extraLabels: Record<string, string> = {}): PodTemplateSpec {
  return { metadata: { labels: { app: name, ...extraLabels } }, spec: { containers: [{ name: 'app', image }] } }
}

/** The builders' default template: container `app` serving on 8080 with a readiness probe. */
function servingTemplate(
  image: string,
  name: string,
  extraLabels: Record<string, string> = {},
  probe = true,
  container = 'app',
): PodTemplateSpec {
  return {
    metadata: { labels: { app: name, ...extraLabels } },
    spec: { containers: [aContainer(container, image, probe)] },
  }
}

export interface DeploymentOptions {
  name?: string
  namespace?: string
  replicas?: number
  image?: string
  /** Replaces the default template (then `image` and `readinessProbe` are not used). */
  template?: PodTemplateSpec
  /** The default template's readiness probe (default true). */
  readinessProbe?: boolean
  /** The default template's container name (default 'app'). */
  container?: string
  /** Creation time in seconds after T0 (default: none). */
  created?: number
  strategy?: 'RollingUpdate' | 'Recreate'
  maxSurge?: IntOrString
  maxUnavailable?: IntOrString
  generation?: number
  annotations?: Record<string, string>
  /** metadata.labels (default: none; the template's labels are app=<name>). */
  labels?: Record<string, string>
  revisionHistoryLimit?: number
  progressDeadlineSeconds?: number
  minReadySeconds?: number
  paused?: boolean
  status?: DeploymentStatus
  conditions?: DeploymentCondition[]
}

export function aDeployment(o: DeploymentOptions = {}): Deployment {
  const name = o.name ?? 'web'
  const strategy = o.strategy ?? 'RollingUpdate'
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}`, generation: o.generation ?? 1 },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: o.template ?? servingTemplate(o.image ?? 'app:v2', name, {}, o.readinessProbe ?? true, o.container),
      strategy:
        strategy === 'Recreate'
          ? { type: 'Recreate' }
          : {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' },
            },
      minReadySeconds: o.minReadySeconds ?? 0,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
    },
  }
  if (o.created !== undefined) d.metadata.creationTimestamp = at(o.created)
  if (o.annotations) d.metadata.annotations = o.annotations
  if (o.labels) d.metadata.labels = o.labels
  if (o.paused !== undefined) d.spec.paused = o.paused
  if (o.status || o.conditions) d.status = { ...o.status, ...(o.conditions ? { conditions: o.conditions } : {}) }
  return d
}

export interface ReplicaSetOptions {
  name: string
  replicas: number
  namespace?: string
  /** status.availableReplicas (default 0). */
  available?: number
  /** status.readyReplicas (default = available). */
  ready?: number
  /** status.replicas (default = replicas). */
  statusReplicas?: number
  /** Creation time in seconds after T0 (default 0). */
  created?: number
  revision?: number | string
  image?: string
  /** The pod template, to which the pod-template-hash label is added (default: container `app` at `image`). */
  template?: PodTemplateSpec
  /** The controlling Deployment (default: aDeployment()); null for an orphan. */
  owner?: Deployment | null
  annotations?: Record<string, string>
  generation?: number
  observedGeneration?: number
  deleting?: boolean
  minReadySeconds?: number
  /** status.terminatingReplicas (default: absent). */
  terminating?: number
}

export function aReplicaSet(o: ReplicaSetOptions): ReplicaSet {
  const owner = o.owner === null ? undefined : (o.owner ?? aDeployment())
  const app = owner?.metadata.name ?? o.name.slice(0, o.name.lastIndexOf('-'))
  const hashLabel = { [POD_TEMPLATE_HASH_LABEL]: o.name.slice(app.length + 1) || 'hash' }
  const tpl = o.template
    ? withLabels(o.template, hashLabel, o.image)
    : servingTemplate(o.image ?? 'app:v1', app, hashLabel)
  const annotations = { ...o.annotations }
  if (o.revision !== undefined) annotations[REVISION_ANNOTATION] = String(o.revision)
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${o.name}`,
      generation: o.generation ?? 1,
      creationTimestamp: at(o.created ?? 0),
      labels: { ...tpl.metadata?.labels },
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: owner.metadata.name,
                uid: owner.metadata.uid ?? '',
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { ...tpl.metadata?.labels } },
      template: tpl,
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
    },
    status: {
      replicas: o.statusReplicas ?? o.replicas,
      readyReplicas: o.ready ?? o.available ?? 0,
      availableReplicas: o.available ?? 0,
      observedGeneration: o.observedGeneration ?? o.generation ?? 1,
      ...(o.terminating !== undefined ? { terminatingReplicas: o.terminating } : {}),
    },
  }
  if (Object.keys(annotations).length > 0) rs.metadata.annotations = annotations
  if (o.deleting) rs.metadata.deletionTimestamp = at(0)
  return rs
}

/** A copy of `tpl` with `labels` added, and its first container at `image` when given. */
function withLabels(tpl: PodTemplateSpec, labels: Record<string, string>, image?: string): PodTemplateSpec {
  const copy = structuredClone(tpl)
  copy.metadata = { ...copy.metadata, labels: { ...copy.metadata?.labels, ...labels } }
  if (image !== undefined && copy.spec.containers[0]) copy.spec.containers[0].image = image
  return copy
}

export interface PodOptions {
  name: string
  namespace?: string
  owner?: ReplicaSet
  /** Default: the owner's template labels, else {app: 'web'}. */
  labels?: Record<string, string>
  /** Default 'Running'; `null` for a pod just created, without a status. */
  phase?: PodPhase | null
  /** The Ready condition (default: true when `readySince` is given, else none). */
  ready?: boolean
  /** Seconds after T0 of the Ready condition's last transition (default 0). */
  readySince?: number
  /** Gives the pod a container status with this restart count. */
  restarts?: number
  /** Creation time in seconds after T0 (default: none). */
  created?: number
  /** Bound to the node (default true). */
  scheduled?: boolean
  /** The node it is bound to (default DEFAULT_NODE_NAME when scheduled). */
  nodeName?: string
  /** spec.terminationGracePeriodSeconds (default: none, so Kubernetes' 30). */
  grace?: number
  finalizers?: string[]
  deleting?: boolean
  /** Spec fields that replace the defaults (e.g. the containers a node agent is to run). */
  spec?: Partial<PodSpec>
  /** Ports the container declares, each published on a loopback host port (status.portMappings). */
  ports?: Array<{ containerPort: number; hostPort: number; name?: string }>
  /** The container's name (default 'app'). */
  container?: string
  /** The container's image (default 'app'). */
  image?: string
  /**
   * The container started this many seconds after T0 (its status reports it running from a
   * second later), as the process node agent reports it: podIP 127.0.0.1, startTime, and a
   * container status with image and container IDs. Default: none of these.
   */
  started?: number
}

/** A container's status in `state` (a job pod's container that exited, one stuck pulling its image). */
export function aContainerStatus(name: string, image: string, state: ContainerState): ContainerStatus {
  return { name, ready: false, restartCount: 0, image, imageID: '', lastState: {}, state }
}

export function aPod(o: PodOptions): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${o.name}`,
      labels: o.labels ?? { ...(o.owner?.spec.template.metadata?.labels ?? { app: 'web' }) },
    },
    spec: {
      containers: [{ name: o.container ?? 'app', image: o.image ?? 'app' }],
      ...(o.scheduled === false ? {} : { nodeName: o.nodeName ?? DEFAULT_NODE_NAME }),
      ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}),
      ...o.spec,
    },
  }
  if (o.finalizers) pod.metadata.finalizers = o.finalizers
  const ports = o.ports ?? []
  if (ports.length > 0)
    pod.spec.containers[0]!.ports = ports.map((p) => ({
      containerPort: p.containerPort,
      ...(p.name ? { name: p.name } : {}),
      protocol: 'TCP',
    }))
  if (o.created !== undefined) pod.metadata.creationTimestamp = at(o.created)
  if (o.deleting) pod.metadata.deletionTimestamp = at(0)
  if (o.owner) {
    pod.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: o.owner.metadata.name,
        uid: o.owner.metadata.uid ?? '',
        controller: true,
      },
    ]
  }
  const phase = o.phase === undefined ? 'Running' : o.phase
  if (phase === null) return pod
  const ready = o.ready ?? (o.readySince !== undefined ? true : undefined)
  const conditions: PodCondition[] =
    ready === undefined
      ? []
      : [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at(o.readySince ?? 0) }]
  const container = o.container ?? 'app'
  const image = o.image ?? 'app'
  const started = o.started
  pod.status = {
    phase,
    ...(started !== undefined ? { podIP: '127.0.0.1', startTime: at(started) } : {}),
    ...(conditions.length > 0 ? { conditions } : {}),
    ...(started !== undefined
      ? {
          containerStatuses: [
            {
              name: container,
              ready: ready ?? false,
              restartCount: o.restarts ?? 0,
              image,
              imageID: 'sha256:1111',
              containerID: 'baton://4242',
              state: { running: { startedAt: at(started + 1) } },
              lastState: {},
            },
          ],
        }
      : o.restarts !== undefined
        ? {
            containerStatuses: [
              {
                name: container,
                state: phase === 'Running' ? { running: {} } : { waiting: { reason: 'ContainerCreating' } },
                lastState: {},
                ready: ready ?? false,
                restartCount: o.restarts,
                image,
                imageID: '',
              },
            ],
          }
        : {}),
    ...(ports.length > 0
      ? {
          portMappings: ports.map((p) => ({
            containerName: container,
            containerPort: p.containerPort,
            hostPort: p.hostPort,
            ...(p.name ? { name: p.name } : {}),
          })),
        }
      : {}),
  }
  return pod
}

export interface ServiceOptions extends Partial<ServiceSpec> {
  name?: string
  namespace?: string
  annotations?: Record<string, string>
  /** Creation time in seconds after T0 (default: none). */
  created?: number
}

/** A Service `web` selecting app=<name>, port 8000 to the pods' port named http, unless told otherwise. */
export function aService(o: ServiceOptions = {}): Service {
  const { name = 'web', namespace = 'default', annotations, created, ...spec } = o
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      uid: `uid-svc-${name}`,
      ...(annotations ? { annotations } : {}),
      ...(created !== undefined ? { creationTimestamp: at(created) } : {}),
    },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 8000, targetPort: 'http' }], ...spec },
  }
}

/** Options for a ClusterIP Service on port 80 to the pods' 8080, as `kubectl create service` makes one, created at T0. */
export function serviceAsServed(name: string): ServiceOptions {
  return {
    name,
    created: 0,
    ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    type: 'ClusterIP',
    clusterIP: '127.0.0.1',
  }
}

/**
 * Options for a Deployment as the API serves it to the printers: 3 replicas of `<name>:v1` in a
 * container `<name>` on 8080 without a probe, created at T0, labelled app=<name>.
 */
export function deploymentAsServed(name: string): DeploymentOptions {
  return {
    name,
    replicas: 3,
    image: `${name}:v1`,
    container: name,
    readinessProbe: false,
    created: 0,
    labels: { app: name },
  }
}

/**
 * Options for the ReplicaSet of `d` with pod-template-hash `hash`, as its controller made it:
 * `d`'s template and replicas, all of them available, revision 1.
 */
export function replicaSetOf(d: Deployment, hash: string): ReplicaSetOptions {
  const replicas = d.spec.replicas ?? 1
  return {
    name: `${d.metadata.name}-${hash}`,
    owner: d,
    template: d.spec.template,
    replicas,
    available: replicas,
    revision: 1,
  }
}

/**
 * Options for a pod as the process node agent serves it: container `web` at `web:v1` started
 * at T0, Ready, port 8080 published on 41001, labelled app=web.
 */
export function podAsServed(name: string): PodOptions {
  return {
    name,
    container: 'web',
    image: 'web:v1',
    created: 0,
    started: 0,
    ready: true,
    ports: [{ containerPort: 8080, hostPort: 41001 }],
  }
}

export interface EventOptions {
  /** The object the event is about. */
  about: { kind: string; name: string; uid?: string }
  reason: string
  message: string
  /** When it was first and last seen, in seconds after T0 (default 0). */
  at?: number
  /** Fields that replace the defaults (type Normal, source deployment-controller, count 1). */
  over?: Partial<Event>
}

/** An event in `default` about `about`, seen once. */
export function anEvent(o: EventOptions): Event {
  const when = at(o.at ?? 0)
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${o.about.name}.${(o.at ?? 0) * 1000}`, namespace: 'default', creationTimestamp: when },
    involvedObject: {
      kind: o.about.kind,
      name: o.about.name,
      namespace: 'default',
      ...(o.about.uid ? { uid: o.about.uid } : {}),
    },
    reason: o.reason,
    message: o.message,
    type: 'Normal',
    source: { component: 'deployment-controller' },
    firstTimestamp: when,
    lastTimestamp: when,
    count: 1,
    ...o.over,
  }
}

export interface ConfigMapOptions {
  name: string
  namespace?: string
  labels?: Record<string, string>
  /** Objects it depends on: each becomes a controller reference that blocks the owner's deletion. */
  owners?: AnyObject[]
  finalizers?: string[]
  /** Default {key: 'value'}. */
  data?: Record<string, string>
}

/** A ConfigMap in `default` holding key=value: the smallest object of a namespaced kind. */
export function aConfigMap(o: ConfigMapOptions): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.owners ? { ownerReferences: o.owners.map(ownerRef) } : {}),
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
    },
    data: o.data ?? { key: 'value' },
  }
}

/** A Namespace as the daemon serves it (finalizer `kubernetes`, phase Active), like the `default` it starts with. */
export function aNamespace(name: string, phase: 'Active' | 'Terminating' = 'Active'): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
    spec: { finalizers: ['kubernetes'] },
    status: { phase },
  }
}

/** A controller reference to `owner` that blocks its deletion while this dependent exists. */
export function ownerRef(owner: AnyObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  }
}

/**
 * The object as a client submits it: without the fields the server sets (uid, resourceVersion,
 * generation, creationTimestamp) and without status.
 */
export function submitted<T extends AnyObject>(obj: T): T {
  const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, ...metadata } = obj.metadata
  const { status: _s, ...rest } = obj as T & { status?: unknown }
  return { ...rest, metadata } as T
}
