/**
 * @module
 * The OpenAPI v3 schema of each served kind, generated from the strict zod schema that
 * validates it (api/validate.ts `servedSchema`), so the published schema and what the server
 * accepts cannot drift apart. zod's JSON Schema (target openapi-3.0) is reshaped into the
 * dialect kube-apiserver publishes and `kubectl explain` reads:
 *
 *   anyOf [integer, string]        -> a reference to IntOrString, as kube-apiserver's fields are
 *   {} (any value)                 -> x-kubernetes-preserve-unknown-fields: true
 *   additionalProperties: false    -> dropped (strictness is the server's, see docs/kubectl.md)
 *   integer bounds ±(2^53 - 1)     -> dropped (zod's int(), not a Kubernetes limit)
 *
 * Fields Baton accepts without acting on them, and fields it refuses, keep their place with a
 * description saying so (api/schema-common.ts `ignored` and `unsupported`).
 */
import { z } from 'zod'
import { RESOURCES } from '../../api/resources.ts'
import type { Kind } from '../../api/types.ts'
import { servedSchema } from '../../api/validate.ts'
import { versionOf } from './discovery.ts'

type Schema = Record<string, unknown>

const isRecord = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v)

const SAFE_BOUND = Number.MAX_SAFE_INTEGER

/** kube-apiserver's IntOrString, which `kubectl explain` names by the reference (`<IntOrString>`). */
export const INT_OR_STRING_NAME = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString'
export const INT_OR_STRING = {
  description: 'An integer or a string (a port name, a percentage such as "25%").',
  type: 'string',
  format: 'int-or-string',
}

function isIntOrString(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false
  const types = anyOf.map((s) => (isRecord(s) ? s.type : undefined)).sort()
  return types[0] === 'integer' && types[1] === 'string'
}

/** One schema node (and everything under it) in kube-apiserver's dialect; pure. */
export function toKubeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toKubeSchema)
  if (!isRecord(node)) return node
  const out: Schema = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue
    if (key === 'additionalProperties' && value === false) continue
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === SAFE_BOUND) continue
    if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toKubeSchema(v)]))
      continue
    }
    out[key] = toKubeSchema(value)
  }
  if (isIntOrString(out.anyOf)) {
    delete out.anyOf
    out.$ref = `#/components/schemas/${INT_OR_STRING_NAME}`
  }
  const shaped = ['type', 'anyOf', 'oneOf', 'allOf', '$ref', 'enum']
  if (!shaped.some((k) => k in out)) out['x-kubernetes-preserve-unknown-fields'] = true
  return out
}

/** The schema's name in components.schemas, as kube-apiserver names it (io.k8s.api.apps.v1.Deployment). */
export function schemaName(kind: Kind): string {
  const { group } = RESOURCES[kind]
  const version = versionOf(group)
  if (group === '') return `io.k8s.api.core.${version}.${kind}`
  if (!group.includes('.')) return `io.k8s.api.${group}.${version}.${kind}`
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`
}

const cache = new Map<Kind, Schema | undefined>()

/**
 * The published schema of `kind`, with the group-version-kind extension kubectl looks it up
 * by; undefined for a kind Baton does not serve. Built once per kind.
 */
export function kindSchema(kind: Kind): Schema | undefined {
  if (cache.has(kind)) return cache.get(kind)
  const zodSchema = servedSchema(kind)
  let schema: Schema | undefined
  if (zodSchema) {
    const json = z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' })
    const { group } = RESOURCES[kind]
    schema = {
      ...(toKubeSchema(json) as Schema),
      description: `${kind} as Baton serves it: a field not listed here is refused, and fields marked "Accepted for compatibility" have no effect on one machine.`,
      'x-kubernetes-group-version-kind': [{ group, kind, version: versionOf(group) }],
    }
  }
  cache.set(kind, schema)
  return schema
}
