import { describe, expect, it } from 'vitest'
import { describeInvalid } from './field-errors.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { applyDefaults } from './defaults.ts'
import { deployment, service } from './test-objects.ts'
import type { KObject } from './types.ts'
import { SERVED_KINDS, validateObject } from './validate.ts'

const validDeployment = deployment
const validService = service

const failure = (obj: unknown) => thrownBatonError(() => validateObject(obj))

describe('validateObject accepts', () => {
  const cases: Array<{ name: string; obj: unknown }> = [
    { name: 'a minimal Deployment', obj: validDeployment() },
    { name: 'a Service with a named targetPort', obj: validService() },
    {
      name: 'a Service with clusterIP ""',
      obj: { ...validService(), spec: { ...validService().spec, clusterIP: '' } },
    },
    {
      name: 'a headless Service with clusterIPs ["None"]',
      obj: { ...validService(), spec: { ...validService().spec, clusterIP: 'None', clusterIPs: ['None'] } },
    },
    {
      name: 'a kubectl get -o yaml dump (read-only metadata, status, nulls)',
      obj: {
        ...validDeployment(),
        metadata: {
          name: 'web',
          namespace: 'default',
          uid: '93fde307-a359-11e8-a93b-525400c61543',
          resourceVersion: '199461',
          generation: 3,
          creationTimestamp: '2018-08-19T02:42:56Z',
          selfLink: '/apis/apps/v1/namespaces/default/deployments/web',
          annotations: { 'deployment.kubernetes.io/revision': '3' },
          managedFields: [{ manager: 'kubectl', operation: 'Update' }],
        },
        spec: {
          ...validDeployment().spec,
          template: {
            metadata: { creationTimestamp: null, labels: { app: 'web' } },
            spec: validDeployment().spec.template.spec,
          },
        },
        status: { observedGeneration: 3, replicas: 3, conditions: [{ type: 'Available', status: 'True' }] },
      },
    },
    {
      name: 'a Recreate Deployment and an explicit 0 surge with 1 unavailable',
      obj: { ...validDeployment(), spec: { ...validDeployment().spec, strategy: { type: 'Recreate' } } },
    },
    {
      name: 'selector matchExpressions',
      obj: {
        ...validDeployment(),
        spec: {
          ...validDeployment().spec,
          selector: {
            matchExpressions: [
              { key: 'app', operator: 'In', values: ['web', 'api'] },
              { key: 'canary', operator: 'DoesNotExist' },
            ],
          },
        },
      },
    },
    {
      name: 'a Pod with restartPolicy Never',
      obj: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'job-1' },
        spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job:1' }] },
      },
    },
    {
      name: 'a ConfigMap',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cfg' },
        data: { 'app.yml': 'a: 1' },
        binaryData: { 'x.bin': 'AAEC' },
      },
    },
    {
      name: 'a ServiceAccount as `helm create` scaffolds it',
      obj: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } },
        automountServiceAccountToken: true,
      },
    },
    {
      name: 'Endpoints',
      obj: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'web' },
        subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 41234 }] }],
      },
    },
    {
      name: 'an Event',
      obj: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web.1' },
        involvedObject: { kind: 'Deployment', name: 'web' },
        reason: 'ScalingReplicaSet',
        message: 'Scaled up',
        type: 'Normal',
      },
    },
    {
      name: 'cluster-only fields Baton ignores (tolerations, securityContext, resources)',
      obj: (() => {
        const d = validDeployment()
        Object.assign(d.spec.template.spec, {
          tolerations: [{ key: 'k', operator: 'Exists' }],
          securityContext: { runAsUser: 1000 },
        })
        Object.assign(d.spec.template.spec.containers[0] as object, {
          resources: { limits: { cpu: '500m', memory: '128Mi' } },
        })
        return d
      })(),
    },
  ]
  it.each(cases)('$name', ({ obj }) => {
    expect(() => validateObject(obj)).not.toThrow()
  })

  it('returns the object without nulls and with its defaults, as it will be stored', () => {
    const out = validateObject({ ...validService(), metadata: { name: 'web', labels: null } })
    expect(out).toEqual(applyDefaults(validService() as KObject))
    expect(out.metadata).toEqual({ name: 'web', namespace: 'default' })
  })

  it("serves the kinds of the Kubernetes API groups apps/v1 and v1, and Argo Rollouts' Rollout", () => {
    expect(SERVED_KINDS.map((k) => `${k.apiVersion} ${k.kind}`)).toEqual([
      'apps/v1 Deployment',
      'apps/v1 ReplicaSet',
      'apps/v1 StatefulSet',
      'apps/v1 ControllerRevision',
      'v1 Pod',
      'v1 Service',
      'v1 Endpoints',
      'v1 ConfigMap',
      'v1 Secret',
      'v1 ServiceAccount',
      'v1 Event',
      'argoproj.io/v1alpha1 Rollout',
      'argoproj.io/v1alpha1 AnalysisTemplate',
      'argoproj.io/v1alpha1 AnalysisRun',
      'v1 Namespace',
    ])
  })
})

describe('validateObject reports every problem at once', () => {
  it('renders like kubectl', () => {
    const d = validDeployment()
    d.spec.replicas = -1
    ;(d.spec.template.spec.containers[0] as Record<string, unknown>).imagePullPolice = 'Always'
    const err = failure(d)
    expect(err.code).toBe('BATON_INVALID')
    expect(err.httpStatus).toBe(422)
    expect(describeInvalid(err.message, err.causes)).toBe(
      [
        'The Deployment "web" is invalid:',
        '* spec.template.spec.containers[0].imagePullPolice: unknown field "spec.template.spec.containers[0].imagePullPolice"',
        '* spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      ].join('\n'),
    )
    expect(err.hint).toContain('Did you mean "imagePullPolicy"?')
  })

  it('renders a single cause inline', () => {
    const err = failure({
      ...validService(),
      spec: { ...validService().spec, ports: [{ port: 70000, targetPort: 8080 }] },
    })
    expect(describeInvalid(err.message, err.causes)).toBe(
      'The Service "web" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    )
  })
})
