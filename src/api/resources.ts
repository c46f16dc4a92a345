/**
 * @module
 * The resource table: for each kind Baton serves, its plural resource name and API group, as
 * the Kubernetes API names them. Errors use the group-qualified name, the way the API server
 * words them (`deployments.apps "web" not found`); URL paths and the CLI use the plural.
 *
 * Extend the rows (short names, printer columns...) here rather than keeping a second table.
 */
import type { Kind } from './types.ts'

export interface ResourceInfo {
  kind: Kind
  /** Lower-case plural, as in URL paths and `kubectl get deployments`. */
  plural: string
  /** API group; '' for the core group (v1). */
  group: string
  /** Lower-case singular, as in `kubectl get deployment web` and `deployment.apps/web`. */
  singular: string
  /** kubectl's short names (`deploy`, `rs`, `po`, `svc`, `ep`, `ev`...). */
  shortNames: readonly string[]
  /** The group's version when it is not v1 (Argo's `argoproj.io/v1alpha1`). */
  version?: string
  /** Discovery's categories: `all` is what `kubectl get all` lists. */
  categories?: readonly string[]
  /** Subresources served beside the object, as discovery lists them. */
  subresources?: readonly Subresource[]
  /** A cluster-scoped kind (Namespace): its objects have no namespace, its paths none. */
  clusterScoped?: true
}

/** A subresource as discovery names it: `scale` answers an autoscaling/v1 Scale. */
export interface Subresource {
  name: 'status' | 'scale' | 'log'
  verbs: readonly string[]
  /** The kind it answers, when not the object's own (Scale is autoscaling/v1). */
  responseKind?: { group: string; version: string; kind: string }
}

const STATUS: Subresource = { name: 'status', verbs: ['get', 'update'] }
const SCALE: Subresource = {
  name: 'scale',
  verbs: ['get', 'patch', 'update'],
  responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
}
const WORKLOAD = { categories: ['all'], subresources: [SCALE, STATUS] } as const

export const RESOURCES: Readonly<Record<Kind, ResourceInfo>> = {
  Deployment: {
    kind: 'Deployment',
    plural: 'deployments',
    group: 'apps',
    singular: 'deployment',
    shortNames: ['deploy'],
    ...WORKLOAD,
  },
  ReplicaSet: {
    kind: 'ReplicaSet',
    plural: 'replicasets',
    group: 'apps',
    singular: 'replicaset',
    shortNames: ['rs'],
    ...WORKLOAD,
  },
  StatefulSet: {
    kind: 'StatefulSet',
    plural: 'statefulsets',
    group: 'apps',
    singular: 'statefulset',
    shortNames: ['sts'],
    ...WORKLOAD,
  },
  ControllerRevision: {
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    group: 'apps',
    singular: 'controllerrevision',
    shortNames: [],
  },
  Pod: {
    kind: 'Pod',
    plural: 'pods',
    group: '',
    singular: 'pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: [STATUS, { name: 'log', verbs: ['get'] }],
  },
  Service: {
    kind: 'Service',
    plural: 'services',
    group: '',
    singular: 'service',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [STATUS],
  },
  Endpoints: { kind: 'Endpoints', plural: 'endpoints', group: '', singular: 'endpoints', shortNames: ['ep'] },
  ConfigMap: { kind: 'ConfigMap', plural: 'configmaps', group: '', singular: 'configmap', shortNames: ['cm'] },
  Secret: { kind: 'Secret', plural: 'secrets', group: '', singular: 'secret', shortNames: [] },
  ServiceAccount: {
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    group: '',
    singular: 'serviceaccount',
    shortNames: ['sa'],
  },
  Event: { kind: 'Event', plural: 'events', group: '', singular: 'event', shortNames: ['ev'] },
  Rollout: {
    kind: 'Rollout',
    plural: 'rollouts',
    group: 'argoproj.io',
    singular: 'rollout',
    shortNames: ['ro'],
    version: 'v1alpha1',
  },
  PersistentVolumeClaim: {
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    group: '',
    singular: 'persistentvolumeclaim',
    shortNames: ['pvc'],
  },
  AnalysisTemplate: {
    kind: 'AnalysisTemplate',
    plural: 'analysistemplates',
    group: 'argoproj.io',
    singular: 'analysistemplate',
    shortNames: [],
    version: 'v1alpha1',
  },
  AnalysisRun: {
    kind: 'AnalysisRun',
    plural: 'analysisruns',
    group: 'argoproj.io',
    singular: 'analysisrun',
    shortNames: [],
    version: 'v1alpha1',
    subresources: [STATUS],
  },
  Namespace: {
    kind: 'Namespace',
    plural: 'namespaces',
    group: '',
    singular: 'namespace',
    shortNames: ['ns'],
    clusterScoped: true,
  },
}

