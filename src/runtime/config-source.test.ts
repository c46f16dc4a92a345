import { describe, expect, it } from 'vitest'
import { aConfigMap, aPod } from '../../test/support/builders.ts'
import { CONFIG_SNAPSHOT_ANNOTATION, CONFIG_SNAPSHOT_TYPE, encodeSnapshot } from '../api/config-snapshot.ts'
import type { Pod } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { podConfigSource } from './config-source.ts'

describe('podConfigSource: a revision reads the data of its snapshot', () => {
  const store = createMemoryStore({ clock: new FakeClock(), ids: sequentialIds() })
  store.create<'ConfigMap'>(aConfigMap({ name: 'web-config', data: { version: 'green' } }))
  store.create<'ConfigMap'>(aConfigMap({ name: 'flags', data: { beta: 'on' } }))
  store.create<'Secret'>({
    apiVersion: 'v1',
    kind: 'Secret',
    type: CONFIG_SNAPSHOT_TYPE,
    metadata: { name: 'web-config-b', namespace: 'default' },
    data: encodeSnapshot({ 'configmap/web-config': { data: { version: 'blue' } }, 'secret/db': null }),
  })
  const pod = (snapshot?: string): Pod => {
    const p = aPod({ name: 'web-1' })
    if (snapshot) p.metadata.annotations = { [CONFIG_SNAPSHOT_ANNOTATION]: snapshot }
    return p
  }
  const cases: Array<{ name: string; snapshot?: string; cm: string; expected: Record<string, string> | undefined }> = [
    {
      name: 'the snapshot wins over the live object',
      snapshot: 'web-config-b',
      cm: 'web-config',
      expected: { version: 'blue' },
    },
    { name: 'not in the snapshot (opted out): live', snapshot: 'web-config-b', cm: 'flags', expected: { beta: 'on' } },
    { name: 'no snapshot named: live', cm: 'web-config', expected: { version: 'green' } },
    {
      name: 'the named snapshot is gone: live',
      snapshot: 'web-config-gone',
      cm: 'web-config',
      expected: { version: 'green' },
    },
  ]
  for (const c of cases)
    it(c.name, () =>
      expect(podConfigSource(store, () => pod(c.snapshot)).configMap('default', c.cm)?.data).toEqual(c.expected),
    )

  it('an object the snapshot recorded as missing stays missing', () => {
    store.create<'Secret'>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'default' },
      data: {},
    })
    expect(podConfigSource(store, () => pod('web-config-b')).secret('default', 'db')).toBeUndefined()
  })
})
