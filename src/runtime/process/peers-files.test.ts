import { mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Endpoints } from '../../api/types.ts'
import { aService } from '../../../test/support/builders.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { PeersFiles } from './peers-files.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function endpoints(port: number): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [
      {
        addresses: [
          {
            ip: '127.0.0.1',
            hostname: 'web-0',
            targetRef: { kind: 'Pod', name: 'web-0', namespace: 'default', uid: 'u0' },
          },
        ],
        ports: [{ name: 'http', port, protocol: 'TCP' }],
      },
    ],
  }
}

describe('PeersFiles', () => {
  it('writes a headless Service file, rewrites it when its Endpoints change and removes it with the Service', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-peers-'))
    dirs.push(dataDir)
    const clock = new FakeClock()
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    // A file a previous daemon left for a Service that no longer exists.
    mkdirSync(join(dataDir, 'peers', 'default'), { recursive: true })
    writeFileSync(join(dataDir, 'peers', 'default', 'gone.json'), '{}')
    store.create(aService({ name: 'web', clusterIP: 'None' }))
    store.create(aService({ name: 'lb' }))
    store.create(endpoints(30001))
    const files = new PeersFiles({ store, clock, dataDir })
    files.start()
    const path = join(dataDir, 'peers', 'default', 'web.json')
    const ports = () =>
      JSON.parse(readFileSync(path, 'utf8')).members.map((m: { name: string; ports: object }) => [m.name, m.ports])
    expect(ports()).toEqual([['web-0.web', { http: 30001 }]])
    expect(existsSync(join(dataDir, 'peers', 'default', 'lb.json'))).toBe(false)
    expect(existsSync(join(dataDir, 'peers', 'default', 'gone.json'))).toBe(false)

    const ep = store.get('Endpoints', 'default', 'web')!
    store.update({ ...structuredClone(ep), subsets: endpoints(30009).subsets })
    await clock.advance(0)
    expect(ports()).toEqual([['web-0.web', { http: 30009 }]])

    store.delete('Service', 'default', 'web')
    await clock.advance(0)
    expect(existsSync(path)).toBe(false)
    files.stop()
  })
})
