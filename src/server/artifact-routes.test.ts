import { errorOf } from '../../test/support/status-body.ts'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aDeployment, aPod, aReplicaSet, submitted } from '../../test/support/builders.ts'
import { openArtifactStore, removeCheckout } from '../artifacts/artifact-store.ts'
import type { ArtifactListItem, ArtifactStore } from '../artifacts/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { createApiApp } from './app.ts'

const TOKEN = 't'
const ARTIFACTS = '/apis/baton.dev/v1/artifacts'
let dir: string
let store: ObjectStore
let artifacts: ArtifactStore
let app: ReturnType<typeof createApiApp>

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-art-routes-'))
  const src = join(dir, 'src')
  mkdirSync(src)
  writeFileSync(join(src, 'server.js'), 'v1')
  const clock = new FakeClock()
  store = createMemoryStore({ clock, ids: sequentialIds() })
  artifacts = openArtifactStore(join(dir, 'store'), { clock })
  for (const ref of ['app:v1', 'app:v2', 'spare:v1']) await artifacts.push(ref, src)
  app = createApiApp({ store, token: TOKEN, clock, version: '0', artifacts })
})
afterEach(async () => {
  store.close()
  await removeCheckout(dir)
})

const send = (method: string, path: string) =>
  app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}` } })

/** Deployment web at app:v2 with its ReplicaSet and a pod; revision 1 (app:v1) scaled to 0. */
function rollout(): void {
  const d = store.create<'Deployment'>(submitted(aDeployment({ image: 'app:v2' })))
  const current = store.create<'ReplicaSet'>(
    submitted(aReplicaSet({ name: 'web-2', replicas: 1, image: 'app:v2', revision: 2, owner: d })),
  )
  store.create(submitted(aReplicaSet({ name: 'web-1', replicas: 0, image: 'app:v1', revision: 1, owner: d })))
  store.create(
    submitted(aPod({ name: 'web-2-a', owner: current, spec: { containers: [{ name: 'app', image: 'app:v2' }] } })),
  )
}

describe('artifact routes', () => {
  it('lists each tag with what uses it and the revisions that name it', async () => {
    rollout()
    const items = ((await (await send('GET', ARTIFACTS)).json()) as { items: ArtifactListItem[] }).items
    expect(items.map((a) => [`${a.name}:${a.tag}`, a.inUse, a.revisions])).toEqual([
      ['app:v1', [], ['web:1']],
      ['app:v2', ['deployment/web', 'replicaset/web-2', 'pod/web-2-a'], ['web:2']],
      ['spare:v1', [], []],
    ])
  })

  it('removes a tag nothing uses (the content stays while another tag names it), and refuses one in use', async () => {
    rollout()
    const removed = await send('DELETE', `${ARTIFACTS}?ref=app:v1`)
    expect(removed.status).toBe(200)
    expect(await removed.json()).toMatchObject({ removed: { name: 'app', tag: 'v1' }, deleted: false })
    const refused = await send('DELETE', `${ARTIFACTS}?ref=app:v2`)
    expect(refused.status).toBe(409)
    expect(await errorOf(refused)).toMatchObject({
      code: 'BATON_ARTIFACT_IN_USE',
      message: 'artifact "app:v2" is in use by deployment/web, replicaset/web-2, pod/web-2-a',
    })
    expect(artifacts.resolve('app:v2')).toBeDefined()
    expect((await send('DELETE', `${ARTIFACTS}?ref=app:v9`)).status).toBe(404)
  })
})
