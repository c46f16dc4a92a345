import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { expectBatonError } from '../../../test/support/baton-error.ts'
import { KINDS } from '../../api/resources.ts'
import type { Kind } from '../../api/types.ts'
import { validateObject } from '../../api/validate.ts'
import { INT_OR_STRING_NAME, kindSchema, schemaName, toKubeSchema } from './openapi-schemas.ts'
import { groupVersionDocument, openApiRoot } from './openapi.ts'

/** A published schema, walked by property name (an absent one fails the test at its use). */
interface S {
  properties: Record<string, S>
  items: S
  [key: string]: unknown
}
const schemaOf = (kind: Kind) => kindSchema(kind) as unknown as S
const schemasOf = (group: string) =>
  (groupVersionDocument(group) as unknown as { components: { schemas: Record<string, S> } }).components.schemas

const ref = { $ref: `#/components/schemas/${INT_OR_STRING_NAME}` }

describe('toKubeSchema: zod JSON Schema into kube-apiserver dialect', () => {
  const cases: Array<{ name: string; zod: z.ZodType; want: unknown }> = [
    {
      name: 'a strict object keeps its properties, loses additionalProperties: false',
      zod: z.strictObject({ a: z.string() }),
      want: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
    },
    {
      name: 'int-or-string becomes a reference to IntOrString',
      zod: z.union([z.number().int(), z.string()]),
      want: ref,
    },
    {
      name: 'string-or-int in the other order too',
      zod: z.union([z.string(), z.number().int()]),
      want: ref,
    },
    {
      name: "zod's int() bounds are dropped",
      zod: z.number().int(),
      want: { type: 'integer' },
    },
    {
      name: 'any value preserves unknown fields, keeping its description',
      zod: z.unknown().meta({ description: 'why' }),
      want: { description: 'why', 'x-kubernetes-preserve-unknown-fields': true },
    },
    {
      name: 'a map keeps additionalProperties',
      zod: z.record(z.string(), z.string()),
      want: { type: 'object', additionalProperties: { type: 'string' } },
    },
    {
      name: 'an enum stays an enum',
      zod: z.enum(['A', 'B']),
      want: { type: 'string', enum: ['A', 'B'] },
    },
  ]
  it.each(cases)('$name', ({ zod, want }) => {
    expect(toKubeSchema(z.toJSONSchema(zod, { target: 'openapi-3.0' }))).toEqual(want)
  })
})

describe('kindSchema', () => {
  it('publishes the Deployment with its group-version-kind and the strategy fields the validator accepts', () => {
    const s = schemaOf('Deployment')
    expect(s['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }])
    const strategy = s.properties.spec!.properties.strategy!
    expect(Object.keys(strategy.properties)).toEqual(['type', 'rollingUpdate'])
    expect(strategy.properties.type!.enum).toEqual(['Recreate', 'RollingUpdate'])
    expect(strategy.properties.rollingUpdate!.properties.maxSurge).toEqual(ref)
  })

  it('says which fields Baton refuses and which it ignores', () => {
    const containers = schemaOf('Pod').properties.spec!.properties.containers!.items.properties
    expect(containers.livenessProbe!.properties.grpc!.description).toMatch(/^Refused by Baton: /)
    expect(schemaOf('Service').properties.spec!.properties.ipFamilies!.description).toMatch(
      /^Accepted for compatibility/,
    )
  })

  it('names schemas as kube-apiserver does', () => {
    expect([schemaName('Pod'), schemaName('StatefulSet'), schemaName('Rollout')]).toEqual([
      'io.k8s.api.core.v1.Pod',
      'io.k8s.api.apps.v1.StatefulSet',
      'io.argoproj.v1alpha1.Rollout',
    ])
  })

  it('has no schema for a kind that is stored but not served', () => {
    expect(kindSchema('PersistentVolumeClaim')).toBeUndefined()
  })

  // The schema is generated from the validator's: every property it lists for a Deployment's
  // spec is one the validator accepts, and a field it does not list is refused.
  it('lists exactly the fields validation accepts', () => {
    const spec = schemaOf('Deployment').properties.spec!.properties
    const base = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:v1' }] } },
      },
    }
    expect(() => validateObject({ ...base, spec: { ...base.spec, paused: true } })).not.toThrow()
    expect(spec.paused).toEqual({ type: 'boolean' })
    expect(spec.pausd).toBeUndefined()
    const err = expectBatonError(
      () => validateObject({ ...base, spec: { ...base.spec, pausd: true } }),
      'BATON_INVALID',
    )
    expect(err.causes.map((c) => c.message)).toEqual(['unknown field "spec.pausd"'])
  })
})

describe('the group version documents', () => {
  it('carry one schema per served kind of the group, and IntOrString', () => {
    expect(Object.keys(schemasOf('apps')).sort()).toEqual([
      'io.k8s.api.apps.v1.ControllerRevision',
      'io.k8s.api.apps.v1.Deployment',
      'io.k8s.api.apps.v1.ReplicaSet',
      'io.k8s.api.apps.v1.StatefulSet',
      INT_OR_STRING_NAME,
    ])
    const served = KINDS.filter((k) => kindSchema(k) !== undefined)
    const core = Object.keys(schemasOf(''))
    for (const k of served.filter((k) => ['Pod', 'Service', 'ConfigMap'].includes(k))) {
      expect(core).toContain(schemaName(k))
    }
  })

  it('are named in the root by a hash of their content', () => {
    const root = openApiRoot()
    const url = root.paths['apis/apps/v1']!.serverRelativeURL
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/)
    expect(root.paths['api/v1']!.serverRelativeURL.split('hash=')[1]).not.toBe(url.split('hash=')[1])
  })
})
