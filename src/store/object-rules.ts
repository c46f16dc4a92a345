/**
 * @module
 * The API server's object rules, as pure functions shared by every store implementation:
 * what create stamps, what update and updateStatus may change, when generation moves, and how
 * a delete proceeds (mark with a deletionTimestamp, or remove). store-engine.ts applies them.
 */
import { matchesSelector, parseSelector } from '../api/labels.ts'
import type { AnyObject, LabelSelector, ObjectMeta, Pod } from '../api/types.ts'

import type { DeleteOptions } from './types.ts'
import { formatTimestamp } from '../api/timestamps.ts'
import { isClusterScoped } from '../api/resources.ts'

export const DEFAULT_NAMESPACE = 'default'

/** The namespace an object is stored under: its own (default `default`), or '' for a cluster-scoped kind. */
export function storedNamespace(obj: AnyObject): string {
  return isClusterScoped(obj.kind) ? '' : obj.metadata.namespace || DEFAULT_NAMESPACE
}
/** A Pod's grace period when neither the delete nor spec.terminationGracePeriodSeconds sets one. */
export const DEFAULT_POD_GRACE_SECONDS = 30
/**
 * Kubernetes' finalizer for orphaning deletes: when an object deleted with propagationPolicy
 * Orphan cannot be removed at once, the store adds it, and handles it itself on removal (it
 * strips the object's uid from its dependents instead of deleting them).
 */
export const ORPHAN_FINALIZER = 'orphan'

/**
 * Kubernetes' finalizer for foreground deletion: the object waits, marked, until its dependents
 * with blockOwnerDeletion are removed; the store removes the finalizer then (store-engine.ts).
 */
export const FOREGROUND_FINALIZER = 'foregroundDeletion'

/** How a removal treats dependents; Foreground has done its work before the owner is removed. */
type Propagation = 'Background' | 'Orphan'

/** Deep equality of JSON values, where a property set to undefined counts as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((v, i) => jsonEqual(v, b[i]))
  }
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  let count = 0
  for (const k in ra) {
    if (ra[k] === undefined) continue
    count++
    if (!jsonEqual(ra[k], rb[k])) return false
  }
  for (const k in rb) if (rb[k] !== undefined) count--
  return count === 0
}

/**
 * Whether the desired state differs: everything but metadata and status (for a Deployment its
 * spec; for a ConfigMap its data). This is what bumps metadata.generation.
 */
export function specChanged(a: AnyObject, b: AnyObject): boolean {
  const skip = new Set(['apiVersion', 'kind', 'metadata', 'status'])
  const strip = (o: AnyObject) => Object.fromEntries(Object.entries(o).filter(([k]) => !skip.has(k)))
  return !jsonEqual(strip(a), strip(b))
}

/** Metadata with the server-owned fields from `system` and the user-owned ones from `user`. */
function composeMeta(system: ObjectMeta, user: ObjectMeta): ObjectMeta {
  const m: ObjectMeta = {
    name: system.name,
    namespace: system.namespace,
    uid: system.uid,
    resourceVersion: system.resourceVersion,
    generation: system.generation,
    creationTimestamp: system.creationTimestamp,
    deletionTimestamp: system.deletionTimestamp,
    deletionGracePeriodSeconds: system.deletionGracePeriodSeconds,
    labels: user.labels,
    annotations: user.annotations,
    ownerReferences: user.ownerReferences,
    finalizers: user.finalizers,
    managedFields: user.managedFields,
  }
  for (const k of Object.keys(m) as (keyof ObjectMeta)[]) if (m[k] === undefined) delete m[k]
  return m
}

/** The object as create stores it: server fields assigned, caller's system fields dropped. */
export function stampCreated<T extends AnyObject>(obj: T, uid: string, now: number): T {
  const system: ObjectMeta = {
    name: obj.metadata.name,
    ...(isClusterScoped(obj.kind) ? {} : { namespace: storedNamespace(obj) }),
    uid,
    resourceVersion: '', // a placeholder keeping the field's place: the engine assigns it as it writes
    generation: 1,
    creationTimestamp: formatTimestamp(now),
  }
  return { ...obj, metadata: composeMeta(system, obj.metadata) }
}

/**
 * update: the caller's spec and user metadata (labels, annotations, ownerReferences,
 * finalizers) over the stored object; status and server fields stay. `changed` is false for
 * a no-op update, which the store does not write (no new resourceVersion, no event).
 */
export function mergeUpdate<T extends AnyObject>(current: T, incoming: T): { next: T; changed: boolean } {
  const bump = specChanged(current, incoming)
  const system = { ...current.metadata, generation: (current.metadata.generation ?? 1) + (bump ? 1 : 0) }
  // An update that leaves managedFields out keeps them, as kube-apiserver's field manager does.
  const user = { managedFields: current.metadata.managedFields, ...stripUndefined(incoming.metadata) }
  const next = { ...incoming, metadata: composeMeta(system, user) } as T & { status?: unknown }
  if ('status' in current) next.status = current.status
  else delete next.status
  return { next, changed: bump || !jsonEqual(current.metadata, next.metadata) }
}

function stripUndefined(m: ObjectMeta): ObjectMeta {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as ObjectMeta
}

/** updateStatus: only status is taken from the caller. */
export function mergeStatus<T extends AnyObject>(current: T, incoming: T): { next: T; changed: boolean } {
  const status = (incoming as { status?: unknown }).status
  const changed = !jsonEqual((current as { status?: unknown }).status, status)
  return { next: { ...current, metadata: { ...current.metadata }, status }, changed }
}

