/**
 * @module
 * The row-level port beneath the ObjectStore. Every Kubernetes rule (CAS, generation, graceful
 * deletion, finalizers, cascading delete, watch) lives once in store-engine.ts; a backend only
 * keeps rows: current objects as JSON text, the bounded change history, and an index from
 * owner uid to dependents. memory/ and sqlite/ implement it.
 *
 * Objects cross this port as JSON text, serialised once per write by the engine: SQLite stores
 * the text as is, and the memory backend keeps text too, so every read parses a fresh copy and
 * no caller can ever hold the store's own object.
 */
import type { Kind } from '../api/types.ts'
import type { WatchEventType } from './types.ts'

export interface ObjectKey {
  kind: Kind
  namespace: string
  name: string
}

export interface ObjectRow extends ObjectKey {
  uid: string
  resourceVersion: number
  json: string
}

export interface ChangeRow extends ObjectKey {
  resourceVersion: number
  type: WatchEventType
  json: string
}

export interface StoreBackend {
  /**
   * Runs `fn` as one atomic write: every put/remove/setOwners/appendChange/pruneChanges inside
   * it commits together, or, when `fn` throws, none does.
   */
  transaction<T>(fn: () => T): T
  read(kind: Kind, namespace: string, name: string): string | undefined
  /** Current objects of one kind, ordered by namespace then name. */
  readAll(kind: Kind, namespace: string | undefined): string[]
  /** Inserts or replaces the row at its key. */
  put(row: ObjectRow): void
  remove(key: ObjectKey): void
  /**
   * Moves `key`'s entries in the owner index from the uids in `before` (as last set) to those
   * in `after`. The engine passes both, so the index needs no lookup by dependent.
   */
  setOwners(key: ObjectKey, before: readonly string[], after: readonly string[]): void
  /** Objects whose ownerReferences name `ownerUid`, ordered by kind, namespace, name. */
  dependents(ownerUid: string): ObjectKey[]
  appendChange(change: ChangeRow): void
  /** Drops history entries at or below `upTo`. */
  pruneChanges(upTo: number): void
  /** Changes with resourceVersion > `after`, oldest first, optionally of one kind only. */
  changesAfter(after: number, kind: Kind | undefined): ChangeRow[]
  /** The oldest resourceVersion still in the history, undefined when it is empty. */
  oldestChange(): number | undefined
  /** The highest resourceVersion ever written (objects and history), 0 for a new store. */
  maxResourceVersion(): number
  close(): void
}
