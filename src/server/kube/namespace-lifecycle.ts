/**
 * @module
 * kube-apiserver's NamespaceLifecycle admission for the object routes, with Baton's one
 * difference: an object created in a namespace that has no Namespace object creates it
 * (kube-apiserver's NamespaceAutoProvision plugin), so `baton apply -n other` keeps working
 * without `kubectl create namespace other` first.
 *
 * - a create in a namespace being deleted (deletionTimestamp set, phase Terminating) is 403
 *   Forbidden, worded as kube-apiserver words it;
 * - `default`, `kube-system` and `kube-public` cannot be deleted (403 Forbidden), kube-apiserver's
 *   immortal namespaces;
 * - deleting any other Namespace marks it Terminating (the store holds it by its `kubernetes`
 *   finalizer) and the namespace controller (controllers/namespace) deletes what is in it.
 */
import { isClusterScoped, qualifiedResource } from '../../api/resources.ts'
import type { AnyObject, Kind, Namespace } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { ObjectStore } from '../../store/types.ts'

/** The namespace Kubernetes never lets go, and Baton starts with. */
export const DEFAULT_NAMESPACE_NAME = 'default'

/** A new, Active Namespace object as create stores it. */
export function newNamespace(name: string): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }
}

/**
 * Before a create of `obj`: refuses a namespace being deleted, and creates a missing one
 * (not on a dry run). A Namespace being created gets phase Active.
 */
export function admitCreateInNamespace(store: ObjectStore, obj: AnyObject, dryRun: boolean): AnyObject {
  if (obj.kind === 'Namespace') return { ...obj, status: { phase: 'Active' } }
  if (isClusterScoped(obj.kind)) return obj
  const namespace = obj.metadata.namespace || DEFAULT_NAMESPACE_NAME
  const found = store.get('Namespace', '', namespace)
  if (found?.metadata.deletionTimestamp) throw namespaceTerminating(obj.kind, obj.metadata.name, namespace)
  if (!found && !dryRun) ensureNamespace(store, namespace)
  return obj
}

/** Creates the Namespace unless it exists (a concurrent create is no failure). */
export function ensureNamespace(store: ObjectStore, name: string): void {
  if (store.get('Namespace', '', name)) return
  try {
    store.create(newNamespace(name))
  } catch (err) {
    if (!(err instanceof BatonError && err.code === 'BATON_ALREADY_EXISTS')) throw err
  }
}

/**
 * The daemon's start: `default`, and a Namespace for every namespace that holds objects but
 * has none (a data directory written before Namespaces were stored). Events do not count: one
 * recorded about a pod as its namespace went away must not bring the namespace back.
 */
export function ensureNamespaces(store: ObjectStore, kinds: readonly Kind[]): void {
  const names = new Set([DEFAULT_NAMESPACE_NAME])
  for (const kind of kinds) {
    if (isClusterScoped(kind) || kind === 'Event') continue
    for (const o of store.list(kind).items) names.add(o.metadata.namespace || DEFAULT_NAMESPACE_NAME)
  }
  for (const name of names) ensureNamespace(store, name)
}

/**
 * kube-apiserver's immortal namespaces (NamespaceLifecycle's immortalNamespaces). Baton makes
 * only `default`, but a `kube-system` or `kube-public` a user created is kept as Kubernetes
 * keeps it, so manifests and scripts written for a cluster meet the same refusal.
 */
const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set([DEFAULT_NAMESPACE_NAME, 'kube-system', 'kube-public'])

/** Before a delete of an existing object: the immortal namespaces stay. */
export function admitDelete(kind: Kind, name: string): void {
  if (kind !== 'Namespace' || !IMMORTAL_NAMESPACES.has(name)) return
  throw new BatonError(
    'BATON_NAMESPACE_PROTECTED',
    `namespaces "${name}" is forbidden: this namespace may not be deleted`,
    {
      hint: `Delete the objects in it instead, e.g. \`baton delete all --all -n ${name}\``,
      subject: { kind: 'namespaces', name },
    },
  )
}

function namespaceTerminating(kind: Kind, name: string, namespace: string): BatonError {
  const resource = qualifiedResource(kind)
  return new BatonError(
    'BATON_NAMESPACE_TERMINATING',
    `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      hint: `Wait until \`kubectl get namespace ${namespace}\` answers NotFound, then create it again (the namespace is created with it)`,
      subject: {
        kind: resource.split('.')[0]!,
        ...(resource.includes('.') ? { group: resource.slice(resource.indexOf('.') + 1) } : {}),
        name,
      },
    },
  )
}
