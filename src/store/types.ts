/**
 * @module
 * The ObjectStore port: Kubernetes API-server semantics over one machine's state.
 *
 * Two implementations (store/sqlite, store/memory) pass one conformance suite
 * (store/store.case.test.ts). The port is synchronous: the daemon owns the store in-process
 * and SQLite (node:sqlite) is synchronous, which keeps controllers and simulations
 * deterministic.
 *
 * Semantics, as in Kubernetes:
 * - create assigns uid, creationTimestamp, generation 1 and a resourceVersion (namespace
 *   defaults to "default"; status is kept as given: the API layer decides what users may set);
 *   a name that exists fails with BATON_ALREADY_EXISTS.
 * - resourceVersion is one global, increasing counter (as a decimal string); every write
 *   takes the next value.
 * - update/updateStatus compare-and-swap on metadata.resourceVersion when the caller sets it
 *   (BATON_CONFLICT when stale); update ignores status, updateStatus ignores everything but
 *   status; generation is bumped only when the spec (everything but metadata and status)
 *   changes. An update that changes nothing writes nothing (same resourceVersion, no event).
 *   A caller's metadata.uid that differs from the stored one is a BATON_CONFLICT too.
 * - delete: an object with finalizers, or a Pod bound to a node (spec.nodeName) deleted with
 *   a grace period, only gets metadata.deletionTimestamp (MODIFIED); it is removed when its
 *   finalizers are empty and, for such a Pod, when the node agent deletes it again with
 *   gracePeriodSeconds 0. As in Kubernetes, a graceful delete sets deletionTimestamp to when
 *   the grace period ends (now + deletionGracePeriodSeconds); a finalizer wait sets it to now.
 *   Removal cascades in the background to every object whose ownerReferences name the
 *   removed uid, in the same transaction (propagationPolicy Orphan strips the references
 *   instead; if the object cannot be removed at once it carries the "orphan" finalizer,
 *   which the store itself honours). propagationPolicy Foreground marks an object that has
 *   dependents with the "foregroundDeletion" finalizer and deletes them; the store removes the
 *   finalizer (and so the object) once no dependent with blockOwnerDeletion is left.
 * - watch replays changes after a resourceVersion from a bounded history (BATON_GONE when
 *   older), or, without one (or with "0"), first sends ADDED for every current object; then streams
 *   ADDED/MODIFIED/DELETED live. Handlers run synchronously after the write commits; they
 *   must not throw and should only enqueue work.
 * - Returned objects (from every method and every watch event) are read-only snapshots, deeply
 *   frozen and shared: one object per written version, handed to the writer, every watcher
 *   and, with the memory store, every reader. Mutating one throws a TypeError (ESM code is
 *   strict); to change an object, clone it first: `structuredClone(obj)`, edit the copy, and
 *   pass it to update. Objects passed in are never kept or frozen: the store copies them.
 */
import type { Kind, KindMap, LabelSelector } from '../api/types.ts'

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface WatchEvent<K extends Kind = Kind> {
  type: WatchEventType
  object: KindMap[K]
}

export interface ListOptions {
  /** Omit to list across all namespaces. */
  namespace?: string
  /** A LabelSelector object or kubectl's string form ("app=web,tier!=db"). */
  labelSelector?: LabelSelector | string
}

export interface ListResult<K extends Kind> {
  items: KindMap[K][]
  /** The store's resourceVersion at the time of the list; watch from it to miss nothing. */
  resourceVersion: string
}

export interface DeleteOptions {
  /**
   * Default Background. Foreground: the object stays, marked with the `foregroundDeletion`
   * finalizer, until its dependents with blockOwnerDeletion are gone (they are deleted at once,
   * in the foreground too when they have dependents of their own).
   */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'
  /** For Pods: 0 removes at once (what the node agent does after the containers stop). */
  gracePeriodSeconds?: number
  /** Precondition: delete only if the object is still at this resourceVersion. */
  resourceVersion?: string
}

export interface WatchOptions {
  namespace?: string
  /**
   * Filters each event by the labels the object has in it: an object whose labels stop
   * matching sends no synthetic DELETED (Kubernetes' watch cache does); watch unfiltered and
   * select in the handler when that matters.
   */
  labelSelector?: LabelSelector | string
  resourceVersion?: string
}

export type Unsubscribe = () => void

export interface ObjectStore {
  create<K extends Kind>(obj: KindMap[K]): KindMap[K]
  get<K extends Kind>(kind: K, namespace: string, name: string): KindMap[K] | undefined
  list<K extends Kind>(kind: K, opts?: ListOptions): ListResult<K>
  update<K extends Kind>(obj: KindMap[K]): KindMap[K]
  updateStatus<K extends Kind>(obj: KindMap[K]): KindMap[K]
  /** Returns the object as deleted (or as marked for deletion); BATON_NOT_FOUND if absent. */
  delete<K extends Kind>(kind: K, namespace: string, name: string, opts?: DeleteOptions): KindMap[K]
  /** Watch one kind, or every kind when `kind` is undefined. */
  watch<K extends Kind>(kind: K | undefined, opts: WatchOptions, handler: (ev: WatchEvent<K>) => void): Unsubscribe
  currentResourceVersion(): string
  /**
   * Makes every write so far durable before it returns. A write is applied (readable, watched)
   * when its call returns; the SQLite store commits writes in batches (at the end of the
   * current task, or every COMMIT_EVERY transactions), so whoever tells the outside world that
   * a write happened (the API's response) flushes first. A no-op for the memory store.
   */
  flush(): void
  close(): void
}
