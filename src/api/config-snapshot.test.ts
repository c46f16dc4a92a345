import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { aConfigMap, aDeployment, submitted, template } from '../../test/support/builders.ts'
import {
  awaitsConfigStamp,
  CONFIG_REFS_ANNOTATION,
  CONFIG_SNAPSHOT_ANNOTATION,
  CONFIG_SNAPSHOT_TYPE,
  configRefs,
  configRolloutErrors,
  decodeSnapshot,
  encodeSnapshot,
  refsAnnotation,
  snapshotEntry,
  takeSnapshot,
} from './config-snapshot.ts'
import type { Container, PodTemplateSpec, Secret } from './types.ts'
import { validateObject } from './validate.ts'

function withContainer(patch: Partial<Container>, annotations?: Record<string, string>): PodTemplateSpec {
  const t = template('web:v1')
  t.spec.containers = [{ ...(t.spec.containers[0] as Container), ...patch }]
  if (annotations) t.metadata = { ...t.metadata, annotations }
  return t
}

describe('configRefs: every ConfigMap and Secret a template reads, sorted, once', () => {
  const cases: Array<{ name: string; container: Partial<Container>; refs: string }> = [
    { name: 'no references', container: { env: [{ name: 'A', value: 'x' }] }, refs: '' },
    {
      name: 'configMapKeyRef and secretKeyRef',
      container: {
        env: [
          { name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'web', key: 'version' } } },
        ],
      },
      refs: 'configmap/web,secret/db',
    },
    {
      name: 'envFrom of both kinds, repeats once',
      container: {
        envFrom: [{ configMapRef: { name: 'web' } }, { secretRef: { name: 'api' }, prefix: 'API_' }],
        env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'web', key: 'v' } } }],
      },
      refs: 'configmap/web,secret/api',
    },
    {
      name: 'fieldRef is not config',
      container: { env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
      refs: '',
    },
  ]
  for (const c of cases) it(c.name, () => expect(refsAnnotation(configRefs(withContainer(c.container)))).toBe(c.refs))

  it('configMap and secret volumes, beside env', () => {
    const t = withContainer({ envFrom: [{ configMapRef: { name: 'web' } }] })
    t.spec.volumes = [
      { name: 'cfg', configMap: { name: 'files' } },
      { name: 'tls', secret: { secretName: 'cert' } },
      { name: 'again', configMap: { name: 'web' } },
      { name: 'scratch', emptyDir: {} },
    ]
    expect(refsAnnotation(configRefs(t))).toBe('configmap/files,configmap/web,secret/cert')
  })
})

describe('awaitsConfigStamp: whether the Deployment controller holds off a new ReplicaSet', () => {
  const reads = { env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'web', key: 'v' } } }] }
  const stamp = { [CONFIG_SNAPSHOT_ANNOTATION]: 'web-config-x', [CONFIG_REFS_ANNOTATION]: 'configmap/web' }
  const cases: Array<{ name: string; t: PodTemplateSpec; deployment?: Record<string, string>; waits: boolean }> = [
    { name: 'no references: never', t: withContainer({}), waits: false },
    { name: 'references, no stamp', t: withContainer(reads), waits: true },
    { name: 'stamped for these references', t: withContainer(reads, stamp), waits: false },
    {
      name: 'stamped for other references',
      t: withContainer(reads, { ...stamp, [CONFIG_REFS_ANNOTATION]: 'configmap/old' }),
      waits: true,
    },
    {
      name: 'opted out',
      t: withContainer(reads),
      deployment: { 'baton.dev/config-rollout': 'false' },
      waits: false,
    },
  ]
  for (const c of cases) it(c.name, () => expect(awaitsConfigStamp(c.deployment, c.t)).toBe(c.waits))
})

describe('snapshots', () => {
  const secret = (name: string, data: Record<string, string>, annotations?: Record<string, string>): Secret => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    data,
  })

  it('hold each reference: data, null when missing, nothing for an object that opted out', () => {
    const cms = new Map([
      ['web', aConfigMap({ name: 'web', data: { version: 'blue' } })],
      [
        'live',
        {
          ...aConfigMap({ name: 'live' }),
          metadata: { name: 'live', annotations: { 'baton.dev/config-rollout': 'false' } },
        },
      ],
    ])
    const snapshot = takeSnapshot(
      [
        { kind: 'configmap', name: 'live' },
        { kind: 'configmap', name: 'web' },
        { kind: 'secret', name: 'gone' },
      ],
      { configMap: (n) => cms.get(n), secret: () => undefined },
    )
    expect(snapshot).toEqual({ 'configmap/web': { data: { version: 'blue' } }, 'secret/gone': null })
    expect(snapshotEntry(snapshot, { kind: 'configmap', name: 'live' })).toBe('live')
    expect(snapshotEntry(snapshot, { kind: 'secret', name: 'gone' })).toBeNull()
  })

  it('round-trip through a Secret (UTF-8 kept), and only a snapshot Secret decodes', () => {
    const snapshot = { 'configmap/web': { data: { greeting: 'grüß dich' } }, 'secret/db': { data: { pw: 'cw==' } } }
    const stored: Secret = { ...secret('web-config-x', encodeSnapshot(snapshot)), type: CONFIG_SNAPSHOT_TYPE }
    expect(decodeSnapshot(stored)).toEqual(snapshot)
    expect(decodeSnapshot({ ...stored, type: 'Opaque' })).toBeUndefined()
    expect(decodeSnapshot({ ...stored, data: { 'snapshot.json': btoa('not json') } })).toBeUndefined()
    expect(decodeSnapshot(undefined)).toBeUndefined()
  })
})

describe('baton.dev/config-rollout is "true" or "false", on a Deployment, a ConfigMap or a Secret', () => {
  const meta = (value: string) => ({ name: 'x', annotations: { 'baton.dev/config-rollout': value } })
  const cases: Array<{ name: string; object: Record<string, unknown>; refused: boolean }> = [
    {
      name: 'ConfigMap "false"',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('false') },
      refused: false,
    },
    { name: 'ConfigMap "no"', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('no') }, refused: true },
    { name: 'Secret "off"', object: { apiVersion: 'v1', kind: 'Secret', metadata: meta('off') }, refused: true },
    { name: 'Secret "true"', object: { apiVersion: 'v1', kind: 'Secret', metadata: meta('true') }, refused: false },
  ]
  for (const c of cases)
    it(c.name, () => {
      if (!c.refused) return void expect(validateObject(c.object).metadata.name).toBe('x')
      const err = expectBatonError(() => validateObject(c.object), 'BATON_INVALID')
      expect(err.causes.map((c) => c.field)).toEqual(['metadata.annotations[baton.dev/config-rollout]'])
    })

  it('a Deployment with another value is refused, naming the annotation', () => {
    const d = aDeployment({ annotations: { 'baton.dev/config-rollout': 'maybe' } })
    const err = expectBatonError(() => validateObject(submitted(d)), 'BATON_INVALID')
    expect(err.causes.map((c) => c.message)).toEqual([expect.stringContaining('Unsupported value: "maybe"')])
    expect(configRolloutErrors({ 'baton.dev/config-rollout': 'false' })).toEqual([])
  })
})
