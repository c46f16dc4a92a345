/**
 * @module
 * Test builders (P15): the smallest valid objects, overridable field by field.
 *
 * @example
 * aDeployment({ name: 'busy', replicas: 10, maxSurge: 1, maxUnavailable: 1 })
 * aPod({ name: 'web-abc-x1', owner: rs, ready: true, readySince: clock.now() })
 */
import type {
  Container,
  Deployment,
  IntOrString,
  OwnerReference,
  Pod,
  PodCondition,
  Probe,
  ReplicaSet,
} from '../../src/api/types.ts'

import { DEFAULT_NODE_NAME } from '../../src/api/node-name.ts'
import { formatTimestamp } from '../../src/api/timestamps.ts'

export interface DeploymentOptions {
  name?: string
  namespace?: string
  replicas?: number
  image?: string
  maxSurge?: IntOrString
  maxUnavailable?: IntOrString
  strategy?: 'RollingUpdate' | 'Recreate'
  minReadySeconds?: number
  progressDeadlineSeconds?: number
  revisionHistoryLimit?: number
  paused?: boolean
  /** Give the container an HTTP readiness probe (the fake agent then waits readyDelayMs). */
  readinessProbe?: boolean
}

export const READINESS_PROBE: Probe = { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 }

export function aContainer(name: string, image: string, probe = true): Container {
  return {
    name,
    image,
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    ...(probe ? { readinessProbe: READINESS_PROBE } : {}),
  }
}

export function aDeployment(o: DeploymentOptions = {}): Deployment {
  const name = o.name ?? 'web'
  const labels = { app: name }
  const strategy = o.strategy ?? 'RollingUpdate'
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? 'default', labels },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [aContainer(name, o.image ?? `${name}:1`, o.readinessProbe ?? true)] },
      },
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
      ...(o.paused !== undefined ? { paused: o.paused } : {}),
    },
  }
}

export function ownerRef(owner: Deployment | ReplicaSet): OwnerReference {
  return {
    apiVersion: 'apps/v1',
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? `uid-${owner.metadata.name}`,
    controller: true,
    blockOwnerDeletion: true,
  }
}

export interface ReplicaSetOptions {
  name?: string
  namespace?: string
  replicas?: number
  image?: string
  owner?: Deployment
  minReadySeconds?: number
  uid?: string
  createdAt?: number
}

export function aReplicaSet(o: ReplicaSetOptions = {}): ReplicaSet {
  const name = o.name ?? 'web-5d4f8'
  const labels = { app: 'web', 'pod-template-hash': name.slice(name.lastIndexOf('-') + 1) }
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `uid-${name}`,
      labels,
      ...(o.createdAt !== undefined ? { creationTimestamp: formatTimestamp(o.createdAt) } : {}),
      ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
    },
    spec: {
      replicas: o.replicas ?? 3,
      minReadySeconds: o.minReadySeconds ?? 0,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [aContainer('web', o.image ?? 'web:1')] } },
    },
  }
}

export interface PodOptions {
  name: string
  namespace?: string
  owner?: ReplicaSet
  /** undefined: no status yet (just created). */
  phase?: 'Pending' | 'Running' | 'Unknown' | 'Succeeded' | 'Failed'
  ready?: boolean
  /** Epoch ms of the Ready condition's last transition. */
  readySince?: number
  restarts?: number
  createdAt?: number
  scheduled?: boolean
  deleting?: boolean
}

export function aPod(o: PodOptions): Pod {
  const conditions: PodCondition[] = []
  if (o.ready !== undefined) {
    const at = formatTimestamp(o.readySince ?? 0)
    conditions.push({ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: at })
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${o.name}`,
      labels: o.owner?.spec.template.metadata?.labels ?? { app: 'web' },
      ...(o.createdAt !== undefined ? { creationTimestamp: formatTimestamp(o.createdAt) } : {}),
      ...(o.deleting ? { deletionTimestamp: formatTimestamp(0) } : {}),
      ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
    },
    spec: {
      containers: [aContainer('web', 'web:1')],
      ...(o.scheduled === false ? {} : { nodeName: DEFAULT_NODE_NAME }),
    },
    ...(o.phase
      ? {
          status: {
            phase: o.phase,
            conditions,
            containerStatuses: [
              {
                name: 'web',
                state: o.phase === 'Running' ? { running: {} } : { waiting: { reason: 'ContainerCreating' } },
                lastState: {},
                ready: o.ready ?? false,
                restartCount: o.restarts ?? 0,
                image: 'web:1',
                imageID: '',
              },
            ],
          },
        }
      : {}),
  }
}
