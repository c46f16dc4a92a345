/**
 * The SQLite store answers reads from memory and writes behind to the file: after any mix of
 * writes, cascades, conflicts and rolled-back transactions (which must never reach the
 * file's batch), memory must say what the file says once flushed (a second store opened on
 * the file reads only the file).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { KINDS } from '../../api/resources.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { aConfigMap, aDeployment, aPod, aReplicaSet, submitted } from '../../../test/support/builders.ts'
import { TrippingClock } from '../testing.ts'
import { thrownBatonError } from '../../../test/support/baton-error.ts'
import type { ObjectStore } from '../types.ts'
import { openSqliteStore } from './sqlite-store.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const everything = (store: ObjectStore) => KINDS.flatMap((k) => store.list(k).items)

it('reads from memory exactly what the file holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-copy-'))
  dirs.push(dir)
  const path = join(dir, 'state.db')
  const clock = new TrippingClock()
  const store = openSqliteStore(path, { clock, ids: sequentialIds() })
  const d = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
  const rs = store.create<'ReplicaSet'>(submitted(aReplicaSet({ name: 'web-1', replicas: 1, owner: d })))
  store.create<'Pod'>(submitted(aPod({ name: 'web-1-a', owner: rs, nodeName: 'node' })))
  store.create<'Pod'>(submitted(aPod({ name: 'web-1-b', scheduled: false, owner: rs })))
  store.create<'ConfigMap'>(aConfigMap({ name: 'cfg' }))
  store.create<'Event'>({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e1' },
    involvedObject: { kind: 'Pod', name: 'web-1-a' },
    reason: 'R',
    message: 'm',
    type: 'Normal',
  })
  store.list('Pod') // loads the kind whole: later writes must keep it whole
  store.updateStatus<'Pod'>({ ...store.get<'Pod'>('Pod', 'default', 'web-1-a')!, status: { phase: 'Running' } })
  store.update<'Deployment'>({ ...d, metadata: { ...d.metadata, labels: { team: 'a' } } })
  expect(thrownBatonError(() => store.update<'Deployment'>({ ...d, spec: { ...d.spec, replicas: 9 } }))).toMatchObject({
    code: 'BATON_CONFLICT',
  })
  // The cascade reads the clock for the Deployment, its ReplicaSet and pod a (marked: a bound pod
  // terminates gracefully), then throws at pod b: all of it, pod a's mark included, rolls back.
  clock.trip(3)
  expect(() => store.delete('Deployment', 'default', 'web')).toThrow('clock tripped')
  clock.trip(Number.POSITIVE_INFINITY)
  store.delete('ConfigMap', 'default', 'cfg')
  store.delete('Pod', 'default', 'web-1-b')
  expect(everything(store).length).toBeGreaterThan(3)
  // Another connection reads only what is committed: the store commits its batch on flush
  // (or at the end of the task, which a synchronous test never reaches).
  store.flush()

  const fromFile = openSqliteStore(path, { clock, ids: sequentialIds() })
  try {
    expect(everything(store)).toEqual(everything(fromFile))
    store.delete('Deployment', 'default', 'web') // the cascade marks the bound pod, removes the rest
    store.flush()
    const reread = openSqliteStore(path, { clock, ids: sequentialIds() })
    expect(everything(store)).toEqual(everything(reread))
    reread.close()
  } finally {
    fromFile.close()
    store.close()
  }
})
