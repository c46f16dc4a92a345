/**
 * @module
 * The namespace controller's executor: reads the Namespace and what is in it from the store, asks planNamespace, and writes that through the store. A Namespace being
 * deleted is looked at again every NAMESPACE_RESYNC_MS until it is empty, rather than on every
 * change of every kind in it.
 */
import { isClusterScoped, KINDS } from '../../api/resources.ts'
import type { Namespace, ServiceAccount } from '../../api/types.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import type { Controller, ReconcileResult } from '../../reconciler/controller.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { type Content, DEFAULT_SERVICE_ACCOUNT, NAMESPACE_FINALIZER, planNamespace } from './plan.ts'

export const NAMESPACE_CONTROLLER = 'namespace-controller'
/** How often a terminating namespace is checked for what is left in it. */
export const NAMESPACE_RESYNC_MS = 250

const NAMESPACED = KINDS.filter((k) => !isClusterScoped(k))

export function createNamespaceController(deps: ControllerDeps): Controller {
  return {
    name: NAMESPACE_CONTROLLER,
    watches: [
      { kind: 'Namespace', keys: (obj) => [obj.metadata.name] },
      {
        kind: 'ServiceAccount',
        predicate: (ev) => ev.type === 'DELETED' && ev.object.metadata.name === DEFAULT_SERVICE_ACCOUNT,
        keys: (obj) => [obj.metadata.namespace ?? 'default'],
      },
    ],
    reconcile(key) {
      return reconcileNamespace(deps, key)
    },
  }
}

export function reconcileNamespace(deps: ControllerDeps, name: string): ReconcileResult | void {
  // From the store: the cache keys objects by namespace, which a Namespace has none of.
  const ns = deps.store.get('Namespace', '', name) as Namespace | undefined
  const contents: Content[] = ns?.metadata.deletionTimestamp
    ? NAMESPACED.flatMap((kind) =>
        deps.store
          .list(kind, { namespace: name })
          .items.map((o) => ({ kind, name: o.metadata.name, terminating: !!o.metadata.deletionTimestamp })),
      )
    : []
  const hasDefault = deps.store.get('ServiceAccount', name, DEFAULT_SERVICE_ACCOUNT) !== undefined
  const action = planNamespace(ns, contents, hasDefault)
  switch (action.type) {
    case 'createDefaultServiceAccount': {
      const account: ServiceAccount = {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: name },
      }
      ignoring(['BATON_ALREADY_EXISTS'], () => deps.store.create(account))
      return
    }
    case 'delete':
      // An object a cascade removed a moment ago is no failure.
      for (const o of action.objects) ignoring(['BATON_NOT_FOUND'], () => deps.store.delete(o.kind, name, o.name))
      return { requeueAfterMs: NAMESPACE_RESYNC_MS }
    case 'wait':
      return { requeueAfterMs: NAMESPACE_RESYNC_MS }
    case 'finalize': {
      const finalizers = (ns!.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER)
      deps.store.update<'Namespace'>({ ...ns!, spec: { ...ns!.spec, finalizers } })
      return
    }
    case 'none':
      return
  }
}

function ignoring(codes: string[], write: () => unknown): void {
  try {
    write()
  } catch (err) {
    if (!(isBatonError(err) && codes.includes(err.code))) throw err
  }
}
