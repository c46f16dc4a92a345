/**
 * @module
 * The in-memory ObjectStore: the same engine as the SQLite store over MemoryBackend's Maps,
 * for controller tests and simulations.
 */
import { createStore, type StoreOptions } from '../store-engine.ts'
import type { ObjectStore } from '../types.ts'
import { MemoryBackend } from './memory-backend.ts'

/**
 * @example
 * const store = createMemoryStore({ clock: new FakeClock(), ids: sequentialIds() })
 * store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: {} })
 */
export function createMemoryStore(opts: StoreOptions): ObjectStore {
  return createStore(new MemoryBackend(), opts)
}
