/**
 * @module
 * Valid sample objects for tests of the api layer (and of anything that needs a realistic
 * manifest), plus `withChanges`, which edits a copy by dotted paths so a test table can
 * break one field per case: withChanges(deployment(), {'spec.replicas': -1}).
 */
import type { Rollout } from './types.ts'

export const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web', track: 'stable' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'web:v1',
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          },
        ],
      },
    },
  },
})

export const service = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
})

export const statefulSet = () => ({ ...deployment(), kind: 'StatefulSet', metadata: { name: 'db' } })
export const replicaSet = () => ({ ...deployment(), kind: 'ReplicaSet', metadata: { name: 'web-5d4f8' } })
export const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1' },
  spec: deployment().spec.template.spec,
})
export const configMap = () => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg' },
  data: { 'app.yml': 'a: 1' },
})

/**
 * A deep copy of `obj` with each dotted path set to its value ("undefined" deletes the field).
 * Numeric segments index lists: 'spec.template.spec.containers.0.image'.
 */
export function withChanges<T extends object>(obj: T, changes: Record<string, unknown>): T {
  const copy = structuredClone(obj)
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.')
    const last = keys.pop() as string
    let node = copy as Record<string, unknown>
    for (const k of keys) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = /^\d+$/.test(k) ? [] : {}
      node = node[k] as Record<string, unknown>
    }
    if (value === undefined) delete node[last]
    else node[last] = value
  }
  return copy
}

/** Argo's rollouts-demo canary, as its documentation gives it. */
export function demoRollout(): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'rollouts-demo' },
    spec: {
      replicas: 5,
      strategy: {
        canary: {
          steps: [
            { setWeight: 20 },
            { pause: {} },
            { setWeight: 40 },
            { pause: { duration: 10 } },
            { setWeight: 60 },
            { pause: { duration: '10s' } },
          ],
        },
      },
      revisionHistoryLimit: 2,
      selector: { matchLabels: { app: 'rollouts-demo' } },
      template: {
        metadata: { labels: { app: 'rollouts-demo' } },
        spec: {
          containers: [{ name: 'rollouts-demo', image: 'rollouts-demo:blue', ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  }
}
