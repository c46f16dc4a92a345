/**
 * @module
 * `/openapi/v3` as far as `kubectl apply` needs it: before validating a manifest on the client,
 * kubectl asks whether the server validates fields itself, by looking for a `fieldValidation`
 * query parameter on the PATCH operation of the manifest's kind in the group version's document
 * (k8s.io/cli-runtime's queryParamVerifierV3). Baton validates every field it is sent (and
 * refuses those it does not honour), so each served kind's PATCH says so, and kubectl leaves
 * validation to the server. Each document's components.schemas holds the served kinds' schemas
 * (openapi-schemas.ts), generated from the zod schemas that validate them, which
 * `kubectl explain` reads. The PATCH operations name no request body, so kubectl computes a
 * client-side apply's strategic merge patch from its built-in types (their merge keys) rather
 * than from these schemas (kubectl's gvkSupportsPatchOpenAPIV3).
 *
 *   GET /openapi/v3                    {paths: {'api/v1': {serverRelativeURL}, 'apis/apps/v1': …}}
 *   GET /openapi/v3/apis/apps/v1       {openapi: '3.0.0', paths: {'/apis/apps/v1/namespaces/{namespace}/deployments/{name}': {patch}}}
 */
import { createHash } from 'node:crypto'
import type { Hono } from 'hono'
import { KINDS, RESOURCES } from '../../api/resources.ts'
import { GROUPS, versionOf } from './discovery.ts'
import { INT_OR_STRING, INT_OR_STRING_NAME, kindSchema, schemaName } from './openapi-schemas.ts'
import { KUBE_MAJOR, KUBE_MINOR } from './version.ts'

const gvPath = (group: string) => (group ? `apis/${group}/${versionOf(group)}` : 'api/v1')

/** The query parameters every write takes (object-routes.ts honours each). */
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}))

/** Each group version's document, built once: the schemas do not change while the daemon runs. */
const documents = new Map<string, { body: string; hash: string }>()

function documentOf(group: string): { body: string; hash: string } {
  let doc = documents.get(group)
  if (!doc) {
    const body = JSON.stringify(groupVersionDocument(group))
    // kube-apiserver's hash: clients cache a document by it, so it changes with the content.
    doc = { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() }
    documents.set(group, doc)
  }
  return doc
}

export function openApiRoot() {
  const paths: Record<string, { serverRelativeURL: string }> = {}
  for (const g of GROUPS)
    paths[gvPath(g)] = { serverRelativeURL: `/openapi/v3/${gvPath(g)}?hash=${documentOf(g).hash}` }
  return { paths }
}

export function groupVersionDocument(group: string) {
  const paths: Record<string, unknown> = {}
  const schemas: Record<string, unknown> = { [INT_OR_STRING_NAME]: INT_OR_STRING }
  for (const kind of KINDS) {
    const r = RESOURCES[kind]
    if (r.group !== group) continue
    const schema = kindSchema(kind)
    if (schema) schemas[schemaName(kind)] = schema
    const gvk = { group, version: versionOf(group), kind }
    const op = (action: string, parameters: unknown[]) => ({
      operationId: `${action}${kind}`,
      parameters,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    })
    const scope = r.clusterScoped ? '' : '/namespaces/{namespace}'
    paths[`/${gvPath(group)}${scope}/${r.plural}/{name}`] = {
      get: op('get', []),
      put: op('put', WRITE_PARAMS),
      patch: op('patch', [
        ...WRITE_PARAMS,
        { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
      ]),
      delete: op('delete', [{ name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } }]),
    }
    paths[`/${gvPath(group)}${scope}/${r.plural}`] = {
      get: op('list', []),
      post: op('post', WRITE_PARAMS),
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `v${KUBE_MAJOR}.${KUBE_MINOR}.0` },
    paths,
    components: { schemas },
  }
}

export function registerOpenApiRoutes(app: Hono): void {
  app.get('/openapi/v3', (c) => c.json(openApiRoot()))
  for (const g of GROUPS) {
    app.get(`/openapi/v3/${gvPath(g)}`, (c) => c.body(documentOf(g).body, 200, { 'content-type': 'application/json' }))
  }
}
