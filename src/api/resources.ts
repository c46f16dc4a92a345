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
}

export const RESOURCES: Readonly<Record<Kind, ResourceInfo>> = {
  Deployment: { kind: 'Deployment', plural: 'deployments', group: 'apps' },
  ReplicaSet: { kind: 'ReplicaSet', plural: 'replicasets', group: 'apps' },
  StatefulSet: { kind: 'StatefulSet', plural: 'statefulsets', group: 'apps' },
  ControllerRevision: { kind: 'ControllerRevision', plural: 'controllerrevisions', group: 'apps' },
  Pod: { kind: 'Pod', plural: 'pods', group: '' },
  Service: { kind: 'Service', plural: 'services', group: '' },
  Endpoints: { kind: 'Endpoints', plural: 'endpoints', group: '' },
  ConfigMap: { kind: 'ConfigMap', plural: 'configmaps', group: '' },
  Event: { kind: 'Event', plural: 'events', group: '' },
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
