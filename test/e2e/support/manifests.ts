/**
 * @module
 * The example app's Deployment and Service (examples/web/deployment.yaml) with the knobs an
 * end-to-end test turns: replicas, strategy, service port, image, progress deadline. Defaults
 * are the example's own: a readiness probe on /ready every second, a preStop httpGet that only
 * logs (no sleep), terminationGracePeriodSeconds 30. The same app as an Argo Rollout
 * (webRolloutManifest) for the Rollout tests.
 */
import { stringify } from 'yaml'

export interface WebManifestOptions {
  /** The Service's port on 127.0.0.1. */
  servicePort: number
  replicas: number
  image?: string
  /** Absent: Kubernetes' defaults (25% / 25%). */
  maxSurge?: number | string
  maxUnavailable?: number | string
  progressDeadlineSeconds?: number
  /** Before the app answers ready (the example's manifest uses 300). */
  startupDelayMs?: number
  name?: string
  /** The Deployment's annotations (e.g. a failure policy). */
  annotations?: Record<string, string>
  /** More env for the app (e.g. ERROR_RATE). */
  env?: Record<string, string>
}

/** A multi-document YAML string for `baton apply -f`. */
export function webManifest(o: WebManifestOptions): string {
  const name = o.name ?? 'web'
  const rollingUpdate = {
    ...(o.maxSurge !== undefined ? { maxSurge: o.maxSurge } : {}),
    ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}),
  }
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name }, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: name } },
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      strategy: { type: 'RollingUpdate', ...(Object.keys(rollingUpdate).length > 0 ? { rollingUpdate } : {}) },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 30,
          containers: [
            { ...webContainer(o), livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 } },
          ],
        },
      },
    },
  }
  return `${stringify(deployment)}---\n${stringify(webService(name, o.servicePort, name))}`
}

/** The example app's container: readiness on /ready every second, a preStop httpGet that only logs. */
function webContainer(o: { image?: string; startupDelayMs?: number; env?: Record<string, string> }) {
  return {
    name: 'web',
    image: o.image ?? 'web:v1',
    command: ['node', 'server.js'],
    env: [
      { name: 'STARTUP_DELAY_MS', value: String(o.startupDelayMs ?? 300) },
      ...Object.entries(o.env ?? {}).map(([n, value]) => ({ name: n, value })),
    ],
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
    lifecycle: { preStop: { httpGet: { path: '/prestop', port: 'http' } } },
  }
}

/** A Service on 127.0.0.1:`port` in front of the pods labelled app=`app`. */
function webService(name: string, port: number, app = 'web') {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app }, ports: [{ name: 'http', port, targetPort: 'http' }] },
  }
}

export interface WebRolloutOptions {
  replicas: number
  /** The Rollout's `spec.strategy` (canary or blueGreen). */
  strategy: Record<string, unknown>
  /** Services in front of the Rollout's pods, by name and port. */
  services: Record<string, number>
  image?: string
  /** More env for the app (e.g. ERROR_RATE). */
  env?: Record<string, string>
}

/** The example app as an Argo Rollout named web, with its Services: YAML for `baton apply -f`. */
export function webRolloutManifest(o: WebRolloutOptions): string {
  const rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web' },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: o.strategy,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [webContainer(o)] } },
    },
  }
  const services = Object.entries(o.services).map(([name, port]) => webService(name, port))
  return [rollout, ...services].map((d) => stringify(d)).join('---\n')
}

/** The example app's other version: what to roll to from `version` (v1 or v2). */
export const otherVersion = (version: string): 'v1' | 'v2' => (version === 'v1' ? 'v2' : 'v1')

/**
 * The version (the image's tag, v1 or v2) a Rollout of the example app's template names. A case
 * derives its target from it, so that vitest's retry (docs/conventions.md P16), which starts
 * from what the failed attempt left, still rolls.
 */
export const templateVersion = (r: { spec: { template: { spec: { containers: { image?: string }[] } } } }): string =>
  r.spec.template.spec.containers[0]?.image?.split(':')[1] ?? ''
