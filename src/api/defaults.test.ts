import { describe, expect, it } from 'vitest'
import { applyDefaults, imageTag, NAMESPACE_NAME_LABEL } from './defaults.ts'
import type { Deployment, Pod, ReplicaSet, Service, StatefulSet } from './types.ts'

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'web:v1' }] },
}

const deployment = (spec: Partial<Deployment['spec']> = {}): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: structuredClone(template), ...spec },
})

/** What `kubectl get -o yaml` shows for the template's pod spec after defaulting. */
const DEFAULTED_POD_SPEC = {
  containers: [
    {
      name: 'web',
      image: 'web:v1',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    },
  ],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  securityContext: {},
}

describe('applyDefaults', () => {
  it('fills a Deployment as the API server does', () => {
    const d = applyDefaults(deployment())
    expect(d.metadata.namespace).toBe('default')
    expect(d.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'web' } }, spec: DEFAULTED_POD_SPEC },
    })
    // omitempty scalars in Kubernetes: left unset, read as 0 / false.
    expect(d.spec.minReadySeconds).toBeUndefined()
    expect(d.spec.paused).toBeUndefined()
  })

  it('does not modify its input and is idempotent', () => {
    const input = deployment()
    const before = structuredClone(input)
    const once = applyDefaults(input)
    expect(input).toEqual(before)
    expect(applyDefaults(once)).toEqual(once)
  })

  it.each([
    {
      name: 'keeps given values',
      spec: { replicas: 0, revisionHistoryLimit: 0, progressDeadlineSeconds: 30 },
      want: { replicas: 0, revisionHistoryLimit: 0, progressDeadlineSeconds: 30 },
    },
    {
      name: 'fills one missing rollingUpdate side',
      spec: { strategy: { rollingUpdate: { maxSurge: 1 } } },
      want: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } },
    },
    {
      name: 'Recreate gets no rollingUpdate block',
      spec: { strategy: { type: 'Recreate' as const } },
      want: { strategy: { type: 'Recreate' } },
    },
  ])('Deployment strategy: $name', ({ spec, want }) => {
    expect(applyDefaults(deployment(spec)).spec).toMatchObject(want)
  })

  it.each([
    { image: 'nginx', policy: 'Always' },
    { image: 'nginx:latest', policy: 'Always' },
    { image: 'nginx:1.25', policy: 'IfNotPresent' },
    { image: 'registry:5000/team/app', policy: 'Always' },
    { image: 'registry:5000/team/app:v2', policy: 'IfNotPresent' },
    { image: 'app@sha256:abc', policy: 'IfNotPresent' },
  ])('imagePullPolicy for $image is $policy', ({ image, policy }) => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image }] },
    }
    expect(applyDefaults(pod).spec.containers[0]?.imagePullPolicy).toBe(policy)
  })

  it.each([
    { image: 'nginx', tag: 'latest' },
    { image: 'localhost:5000/nginx', tag: 'latest' },
    { image: 'localhost:5000/nginx:1.2', tag: '1.2' },
    { image: 'nginx@sha256:ff', tag: '' },
    { image: 'nginx:1.2@sha256:ff', tag: '1.2' },
  ])('imageTag($image) = "$tag"', ({ image, tag }) => {
    expect(imageTag(image)).toBe(tag)
  })

  it('defaults probes, handlers, ports and volumes inside containers', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'team' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'c',
            image: 'app:1',
            imagePullPolicy: 'Never',
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { port: 8080 }, periodSeconds: 0 },
            livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 5 },
            lifecycle: { preStop: { httpGet: { port: 8080, path: '/drain' } } },
            env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch' }],
      },
    }
    const d = applyDefaults(pod)
    const c = d.spec.containers[0]
    expect(d.metadata.namespace).toBe('team')
    expect(d.spec.restartPolicy).toBe('Never')
    expect(c?.imagePullPolicy).toBe('Never')
    expect(c?.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }])
    // periodSeconds 0 is Go's zero value, i.e. "not given".
    expect(c?.readinessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    })
    expect(c?.livenessProbe?.failureThreshold).toBe(5)
    expect(c?.lifecycle?.preStop?.httpGet).toEqual({ port: 8080, path: '/drain', scheme: 'HTTP' })
    expect(c?.env?.[0]?.valueFrom?.fieldRef).toEqual({ fieldPath: 'metadata.name', apiVersion: 'v1' })
    expect(d.spec.volumes).toEqual([
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
    ])
  })

  it.each([
    { name: 'no labels', labels: undefined, want: { [NAMESPACE_NAME_LABEL]: 'team' } },
    { name: 'labels kept', labels: { tier: 'web' }, want: { tier: 'web', [NAMESPACE_NAME_LABEL]: 'team' } },
    {
      name: 'a wrong name label is put right',
      labels: { [NAMESPACE_NAME_LABEL]: 'other' },
      want: { [NAMESPACE_NAME_LABEL]: 'team' },
    },
  ])('a Namespace is labelled with its name, as kube-apiserver does: $name', ({ labels, want }) => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', ...(labels ? { labels } : {}) } }
    const out = applyDefaults(ns as never) as { metadata: { labels?: Record<string, string>; namespace?: string } }
    expect(out.metadata.labels).toEqual(want)
    expect(out.metadata.namespace).toBeUndefined()
  })

  it('defaults a ReplicaSet', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-abc' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: structuredClone(template) },
    }
    const d = applyDefaults(rs)
    expect(d.spec.replicas).toBe(1)
    expect(d.spec.template.spec).toEqual(DEFAULTED_POD_SPEC)
  })

  it('defaults a StatefulSet', () => {
    const ss: StatefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: structuredClone(template) },
    }
    expect(applyDefaults(ss).spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
    })
  })

  it.each([
    {
      name: 'ClusterIP with targetPort from port',
      spec: {
        selector: { app: 'web' },
        ports: [{ port: 80 }, { port: 81, targetPort: 'http', protocol: 'UDP' as const }],
      },
      want: {
        type: 'ClusterIP',
        sessionAffinity: 'None',
        ports: [
          { port: 80, targetPort: 80, protocol: 'TCP' },
          { port: 81, targetPort: 'http', protocol: 'UDP' },
        ],
      },
    },
    {
      name: 'LoadBalancer gets externalTrafficPolicy',
      spec: { type: 'LoadBalancer' as const, ports: [{ port: 80, targetPort: 8080 }] },
      want: {
        type: 'LoadBalancer',
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    },
  ])('defaults a Service: $name', ({ spec, want }) => {
    const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec }
    expect(applyDefaults(svc).spec).toEqual({ ...spec, ...want })
  })

  it('tolerates malformed input (validation reports it later)', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: 'x',
      spec: { strategy: 'fast', template: { spec: { containers: 'web' } } },
    }
    expect(() => applyDefaults(broken as unknown as Deployment)).not.toThrow()
  })
})
