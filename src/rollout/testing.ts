/**
 * @module
 * Builders for rollout and deployment-planner tests (not used by production code): a
 * Deployment, its ReplicaSets and pods with only the fields a case cares about.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, IntOrString, Pod, PodPhase, PodTemplateSpec, ReplicaSet } from '../api/types.ts'
import { REVISION_ANNOTATION } from './annotations.ts'
import { POD_TEMPLATE_HASH_LABEL } from './template-hash.ts'
import { formatTimestamp } from '../api/timestamps.ts'

/** 2026-01-01T00:00:00Z, the epoch of every test clock. */
export const T0 = Date.parse('2026-01-01T00:00:00Z')

/** The timestamp `seconds` after T0. */
export function at(seconds: number): string {
  return formatTimestamp(T0 + seconds * 1000)
}

export function template(image: string, name = 'web', extraLabels: Record<string, string> = {}): PodTemplateSpec {
  return { metadata: { labels: { app: name, ...extraLabels } }, spec: { containers: [{ name: 'app', image }] } }
}

export interface DeploymentOptions {
  name?: string
  replicas?: number
  image?: string
  strategy?: 'RollingUpdate' | 'Recreate'
  maxSurge?: IntOrString
  maxUnavailable?: IntOrString
  generation?: number
  annotations?: Record<string, string>
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
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: o.generation ?? 1 },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: template(o.image ?? 'app:v2', name),
      strategy:
        strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' } },
    },
  }
  if (o.annotations) d.metadata.annotations = o.annotations
  if (o.revisionHistoryLimit !== undefined) d.spec.revisionHistoryLimit = o.revisionHistoryLimit
  if (o.progressDeadlineSeconds !== undefined) d.spec.progressDeadlineSeconds = o.progressDeadlineSeconds
  if (o.minReadySeconds !== undefined) d.spec.minReadySeconds = o.minReadySeconds
  if (o.paused !== undefined) d.spec.paused = o.paused
  if (o.status || o.conditions) d.status = { ...o.status, ...(o.conditions ? { conditions: o.conditions } : {}) }
  return d
}

export interface ReplicaSetOptions {
  name: string
  replicas: number
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
  owner?: Deployment
  annotations?: Record<string, string>
  generation?: number
  observedGeneration?: number
  deleting?: boolean
  minReadySeconds?: number
}

export function aReplicaSet(o: ReplicaSetOptions): ReplicaSet {
  const owner = o.owner ?? aDeployment()
  const name = owner.metadata.name
  const tpl = template(o.image ?? 'app:v1', name, { [POD_TEMPLATE_HASH_LABEL]: o.name.slice(name.length + 1) || 'hash' })
  const annotations = { ...o.annotations }
  if (o.revision !== undefined) annotations[REVISION_ANNOTATION] = String(o.revision)
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: o.name,
      namespace: 'default',
      uid: `uid-${o.name}`,
      generation: o.generation ?? 1,
      creationTimestamp: at(o.created ?? 0),
      labels: { ...tpl.metadata?.labels },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: owner.metadata.uid ?? '', controller: true }],
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
    },
  }
  if (Object.keys(annotations).length > 0) rs.metadata.annotations = annotations
  if (o.deleting) rs.metadata.deletionTimestamp = at(0)
  return rs
}

export interface PodOptions {
  name: string
  owner?: ReplicaSet
  phase?: PodPhase
  /** Ready=True since `readySince` seconds after T0; omit for a pod that is not ready. */
  readySince?: number
  deleting?: boolean
  labels?: Record<string, string>
}

export function aPod(o: PodOptions): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: 'default', uid: `uid-${o.name}`, labels: o.labels ?? { ...o.owner?.spec.template.metadata?.labels } },
    spec: { containers: [{ name: 'app', image: 'app' }] },
    status: { phase: o.phase ?? 'Running' },
  }
  if (o.owner) {
    pod.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner.metadata.name, uid: o.owner.metadata.uid ?? '', controller: true },
    ]
  }
  if (o.readySince !== undefined) {
    pod.status = { ...pod.status, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(o.readySince) }] }
  }
  if (o.deleting) pod.metadata.deletionTimestamp = at(0)
  return pod
}
