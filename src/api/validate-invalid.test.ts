import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BatonError } from '../errors/baton-error.ts'
import type { ErrorCode } from '../errors/codes.ts'
import { loadManifests } from './manifest.ts'
import { configMap, deployment, pod, replicaSet, service, statefulSet, withChanges } from './test-objects.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { validateObject } from './validate.ts'

interface Case {
  name: string
  obj: unknown
  code?: ErrorCode
  /** Every cause's field, in order (kubectl prints them all). */
  fields: string[]
  /** Text one of the causes (or the message, for non-field errors) must contain. */
  says: string
}

const C = 'spec.template.spec.containers[0]'
const T = 'spec.template.spec.containers.0'

const CASES: Case[] = [
  // Deployment spec numbers
  {
    name: 'negative replicas',
    obj: withChanges(deployment(), { 'spec.replicas': -1 }),
    fields: ['spec.replicas'],
    says: 'Invalid value: -1: must be greater than or equal to 0',
  },
  {
    name: 'negative minReadySeconds',
    obj: withChanges(deployment(), { 'spec.minReadySeconds': -5 }),
    fields: ['spec.minReadySeconds'],
    says: 'must be greater than or equal to 0',
  },
  {
    name: 'negative revisionHistoryLimit',
    obj: withChanges(deployment(), { 'spec.revisionHistoryLimit': -1 }),
    fields: ['spec.revisionHistoryLimit'],
    says: 'must be greater than or equal to 0',
  },
  {
    name: 'negative progressDeadlineSeconds (so also not above minReadySeconds)',
    obj: withChanges(deployment(), { 'spec.progressDeadlineSeconds': -1 }),
    fields: ['spec.progressDeadlineSeconds', 'spec.progressDeadlineSeconds'],
    says: 'must be greater than minReadySeconds',
  },
  {
    name: 'minReadySeconds beyond the defaulted 600s deadline',
    obj: withChanges(deployment(), { 'spec.minReadySeconds': 600 }),
    fields: ['spec.progressDeadlineSeconds'],
    says: 'Invalid value: 600: must be greater than minReadySeconds',
  },
  {
    name: 'replicas as a string',
    obj: withChanges(deployment(), { 'spec.replicas': '3' }),
    fields: ['spec.replicas'],
    says: 'Invalid value: "3": must be an integer',
  },
  {
    name: 'fractional replicas',
    obj: withChanges(deployment(), { 'spec.replicas': 1.5 }),
    fields: ['spec.replicas'],
    says: 'must be an integer',
  },
  // Strategy
  {
    name: 'maxSurge and maxUnavailable both 0',
    obj: withChanges(deployment(), { 'spec.strategy.rollingUpdate': { maxSurge: 0, maxUnavailable: 0 } }),
    fields: ['spec.strategy.rollingUpdate.maxUnavailable'],
    says: 'Invalid value: 0: may not be 0 when `maxSurge` is 0',
  },
  {
    name: 'maxSurge and maxUnavailable both 0%',
    obj: withChanges(deployment(), { 'spec.strategy.rollingUpdate': { maxSurge: '0%', maxUnavailable: '0%' } }),
    fields: ['spec.strategy.rollingUpdate.maxUnavailable'],
    says: 'may not be 0 when `maxSurge` is 0',
  },
  {
    name: 'maxUnavailable above 100%',
    obj: withChanges(deployment(), { 'spec.strategy.rollingUpdate.maxUnavailable': '150%' }),
    fields: ['spec.strategy.rollingUpdate.maxUnavailable'],
    says: 'Invalid value: "150%": must not be greater than 100%',
  },
  {
    name: 'maxSurge a number in a string',
    obj: withChanges(deployment(), { 'spec.strategy.rollingUpdate.maxSurge': '2' }),
    fields: ['spec.strategy.rollingUpdate.maxSurge'],
    says: "must be an integer or percentage (e.g '5%')",
  },
  {
    name: 'negative maxUnavailable',
    obj: withChanges(deployment(), { 'spec.strategy.rollingUpdate.maxUnavailable': -1 }),
    fields: ['spec.strategy.rollingUpdate.maxUnavailable'],
    says: 'must be greater than or equal to 0',
  },
  {
    name: 'maxSurge neither int nor string',
    obj: withChanges(deployment(), { 'spec.strategy.rollingUpdate.maxSurge': true }),
    fields: ['spec.strategy.rollingUpdate.maxSurge'],
    says: 'must be an integer or a string',
  },
  {
    name: 'Recreate with a rollingUpdate block',
    obj: withChanges(deployment(), { 'spec.strategy': { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }),
    fields: ['spec.strategy.rollingUpdate'],
    says: "Forbidden: may not be specified when strategy `type` is 'Recreate'",
  },
  {
    name: 'unknown strategy type',
    obj: withChanges(deployment(), { 'spec.strategy.type': 'BlueGreen' }),
    fields: ['spec.strategy.type'],
    says: 'Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"',
  },
  // Selector and template
  {
    name: 'no selector',
    obj: withChanges(deployment(), { 'spec.selector': undefined }),
    fields: ['spec.selector'],
    says: 'Required value',
  },
  {
    name: 'empty selector',
    obj: withChanges(deployment(), { 'spec.selector': {} }),
    fields: ['spec.selector'],
    says: 'empty selector is invalid for deployment',
  },
  {
    name: 'selector not matching template labels',
    obj: withChanges(deployment(), { 'spec.selector.matchLabels': { app: 'api' } }),
    fields: ['spec.template.metadata.labels'],
    says: 'Invalid value: {"app":"web","track":"stable"}: `selector` does not match template `labels`',
  },
  {
    name: 'In expression without values',
    obj: withChanges(deployment(), { 'spec.selector': { matchExpressions: [{ key: 'app', operator: 'In' }] } }),
    fields: ['spec.selector.matchExpressions[0].values'],
    says: "must be specified when `operator` is 'In' or 'NotIn'",
  },
  {
    name: 'restartPolicy Never in a Deployment template',
    obj: withChanges(deployment(), { 'spec.template.spec.restartPolicy': 'Never' }),
    fields: ['spec.template.spec.restartPolicy'],
    says: 'Unsupported value: "Never": supported values: "Always"',
  },
  {
    name: 'restartPolicy OnFailure in a ReplicaSet template',
    obj: withChanges(replicaSet(), { 'spec.template.spec.restartPolicy': 'OnFailure' }),
    fields: ['spec.template.spec.restartPolicy'],
    says: 'supported values: "Always"',
  },
  // Containers
  {
    name: 'no containers',
    obj: withChanges(deployment(), { 'spec.template.spec.containers': [] }),
    fields: ['spec.template.spec.containers'],
    says: 'Required value',
  },
  {
    name: 'duplicate container names',
    obj: withChanges(deployment(), { 'spec.template.spec.containers.1': { name: 'web', image: 'sidecar:1' } }),
    fields: ['spec.template.spec.containers[1].name'],
    says: 'Duplicate value: "web"',
  },
  {
    name: 'container name not a DNS-1123 label',
    obj: withChanges(deployment(), { [`${T}.name`]: 'Web_App' }),
    fields: [`${C}.name`],
    says: 'a lowercase RFC 1123 label must consist of',
  },
  {
    name: 'container without image',
    obj: withChanges(deployment(), { [`${T}.image`]: undefined }),
    fields: [`${C}.image`],
    says: 'Required value',
  },
  {
    name: 'misspelt container field',
    obj: withChanges(deployment(), { [`${T}.imagePullPolice`]: 'Always' }),
    fields: [`${C}.imagePullPolice`],
    says: `unknown field "${C}.imagePullPolice"`,
  },
  {
    name: 'unsupported imagePullPolicy',
    obj: withChanges(deployment(), { [`${T}.imagePullPolicy`]: 'always' }),
    fields: [`${C}.imagePullPolicy`],
    says: 'supported values: "Always", "Never", "IfNotPresent"',
  },
  {
    name: 'an image that is not a Docker reference (the kubelet would say InvalidImageName)',
    obj: withChanges(deployment(), { [`${T}.image`]: 'Web:v1' }),
    fields: [`${C}.image`],
    says: 'Invalid value: "Web:v1": invalid reference format: repository name must be lowercase (InvalidImageName)',
  },
  {
    name: 'an image with two tags',
    obj: withChanges(deployment(), { [`${T}.image`]: 'web:v1:v2' }),
    fields: [`${C}.image`],
    says: 'Invalid value: "web:v1:v2": invalid reference format (InvalidImageName)',
  },
  // Ports
  {
    name: 'duplicate port names in a container',
    obj: withChanges(deployment(), { [`${T}.ports.1`]: { name: 'http', containerPort: 9090 } }),
    fields: [`${C}.ports[1].name`],
    says: 'Duplicate value: "http"',
  },
  {
    name: 'containerPort out of range',
    obj: withChanges(deployment(), { [`${T}.ports.0.containerPort`]: 70000 }),
    fields: [`${C}.ports[0].containerPort`],
    says: 'Invalid value: 70000: must be between 1 and 65535, inclusive',
  },
  {
    name: 'containerPort 0',
    obj: withChanges(deployment(), { [`${T}.ports.0.containerPort`]: 0 }),
    fields: [`${C}.ports[0].containerPort`],
    says: 'Required value',
  },
  {
    name: 'port name not an IANA service name',
    obj: withChanges(deployment(), { [`${T}.ports.0.name`]: 'HTTP', [`${T}.readinessProbe.httpGet.port`]: 8080 }),
    fields: [`${C}.ports[0].name`, `${C}.ports[0].name`],
    says: 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  },
  {
    name: 'port name too long',
    obj: withChanges(deployment(), {
      [`${T}.ports.0.name`]: 'http-metrics-admin',
      [`${T}.readinessProbe.httpGet.port`]: 8080,
    }),
    fields: [`${C}.ports[0].name`],
    says: 'must be no more than 15 characters',
  },
  {
    name: 'unknown protocol',
    obj: withChanges(deployment(), { [`${T}.ports.0.protocol`]: 'HTTP' }),
    fields: [`${C}.ports[0].protocol`],
    says: 'supported values: "TCP", "UDP", "SCTP"',
  },
  // Probes
  {
    name: 'probe without a handler',
    obj: withChanges(deployment(), { [`${T}.readinessProbe`]: { periodSeconds: 5 } }),
    fields: [`${C}.readinessProbe`],
    says: 'Required value: must specify a handler type',
  },
  {
    name: 'probe with two handlers',
    obj: withChanges(deployment(), { [`${T}.readinessProbe.tcpSocket`]: { port: 8080 } }),
    fields: [`${C}.readinessProbe.tcpSocket`],
    says: 'Forbidden: may not specify more than 1 handler type',
  },
  {
    name: 'liveness successThreshold above 1',
    obj: withChanges(deployment(), { [`${T}.livenessProbe`]: { tcpSocket: { port: 8080 }, successThreshold: 2 } }),
    fields: [`${C}.livenessProbe.successThreshold`],
    says: 'Invalid value: 2: must be 1',
  },
  {
    name: 'negative probe delay',
    obj: withChanges(deployment(), { [`${T}.readinessProbe.initialDelaySeconds`]: -1 }),
    fields: [`${C}.readinessProbe.initialDelaySeconds`],
    says: 'must be greater than or equal to 0',
  },
  {
    name: 'exec probe without command',
    obj: withChanges(deployment(), { [`${T}.readinessProbe`]: { exec: {} } }),
    fields: [`${C}.readinessProbe.exec.command`],
    says: 'Required value',
  },
  {
    name: 'gRPC probe',
    obj: withChanges(deployment(), { [`${T}.livenessProbe`]: { grpc: { port: 9000 } } }),
    fields: [`${C}.livenessProbe.grpc`, `${C}.livenessProbe`],
    says: 'Forbidden: Baton does not run gRPC probes',
  },
  // Env and volumes
  {
    name: 'envFrom entry naming no source',
    obj: withChanges(deployment(), { [`${T}.envFrom`]: [{ prefix: 'DB_' }] }),
    fields: [`${C}.envFrom[0]`],
    says: 'must specify one of: `configMapRef` or `secretRef`',
  },
  {
    name: 'envFrom entry naming two sources',
    obj: withChanges(deployment(), {
      [`${T}.envFrom`]: [{ configMapRef: { name: 'c' }, secretRef: { name: 's' } }],
    }),
    fields: [`${C}.envFrom[0]`],
    says: 'may not have more than one field specified at a time',
  },
  {
    name: 'envFrom prefix with "="',
    obj: withChanges(deployment(), { [`${T}.envFrom`]: [{ prefix: 'A=', secretRef: { name: 's' } }] }),
    fields: [`${C}.envFrom[0].prefix`],
    says: 'printable ASCII characters other than',
  },
  {
    name: 'secretKeyRef without key',
    obj: withChanges(deployment(), { [`${T}.env`]: [{ name: 'P', valueFrom: { secretKeyRef: { name: 's' } } }] }),
    fields: [`${C}.env[0].valueFrom.secretKeyRef.key`],
    says: 'Required',
  },
  {
    name: 'volumeMount of an undeclared volume',
    obj: withChanges(deployment(), { [`${T}.volumeMounts`]: [{ name: 'config', mountPath: '/config' }] }),
    fields: [`${C}.volumeMounts[0].name`],
    says: 'Not found: "config"',
  },
  ...(
    [
      ['a subPath stepping out of the volume', { subPath: 'conf/../../etc' }, ['subPath'], "must not contain '..'"],
      ['an absolute subPath', { subPath: '/etc/app.conf' }, ['subPath'], 'must be a relative path'],
      ['an absolute subPathExpr with ..', { subPathExpr: '/$(POD_NAME)/..' }, ['subPathExpr', 'subPathExpr'], "'..'"],
      [
        'subPath beside subPathExpr',
        { subPath: 'a', subPathExpr: '$(POD_NAME)' },
        ['subPathExpr'],
        'subPathExpr and subPath are mutually exclusive',
      ],
    ] as const
  ).map(([name, mount, fields, says]) => ({
    name,
    obj: withChanges(deployment(), {
      'spec.template.spec.volumes': [{ name: 'data', emptyDir: {} }],
      [`${T}.volumeMounts`]: [{ name: 'data', mountPath: '/data', ...mount }],
    }),
    fields: fields.map((f) => `${C}.volumeMounts[0].${f}`),
    says,
  })),
  ...(
    [
      [
        'a configMap item path stepping out',
        'configMap',
        { key: 'a', path: '../a' },
        ['path'],
        "must not contain '..'",
      ],
      ['an absolute secret item path', 'secret', { key: 'a', path: '/etc/a' }, ['path'], 'must be a relative path'],
      ['a configMap item without key or path', 'configMap', {}, ['key', 'path'], 'Required value'],
    ] as const
  ).map(([name, source, item, fields, says]) => ({
    name,
    obj: withChanges(deployment(), {
      'spec.template.spec.volumes': [
        { name: 'cfg', [source]: { [source === 'secret' ? 'secretName' : 'name']: 'cfg', items: [item] } },
      ],
    }),
    fields: fields.map((f) => `spec.template.spec.volumes[0].${source}.items[0].${f}`),
    says,
  })),
  // Metadata
  {
    name: 'no metadata.name',
    obj: withChanges(deployment(), { 'metadata.name': undefined }),
    fields: ['metadata.name'],
    says: 'Required value: name or generateName is required',
  },
  {
    name: 'metadata.name with capitals',
    obj: withChanges(deployment(), { 'metadata.name': 'Web' }),
    fields: ['metadata.name'],
    says: 'a lowercase RFC 1123 subdomain must consist of',
  },
  {
    name: 'label key starting with a dash',
    obj: withChanges(deployment(), { 'metadata.labels': { '-app': 'web' } }),
    fields: ['metadata.labels'],
    says: 'Invalid value: "-app": name part must consist of',
  },
  {
    name: 'label value with a space',
    obj: withChanges(deployment(), { 'metadata.labels': { app: 'my web' } }),
    fields: ['metadata.labels'],
    says: 'Invalid value: "my web": a valid label must be an empty string',
  },
  {
    name: 'unquoted numeric label value',
    obj: withChanges(deployment(), { 'metadata.labels.version': 1 }),
    fields: ['metadata.labels.version'],
    says: 'Invalid value: 1: must be a string',
  },
  {
    name: 'template label key too long',
    obj: withChanges(deployment(), { 'spec.template.metadata.labels': { app: 'web', ['k'.repeat(64)]: 'x' } }),
    fields: ['spec.template.metadata.labels'],
    says: 'name part must be no more than 63 characters',
  },
  {
    name: 'misspelt spec field',
    obj: withChanges(deployment(), { 'spec.replica': 3 }),
    fields: ['spec.replica'],
    says: 'unknown field "spec.replica"',
  },
  // Service
  {
    name: 'Service without ports',
    obj: withChanges(service(), { 'spec.ports': [] }),
    fields: ['spec.ports'],
    says: 'Required value',
  },
  {
    name: 'Service port out of range',
    obj: withChanges(service(), { 'spec.ports.0.port': 65536 }),
    fields: ['spec.ports[0].port'],
    says: 'must be between 1 and 65535, inclusive',
  },
  {
    name: 'Service port missing',
    obj: withChanges(service(), { 'spec.ports.0.port': undefined }),
    fields: ['spec.ports[0].port'],
    says: 'Required value',
  },
  {
    name: 'targetPort not a port name',
    obj: withChanges(service(), { 'spec.ports.0.targetPort': 'http_port' }),
    fields: ['spec.ports[0].targetPort'],
    says: 'Invalid value: "http_port": must contain only alpha-numeric characters',
  },
  {
    name: 'targetPort out of range',
    obj: withChanges(service(), { 'spec.ports.0.targetPort': 0x10000 }),
    fields: ['spec.ports[0].targetPort'],
    says: 'must be between 1 and 65535, inclusive',
  },
  {
    name: 'two unnamed Service ports',
    obj: withChanges(service(), { 'spec.ports': [{ port: 80 }, { port: 443 }] }),
    fields: ['spec.ports[0].name', 'spec.ports[1].name'],
    says: 'Required value',
  },
  {
    name: 'Service name starting with a digit',
    obj: withChanges(service(), { 'metadata.name': '1web' }),
    fields: ['metadata.name'],
    says: 'a DNS-1035 label must consist of',
  },
  {
    name: 'ExternalName Service',
    obj: withChanges(service(), { 'spec.type': 'ExternalName' }),
    fields: ['spec.type'],
    says: 'supported values: "ClusterIP", "NodePort", "LoadBalancer"',
  },
  {
    name: 'nodePort on a ClusterIP Service',
    obj: withChanges(service(), { 'spec.ports.0.nodePort': 30080 }),
    fields: ['spec.ports[0].nodePort'],
    says: "may not be used when `type` is 'ClusterIP'",
  },
  {
    name: 'headless NodePort Service',
    obj: withChanges(service(), { 'spec.clusterIP': 'None', 'spec.type': 'NodePort' }),
    fields: ['spec.clusterIP'],
    says: "may not be set to 'None' for NodePort services",
  },
  {
    name: 'headless LoadBalancer Service',
    obj: withChanges(service(), { 'spec.clusterIP': 'None', 'spec.type': 'LoadBalancer' }),
    fields: ['spec.clusterIP'],
    says: "may not be set to 'None' for LoadBalancer services",
  },
  {
    name: 'Service clusterIP an address',
    obj: withChanges(service(), { 'spec.clusterIP': '10.96.0.10' }),
    fields: ['spec.clusterIP'],
    says: 'Invalid value: "10.96.0.10": must be "None" or unset: Baton allocates no cluster IPs',
  },
  {
    name: 'Service clusterIPs an address',
    obj: withChanges(service(), { 'spec.clusterIPs': ['10.96.0.10'] }),
    fields: ['spec.clusterIPs'],
    says: 'may only be ["None"], with clusterIP: None',
  },
  {
    name: 'Service clusterIPs None without clusterIP None',
    obj: withChanges(service(), { 'spec.clusterIPs': ['None'] }),
    fields: ['spec.clusterIPs'],
    says: 'may only be ["None"], with clusterIP: None',
  },
  // Other kinds
  {
    name: 'Pod restartPolicy not a policy',
    obj: withChanges(pod(), { 'spec.restartPolicy': 'Sometimes' }),
    fields: ['spec.restartPolicy'],
    says: 'supported values: "Always", "OnFailure", "Never"',
  },
  {
    name: 'ConfigMap key with a slash',
    obj: withChanges(configMap(), { 'data.conf/app': 'x' }),
    fields: ['data[conf/app]'],
    says: 'a valid config key must consist of',
  },
  // Not an object of a served kind
  {
    name: 'missing kind',
    obj: withChanges(deployment(), { kind: undefined }),
    fields: ['kind'],
    says: 'Required value',
  },
  {
    name: 'kind Baton does not serve',
    obj: withChanges(deployment(), { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' }),
    code: 'BATON_UNKNOWN_KIND',
    fields: [],
    says: 'no matches for kind "Ingress" in version "networking.k8s.io/v1"',
  },
  {
    name: 'old API group for Deployment',
    obj: withChanges(deployment(), { apiVersion: 'extensions/v1beta1' }),
    code: 'BATON_UNKNOWN_KIND',
    fields: [],
    says: 'no matches for kind "Deployment" in version "extensions/v1beta1"',
  },
  { name: 'not an object', obj: ['a', 'list'], fields: [], says: 'Object is not a JSON/YAML object' },
]

const failure = (obj: unknown) => thrownBatonError(() => validateObject(obj))

describe('validateObject rejects', () => {
  it.each(CASES)('$name', ({ obj, code, fields, says }) => {
    const err = failure(obj)
    expect(err.code).toBe(code ?? 'BATON_INVALID')
    expect(err.causes.map((c) => c.field)).toEqual(fields)
    const texts = [err.message, ...err.causes.map((c) => c.message)]
    expect(
      texts.some((t) => t.includes(says)),
      `"${says}" not in ${JSON.stringify(texts)}`,
    ).toBe(true)
    expect(err.hint?.length).toBeGreaterThan(10)
  })

  it('covers at least 25 named cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25)
  })

  it('names the kind and object in the message', () => {
    expect(failure(withChanges(deployment(), { 'spec.replicas': -1 })).message).toBe('The Deployment "web" is invalid')
  })

  it('suggests the closest field for a misspelling', () => {
    expect(failure(withChanges(deployment(), { 'spec.replica': 3 })).hint).toContain('Did you mean "replicas"?')
  })

  it('serves a StatefulSet: the statefulset controller creates its pods', () => {
    expect(() => validateObject(statefulSet())).not.toThrow()
  })

  it.each([
    [
      'spec.volumeClaimTemplates[0].spec.selector',
      { 'spec.volumeClaimTemplates': [{ metadata: { name: 'd' }, spec: { selector: {} } }] },
    ],
    [
      'spec.persistentVolumeClaimRetentionPolicy.whenScaled',
      { 'spec.persistentVolumeClaimRetentionPolicy': { whenScaled: 'Keep' } },
    ],
    [
      'spec.volumeClaimTemplates[1].metadata.name',
      {
        'spec.volumeClaimTemplates': [
          { metadata: { name: 'd' }, spec: {} },
          { metadata: { name: 'd' }, spec: {} },
        ],
      },
    ],
  ])('refuses %s of a StatefulSet with its path', (path, changes) => {
    const err = failure(withChanges(statefulSet(), changes))
    expect(err.code).toBe('BATON_INVALID')
    expect(err.causes?.map((c) => c.field)).toContain(path)
  })

  it('refuses a PersistentVolumeClaim applied by itself: only volumeClaimTemplates make them', () => {
    const err = failure({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd' }, spec: {} })
    expect(err.code).toBe('BATON_UNKNOWN_KIND')
    expect(err.hint).toMatch(/^Baton creates PersistentVolumeClaims only from a StatefulSet's volumeClaimTemplates/)
  })

  it('points an old apiVersion at the served one', () => {
    expect(failure(withChanges(deployment(), { apiVersion: 'apps/v1beta2' })).hint).toMatch(
      /^Use apiVersion: apps\/v1 for Deployment\. Baton serves apps\/v1 Deployment/,
    )
  })
})

// Whole manifests in test/fixtures/invalid: what `baton apply -f` meets end to end.
const FILE_CASES: Record<string, { code: ErrorCode; fields: string[]; says: string }> = {
  'unquoted-percent.yaml': {
    code: 'BATON_MANIFEST_PARSE',
    fields: [],
    says: 'line 12, column 23: Plain value cannot start with directive indicator character %',
  },
  // Like Kubernetes, a value that is not a percentage counts as 0 for the both-zero rule too.
  'quoted-percent-typo.yaml': {
    code: 'BATON_INVALID',
    fields: ['spec.strategy.rollingUpdate.maxUnavailable', 'spec.strategy.rollingUpdate.maxUnavailable'],
    says: `Invalid value: "%25": must be an integer or percentage (e.g '5%')`,
  },
  'tab-indent.yaml': {
    code: 'BATON_MANIFEST_PARSE',
    fields: [],
    says: 'line 4, column 1: Tabs are not allowed as indentation',
  },
  'misspelt-fields.yaml': {
    code: 'BATON_INVALID',
    fields: [
      'spec.template.spec.containers[0].ports[0].containerPort',
      'spec.template.spec.containers[0].ports[0].containerport',
      'spec.template.spec.containers[0].imagePullPolice',
      'spec.replica',
    ],
    says: 'unknown field "spec.template.spec.containers[0].ports[0].containerport"',
  },
  'zero-surge-zero-unavailable.yaml': {
    code: 'BATON_INVALID',
    fields: ['spec.strategy.rollingUpdate.maxUnavailable'],
    says: 'may not be 0 when `maxSurge` is 0',
  },
  'statefulset.yaml': {
    code: 'BATON_INVALID',
    fields: ['spec.template.metadata.labels'],
    says: '`selector` does not match template `labels`',
  },
  'unknown-kind.yaml': {
    code: 'BATON_UNKNOWN_KIND',
    fields: [],
    says: 'no matches for kind "Deployment" in version "extensions/v1beta1"',
  },
}

describe('invalid manifest files', () => {
  const dir = new URL('../../test/fixtures/invalid/', import.meta.url).pathname
  it('has an expectation for every fixture file', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(FILE_CASES).sort())
  })
  it.each(Object.entries(FILE_CASES))('%s', async (file, want) => {
    let err: unknown
    try {
      for (const obj of await loadManifests(dir + file)) validateObject(obj)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(BatonError)
    const be = err as BatonError
    expect(be.code).toBe(want.code)
    expect(be.causes.map((c) => c.field)).toEqual(want.fields)
    expect([be.message, ...be.causes.map((c) => c.message)].join('\n')).toContain(want.says)
    expect(be.hint).toBeTruthy()
  })
})
