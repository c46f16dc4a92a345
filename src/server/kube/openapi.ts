/**
 * @module
 * `/openapi/v3` as far as `kubectl apply` needs it: before validating a manifest on the client,
 * kubectl asks whether the server validates fields itself, by looking for a `fieldValidation`
 * query parameter on the PATCH operation of the manifest's kind in the group version's document
 * (k8s.io/cli-runtime's queryParamVerifierV3). Baton validates every field it is sent (and
 * refuses those it does not honour), so each served kind's PATCH says so, and kubectl leaves
 * validation to the server. The documents carry no schemas: `kubectl explain` is not served
 * (docs/kubectl.md).
 *
 *   GET /openapi/v3                    {paths: {'api/v1': {serverRelativeURL}, 'apis/apps/v1': …}}
 *   GET /openapi/v3/apis/apps/v1       {openapi: '3.0.0', paths: {'/apis/apps/v1/namespaces/{namespace}/deployments/{name}': {patch}}}
 */
import type { Hono } from 'hono'
import { KINDS, RESOURCES } from '../../api/resources.ts'
import { GROUPS, versionOf } from './discovery.ts'
import { KUBE_MAJOR, KUBE_MINOR } from './version.ts'

const gvPath = (group: string) => (group ? `apis/${group}/${versionOf(group)}` : 'api/v1')

/** The query parameters every write takes (object-routes.ts honours each). */
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}))

export function openApiRoot(version: string) {
  const paths: Record<string, { serverRelativeURL: string }> = {}
  for (const g of GROUPS) paths[gvPath(g)] = { serverRelativeURL: `/openapi/v3/${gvPath(g)}?hash=baton-${version}` }
  return { paths }
}

export function groupVersionDocument(group: string) {
  const paths: Record<string, unknown> = {}
  for (const kind of KINDS) {
    const r = RESOURCES[kind]
    if (r.group !== group) continue
    const gvk = { group, version: versionOf(group), kind }
    const op = (action: string, parameters: unknown[]) => ({
      operationId: `${action}${kind}`,
      parameters,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    })
    paths[`/${gvPath(group)}/namespaces/{namespace}/${r.plural}/{name}`] = {
      get: op('get', []),
      put: op('put', WRITE_PARAMS),
      patch: op('patch', [
        ...WRITE_PARAMS,
        { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
      ]),
      delete: op('delete', [{ name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } }]),
    }
    paths[`/${gvPath(group)}/namespaces/{namespace}/${r.plural}`] = {
      get: op('list', []),
      post: op('post', WRITE_PARAMS),
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `v${KUBE_MAJOR}.${KUBE_MINOR}.0` },
    paths,
    components: { schemas: {} },
  }
}

export function registerOpenApiRoutes(app: Hono, version: string): void {
  app.get('/openapi/v3', (c) => c.json(openApiRoot(version)))
  for (const g of GROUPS) app.get(`/openapi/v3/${gvPath(g)}`, (c) => c.json(groupVersionDocument(g)))
}
