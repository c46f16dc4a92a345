/**
 * The durability test's writer (run as a child process): opens the store at argv[2] and makes
 * the scheduled writes in a tight loop, printing "<step> <resourceVersion>" after each write
 * is flushed (committed), with a synchronous write, until killed or argv[3] steps are done.
 */
import { writeSync } from 'node:fs'
import type { ConfigMap } from '../../../api/types.ts'
import { systemClock } from '../../../platform/clock.ts'
import { randomIds } from '../../../platform/ids.ts'
import { openSqliteStore } from '../sqlite-store.ts'
import { stepAt } from './write-schedule.ts'

const [path, max] = process.argv.slice(2)
const store = openSqliteStore(path ?? 'state.db', { clock: systemClock, ids: randomIds, historyLimit: 1000 })
const configMap = (name: string, payload: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'durability' },
  data: { payload },
})

for (let i = 0; i < Number(max ?? 100_000); i++) {
  const s = stepAt(i)
  const written =
    s.op === 'create'
      ? store.create<'ConfigMap'>(configMap(s.name, s.payload))
      : s.op === 'update'
        ? store.update<'ConfigMap'>(configMap(s.name, s.payload))
        : store.delete('ConfigMap', 'durability', s.name)
  store.flush()
  writeSync(1, `${i} ${written.metadata.resourceVersion}\n`)
}
store.close()
