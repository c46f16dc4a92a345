/**
 * @module
 * Object builders for CLI and API tests: small, complete objects with the fields the printers
 * read, overridable per test.
 */
import { T0 } from '../../../test/support/builders.ts'
import type { Deployment, Event, Pod, PodPhase, ReplicaSet } from '../../api/types.ts'

export const ts = (msAfterT0: number): string => new Date(T0 + msAfterT0).toISOString().replace('.000Z', 'Z')

export function aDeployment(
  name: string,
  over: { replicas?: number; image?: string; status?: Deployment['status'] } = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: ts(0),
      generation: 1,
      labels: { app: name },
    },
    spec: {
      replicas: over.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name, image: over.image ?? `${name}:v1`, ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    },
    ...(over.status ? { status: over.status } : {}),
  }
}

export function aReplicaSet(
  d: Deployment,
  hash: string,
  over: { replicas?: number; ready?: number; revision?: string; image?: string } = {},
): ReplicaSet {
  const template = structuredClone(d.spec.template)
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } }
  if (over.image && template.spec.containers[0]) template.spec.containers[0].image = over.image
  const replicas = over.replicas ?? d.spec.replicas ?? 1
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: 'default',
      uid: `uid-${d.metadata.name}-${hash}`,
      creationTimestamp: ts(0),
      labels: { ...d.spec.template.metadata?.labels, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': over.revision ?? '1' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.metadata.name,
          uid: d.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } },
      template,
    },
    status: { replicas, readyReplicas: over.ready ?? replicas, availableReplicas: over.ready ?? replicas },
  }
}

export function aPod(
  name: string,
  over: { phase?: PodPhase; ready?: boolean; hostPort?: number; labels?: Record<string, string> } = {},
): Pod {
  const ready = over.ready ?? true
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: ts(0),
      labels: over.labels ?? { app: 'web' },
    },
    spec: {
      containers: [{ name: 'web', image: 'web:v1', ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
      nodeName: 'baton-node',
    },
    status: {
      phase: over.phase ?? 'Running',
      podIP: '127.0.0.1',
      startTime: ts(0),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'web',
          ready,
          restartCount: 0,
          image: 'web:v1',
          imageID: 'sha256:1111',
          containerID: 'baton://4242',
          state: { running: { startedAt: ts(1000) } },
          lastState: {},
        },
      ],
      portMappings: [{ containerName: 'web', containerPort: 8080, hostPort: over.hostPort ?? 41001 }],
    },
  }
}

export function anEvent(
  obj: { kind: string; name: string; uid?: string },
  reason: string,
  message: string,
  at: number,
  over: Partial<Event> = {},
): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${obj.name}.${at}`, namespace: 'default', creationTimestamp: ts(at) },
    involvedObject: { kind: obj.kind, name: obj.name, namespace: 'default', ...(obj.uid ? { uid: obj.uid } : {}) },
    reason,
    message,
    type: 'Normal',
    source: { component: 'deployment-controller' },
    firstTimestamp: ts(at),
    lastTimestamp: ts(at),
    count: 1,
    ...over,
  }
}