/** Every kind, in the table's order. */
export const KINDS: readonly Kind[] = Object.keys(RESOURCES) as Kind[]

export function isKind(s: string): s is Kind {
  return Object.hasOwn(RESOURCES, s)
}

/**
 * The group-qualified resource name the API server uses in messages.
 *
 * qualifiedResource('Deployment') -> 'deployments.apps'; qualifiedResource('Pod') -> 'pods'
 */
export function qualifiedResource(kind: Kind): string {
  const r = RESOURCES[kind]
  return r.group ? `${r.plural}.${r.group}` : r.plural
}

/** Whether objects of `kind` live outside namespaces (a Namespace itself). */
export function isClusterScoped(kind: Kind): boolean {
  return RESOURCES[kind].clusterScoped === true
}

/** "apps/v1" or "v1": the apiVersion objects of this kind carry. */
export function apiVersionOf(kind: Kind): string {
  const r = RESOURCES[kind]
  return r.group ? `${r.group}/${r.version ?? 'v1'}` : 'v1'
}

/** The kind served at `group`/`plural` in an API path, if any. */
export function kindForPath(group: string, plural: string): Kind | undefined {
  return KINDS.find((k) => RESOURCES[k].group === group && RESOURCES[k].plural === plural)
}

/**
 * The kind a command-line word names: plural, singular, short name or kind, optionally
 * qualified by its group, case-insensitive as in kubectl.
 *
 * kindForName('deploy') -> 'Deployment'; kindForName('deployments.apps') -> 'Deployment';
 * kindForName('svc') -> 'Service'; kindForName('widgets') -> undefined
 */
export function kindForName(word: string): Kind | undefined {
  const lower = word.toLowerCase()
  const dot = lower.indexOf('.')
  const name = dot === -1 ? lower : lower.slice(0, dot)
  const group = dot === -1 ? undefined : lower.slice(dot + 1).replace(/\/v1(alpha1)?$|^v1$/, '')
  return KINDS.find((k) => {
    const r = RESOURCES[k]
    const named = r.plural === name || r.singular === name || k.toLowerCase() === name || r.shortNames.includes(name)
    return named && (group === undefined || group === r.group)
  })
}

/** "deployment.apps" or "pod": the TYPE in kubectl's `TYPE/name` output. */
export function qualifiedSingular(kind: Kind): string {
  const r = RESOURCES[kind]
  return r.group ? `${r.singular}.${r.group}` : r.singular
}

/**
 * The API path of a collection or an object; across all namespaces without `namespace`.
 *
 * resourcePath('Deployment', 'default', 'web') -> '/apis/apps/v1/namespaces/default/deployments/web'
 * resourcePath('Pod') -> '/api/v1/pods'
 */
export function resourcePath(kind: Kind, namespace?: string, name?: string): string {
  const r = RESOURCES[kind]
  const base = r.group ? `/apis/${r.group}/${r.version ?? 'v1'}` : '/api/v1'
  const ns = namespace === undefined || r.clusterScoped ? '' : `/namespaces/${encodeURIComponent(namespace)}`
  const tail = name === undefined ? '' : `/${encodeURIComponent(name)}`
  return `${base}${ns}/${r.plural}${tail}`
}