function pendingFinalizers(obj: AnyObject): string[] {
  // A Namespace's spec.finalizers hold it too (the namespace controller's `kubernetes`).
  const spec = obj.kind === 'Namespace' ? (obj.spec?.finalizers ?? []) : []
  return [...(obj.metadata.finalizers ?? []).filter((f) => f !== ORPHAN_FINALIZER), ...spec]
}

/** A Pod on a node has processes to stop: it terminates gracefully before it is removed. */
function isBoundPod(obj: AnyObject): obj is Pod {
  return obj.kind === 'Pod' && !!obj.spec.nodeName
}

/**
 * A marked object goes away once no finalizer but the store's own `orphan` is left and no
 * grace period is pending (the node agent ends a Pod's by deleting it with 0).
 */
export function isReadyToRemove(obj: AnyObject): boolean {
  const m = obj.metadata
  return !!m.deletionTimestamp && pendingFinalizers(obj).length === 0 && !((m.deletionGracePeriodSeconds ?? 0) > 0)
}

/** How a removal treats dependents: as the delete asked, remembered by the orphan finalizer. */
export function removalPolicy(obj: AnyObject, requested?: Propagation): Propagation {
  return requested ?? (obj.metadata.finalizers?.includes(ORPHAN_FINALIZER) ? 'Orphan' : 'Background')
}

export type DeletionStep<T> =
  | { action: 'remove'; policy: Propagation; last: T }
  | { action: 'mark'; next: T }
  | { action: 'none' }

/**
 * What a delete does to `current`. Worked example, Pod on a node with
 * terminationGracePeriodSeconds 10, deleted at 12:00:00:
 *   delete()                      -> mark: deletionTimestamp 12:00:10, deletionGracePeriodSeconds 10
 *   delete() again                -> none (already terminating with a grace period no longer)
 *   delete({gracePeriodSeconds:0}) -> remove (the node agent, once the containers stopped)
 * The deletionTimestamp of a graceful delete is when the grace period ends, as in Kubernetes;
 * for finalizer waits it is the time of the delete.
 */
export function planDeletion<T extends AnyObject>(current: T, opts: DeleteOptions, now: number): DeletionStep<T> {
  const m = current.metadata
  const requested = opts.gracePeriodSeconds === undefined ? undefined : Math.max(0, Math.floor(opts.gracePeriodSeconds))
  const mark = (grace: number, finalizers: string[] | undefined): DeletionStep<T> => {
    const next = {
      ...current,
      metadata: {
        ...m,
        deletionTimestamp: formatTimestamp(now + grace * 1000),
        deletionGracePeriodSeconds: grace,
        ...(finalizers ? { finalizers } : {}),
      },
      // A Namespace being deleted says so in its phase, as kube-apiserver's registry sets it.
      ...(current.kind === 'Namespace' ? { status: { ...current.status, phase: 'Terminating' } } : {}),
    }
    return isReadyToRemove(next)
      ? { action: 'remove', policy: removalPolicy(next), last: next }
      : { action: 'mark', next }
  }
  if (m.deletionTimestamp) {
    // Already terminating: a delete can only shorten a pending grace period.
    const pending = m.deletionGracePeriodSeconds ?? 0
    if (requested === undefined || requested >= pending) return { action: 'none' }
    return mark(requested, undefined)
  }
  const grace = isBoundPod(current)
    ? (requested ?? current.spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS)
    : 0
  const policy = opts.propagationPolicy ?? 'Background'
  if (grace === 0 && pendingFinalizers(current).length === 0 && policy !== 'Foreground') {
    return { action: 'remove', policy, last: current }
  }
  const finalizer = policy === 'Orphan' ? ORPHAN_FINALIZER : policy === 'Foreground' ? FOREGROUND_FINALIZER : undefined
  const add = finalizer !== undefined && !m.finalizers?.includes(finalizer)
  return mark(grace, add ? [...(m.finalizers ?? []), finalizer] : undefined)
}

/** `obj` without `finalizer` (the field is dropped when none is left). */
export function withoutFinalizer<T extends AnyObject>(obj: T, finalizer: string): T {
  const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer)
  const metadata: ObjectMeta = { ...obj.metadata, finalizers }
  if (finalizers.length === 0) delete metadata.finalizers
  return { ...obj, metadata }
}

/** The distinct owner uids, in reference order: the keys of the owner index. */
export function ownerUids(obj: AnyObject): string[] {
  return [...new Set((obj.metadata.ownerReferences ?? []).map((r) => r.uid))]
}

/** `obj` without ownerReferences to the given uids (the field is dropped when none is left). */
export function withoutOwners<T extends AnyObject>(obj: T, uids: ReadonlySet<string>): T {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid))
  const metadata: ObjectMeta = { ...obj.metadata, ownerReferences: refs }
  if (refs.length === 0) delete metadata.ownerReferences
  return { ...obj, metadata }
}

export type LabelFilter = (labels: Record<string, string> | undefined) => boolean

/** Compiles a list/watch label selector (object or kubectl string) into a predicate. */
export function labelFilter(sel: LabelSelector | string | undefined): LabelFilter {
  if (sel === undefined) return () => true
  const selector = typeof sel === 'string' ? parseSelector(sel) : sel
  return (labels) => matchesSelector(selector, labels)
}
