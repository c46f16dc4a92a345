import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { runStoreConformance } from '../store.case.test.ts'
import { createMemoryStore } from './memory-store.ts'

runStoreConformance('memory', (opts) => {
  const clock = opts?.clock ?? new FakeClock()
  const historyLimit = opts?.historyLimit
  return { store: createMemoryStore({ clock, ids: sequentialIds(), ...(historyLimit ? { historyLimit } : {}) }), clock }
})
