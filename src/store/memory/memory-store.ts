/**
 * @module
 * The in-memory ObjectStore: the same engine as the SQLite store over MemoryBackend's Maps,
 * for controller tests and simulations.
 */
import type { AnyObject } from '../../api/types.ts'
import { createStore, type StoreOptions } from '../store-engine.ts'
import type { ObjectStore } from '../types.ts'
import { MemoryBackend } from './memory-backend.ts'

export interface MemoryStoreOptions extends StoreOptions {
  /**
   * Objects the store starts with, kept as they are (uid, creationTimestamp, generation,
   * resourceVersion, status), as the SQLite store loads its file: a simulation seeded with
   * what the API returns (the rollout preview).
   */
  objects?: readonly AnyObject[]
}

/**
 * @example
 * const store = createMemoryStore({ clock: new FakeClock(), ids: sequentialIds() })
 * store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: {} })
 */
export function createMemoryStore(opts: MemoryStoreOptions): ObjectStore {
  const backend = new MemoryBackend()
  if (opts.objects) backend.load(opts.objects)
  return createStore(backend, opts)
}
