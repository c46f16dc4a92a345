/**
 * @module
 * `/openapi/v2`: one Swagger 2.0 document of every served kind, built from the same OpenAPI v3
 * documents `/openapi/v3` serves (openapi.ts, from the zod schemas), so the two cannot differ.
 * The v3 → v2 reshaping is what Swagger 2.0 lacks:
 *
 *   #/components/schemas/X         -> #/definitions/X
 *   anyOf [string, number]         -> a reference to Quantity (a string, as kube-apiserver's v2 has it)
 *   any other anyOf / oneOf        -> x-kubernetes-preserve-unknown-fields: true
 *
 * It is served as JSON only. client-go (kubectl 1.35's `OpenAPISchema`) asks for it in protobuf
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`) and does not retry with JSON;
 * kubectl reads `/openapi/v3` first and asks v2 only when v3 fails, so a protobuf-only request
 * is answered 406 NotAcceptable, as kube-apiserver answers a media type it does not produce.
 */
import type { Context, Hono } from 'hono'
import { BatonError } from '../../errors/baton-error.ts'
import { GROUPS } from './discovery.ts'
import { groupVersionDocument } from './openapi.ts'
import { KUBE_MAJOR, KUBE_MINOR } from './version.ts'

type Schema = Record<string, unknown>
const isRecord = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v)

export const QUANTITY_NAME = 'io.k8s.apimachinery.pkg.api.resource.Quantity'
const QUANTITY = { description: 'A quantity: a number, or a string such as "128Mi" or "500m".', type: 'string' }

function isQuantity(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false
  const types = anyOf.map((s) => (isRecord(s) ? s.type : undefined)).sort()
  return types[0] === 'number' && types[1] === 'string'
}

/** One OpenAPI v3 schema node in Swagger 2.0's terms; pure. */
export function toSwaggerSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toSwaggerSchema)
  if (!isRecord(node)) return node
  const out: Schema = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace('#/components/schemas/', '#/definitions/')
    } else if (key === 'anyOf' || key === 'oneOf') {
      if (isQuantity(value)) out.$ref = `#/definitions/${QUANTITY_NAME}`
      else out['x-kubernetes-preserve-unknown-fields'] = true
    } else if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toSwaggerSchema(v)]))
    } else {
      out[key] = toSwaggerSchema(value)
    }
  }
  return out
}

/** The Swagger 2.0 document: every group version's paths and definitions; pure. */
export function swaggerDocument() {
  const paths: Record<string, unknown> = {}
  const definitions: Record<string, unknown> = { [QUANTITY_NAME]: QUANTITY }
  for (const group of GROUPS) {
    const v3 = groupVersionDocument(group)
    Object.assign(paths, toSwaggerSchema(v3.paths))
    for (const [name, schema] of Object.entries(v3.components.schemas)) definitions[name] = toSwaggerSchema(schema)
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: `v${KUBE_MAJOR}.${KUBE_MINOR}.0` },
    paths,
    definitions,
  }
}

let body: string | undefined

/** Whether the Accept header takes JSON (absent, `*\/*`, `application/*` or `application/json`). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === 'application/json' || type === '*/*' || type === 'application/*')
}

function answer(c: Context): Response {
  if (!acceptsJson(c.req.header('accept'))) {
    throw new BatonError(
      'BATON_BAD_REQUEST',
      `/openapi/v2 is served as application/json only, not ${c.req.header('accept')}`,
      {
        httpStatus: 406,
        hint: 'Ask with Accept: application/json, or read the per-group documents of /openapi/v3',
      },
    )
  }
  body ??= JSON.stringify(swaggerDocument())
  return c.body(body, 200, { 'content-type': 'application/json' })
}

export function registerOpenApiV2Routes(app: Hono): void {
  app.get('/openapi/v2', answer)
}
