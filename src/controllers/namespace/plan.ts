/**
 * @module
 * The namespace controller's decisions (pure), as kube-controller-manager's namespace and
 * service-account controllers make them:
 * - an Active Namespace has a ServiceAccount `default` (created when missing, again if deleted);
 * - a Namespace being deleted (deletionTimestamp, phase Terminating) has every object in it
 *   deleted, through the ordinary delete (a Pod stops its containers gracefully, a Deployment
 *   takes its ReplicaSets and their Pods with it); objects already terminating are waited
 *   for; once nothing is left, its `kubernetes` finalizer is removed, and the store removes it.
 */
import type { Kind, Namespace } from '../../api/types.ts'

/** One object in the namespace, as the plan needs it. */
export interface Content {
  kind: Kind
  name: string
  terminating: boolean
}

export type NamespaceAction =
  | { type: 'createDefaultServiceAccount' }
  | { type: 'delete'; objects: Content[] }
  | { type: 'wait'; remaining: number }
  | { type: 'finalize' }
  | { type: 'none' }

export const DEFAULT_SERVICE_ACCOUNT = 'default'
export const NAMESPACE_FINALIZER = 'kubernetes'

export function planNamespace(
  ns: Namespace | undefined,
  contents: readonly Content[],
  hasDefaultAccount: boolean,
): NamespaceAction {
  if (!ns) return { type: 'none' }
  if (!ns.metadata.deletionTimestamp) {
    return hasDefaultAccount ? { type: 'none' } : { type: 'createDefaultServiceAccount' }
  }
  const live = contents.filter((c) => !c.terminating)
  if (live.length > 0) return { type: 'delete', objects: live }
  if (contents.length > 0) return { type: 'wait', remaining: contents.length }
  return (ns.spec?.finalizers ?? []).includes(NAMESPACE_FINALIZER) ? { type: 'finalize' } : { type: 'none' }
}
