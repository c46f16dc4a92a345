/**
 * @module
 * API discovery as kube-apiserver serves it, built from the one resource table
 * (api/resources.ts), so that kubectl finds what Baton serves:
 *
 *   GET /api                 APIVersions, or with an Accept asking for it the aggregated
 *   GET /apis                APIGroupList, or the aggregated APIGroupDiscoveryList (apidiscovery.k8s.io/v2)
 *   GET /api/v1              APIResourceList of the core group
 *   GET /apis/apps           APIGroup
 *   GET /apis/apps/v1        APIResourceList of apps/v1
 *
 * kubectl asks for the aggregated form first (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;
 * as=APIGroupDiscoveryList,…,application/json`) and falls back to the legacy lists when the
 * answer's Content-Type says it got those.
 */
import type { Context, Hono } from 'hono'
import { KINDS, RESOURCES, type ResourceInfo } from '../../api/resources.ts'

/** The verbs every object route serves (object-routes.ts). */
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const

/** Groups in the order /apis lists them; '' is the core group at /api. */
export const GROUPS = ['', 'apps', 'argoproj.io', 'discovery.k8s.io', 'events.k8s.io', 'node.k8s.io'] as const

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'

/** Resources served outside the object routes, listed so `kubectl get componentstatuses` finds them. */
const EXTRA: Record<
  string,
  Array<{ name: string; singular: string; kind: string; shortNames: string[]; verbs: string[]; namespaced?: boolean }>
> = {
  '': [
    {
      name: 'componentstatuses',
      singular: 'componentstatus',
      kind: 'ComponentStatus',
      shortNames: ['cs'],
      verbs: ['get', 'list'],
    },
  ],
  apps: [],
  // The Endpoints as EndpointSlices (endpoint-slices.ts).
  'discovery.k8s.io': [
    {
      name: 'endpointslices',
      singular: 'endpointslice',
      kind: 'EndpointSlice',
      shortNames: [],
      verbs: ['get', 'list', 'watch'],
      namespaced: true,
    },
  ],
  // The core Events in events.k8s.io/v1's shape (events-v1.ts).
  'events.k8s.io': [
    {
      name: 'events',
      singular: 'event',
      kind: 'Event',
      shortNames: ['ev'],
      verbs: ['get', 'list', 'watch'],
      namespaced: true,
    },
  ],
  // The built-in RuntimeClasses (baton-routes.ts).
  'node.k8s.io': [
    { name: 'runtimeclasses', singular: 'runtimeclass', kind: 'RuntimeClass', shortNames: [], verbs: ['get', 'list'] },
  ],
}

/** A kind's verbs: no deletecollection of a cluster-scoped kind (Namespaces), as kube-apiserver. */
const verbsOf = (r: ResourceInfo): string[] => VERBS.filter((v) => !(r.clusterScoped && v === 'deletecollection'))

const rowsOf = (group: string): ResourceInfo[] => KINDS.map((k) => RESOURCES[k]).filter((r) => r.group === group)

/** The one version Baton serves of a group: v1, but Argo's argoproj.io is v1alpha1. */
export const versionOf = (group: string): string => rowsOf(group).find((r) => r.version)?.version ?? 'v1'

const groupVersion = (group: string) => (group ? `${group}/${versionOf(group)}` : 'v1')

/** True when the Accept header asks for aggregated discovery v2 (kubectl ≥ 1.30 does). */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false
  return accept.split(',').some((part) => {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    )
    return (
      params.get('g') === 'apidiscovery.k8s.io' &&
      params.get('v') === 'v2' &&
      params.get('as') === 'APIGroupDiscoveryList'
    )
  })
}

/** The legacy APIResourceList of one group version (`kubectl api-resources` falls back to these). */
export function resourceList(group: string) {
  const resources: Array<Record<string, unknown>> = []
  for (const r of rowsOf(group)) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: !r.clusterScoped,
      kind: r.kind,
      verbs: verbsOf(r),
      ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories?.length ? { categories: [...r.categories] } : {}),
    })
    for (const s of r.subresources ?? []) {
      resources.push({
        name: `${r.plural}/${s.name}`,
        singularName: '',
        namespaced: !r.clusterScoped,
        ...(s.responseKind
          ? { group: s.responseKind.group, version: s.responseKind.version, kind: s.responseKind.kind }
          : { kind: r.kind }),
        verbs: [...s.verbs],
      })
    }
  }
  for (const e of EXTRA[group] ?? []) {
    resources.push({
      name: e.name,
      singularName: e.singular,
      namespaced: e.namespaced ?? false,
      kind: e.kind,
      verbs: e.verbs,
      shortNames: e.shortNames,
    })
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group), resources }
}

function apiGroup(group: string) {
  const version = { groupVersion: groupVersion(group), version: versionOf(group) }
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [version], preferredVersion: version }
}

/** One group of the aggregated discovery document (apidiscovery.k8s.io/v2 APIGroupDiscovery). */
function discoveryGroup(group: string) {
  const resources: Array<Record<string, unknown>> = rowsOf(group).map((r) => ({
    resource: r.plural,
    responseKind: { group, version: versionOf(group), kind: r.kind },
    scope: r.clusterScoped ? 'Cluster' : 'Namespaced',
    singularResource: r.singular,
    verbs: verbsOf(r),
    ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
    ...(r.categories?.length ? { categories: [...r.categories] } : {}),
    ...(r.subresources?.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: s.responseKind ?? { group, version: versionOf(group), kind: r.kind },
            verbs: [...s.verbs],
          })),
        }
      : {}),
  }))
  for (const e of EXTRA[group] ?? []) {
    resources.push({
      resource: e.name,
      responseKind: { group, version: versionOf(group), kind: e.kind },
      scope: e.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: e.singular,
      verbs: e.verbs,
      shortNames: e.shortNames,
    })
  }
  return {
    metadata: { ...(group ? { name: group } : {}), creationTimestamp: null },
    versions: [{ version: versionOf(group), resources, freshness: 'Current' }],
  }
}

/** The aggregated document of /api (the core group) or /apis (every named group). */
export function aggregatedDiscovery(core: boolean) {
  const groups = core ? [''] : GROUPS.filter((g) => g !== '')
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map(discoveryGroup),
  }
}

export function apiVersions(c: Context) {
  const host = c.req.header('host') ?? ''
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  }
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: GROUPS.filter((g) => g !== '')
      .map(apiGroup)
      .map(({ kind, apiVersion, ...g }) => g),
  }
}

function answer(c: Context, core: boolean, legacy: () => unknown): Response {
  if (wantsAggregated(c.req.header('accept'))) {
    return c.body(JSON.stringify(aggregatedDiscovery(core)), 200, { 'content-type': AGGREGATED_CONTENT_TYPE })
  }
  return c.json(legacy())
}

export function registerDiscoveryRoutes(app: Hono): void {
  app.get('/api', (c) => answer(c, true, () => apiVersions(c)))
  app.get('/apis', (c) => answer(c, false, apiGroupList))
  app.get('/api/v1', (c) => c.json(resourceList('')))
  for (const group of GROUPS.filter((g) => g !== '')) {
    app.get(`/apis/${group}`, (c) => c.json(apiGroup(group)))
    app.get(`/apis/${group}/${versionOf(group)}`, (c) => c.json(resourceList(group)))
  }
}
