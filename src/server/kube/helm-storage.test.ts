/**
 * What Helm 4's release storage (HELM_DRIVER=secret, the default) asks of the API, in the order
 * it asks: create a release Secret, list by labels, update its status label, delete it with the
 * protobuf DeleteOptions its typed client sends.
 */
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { createApiApp } from '../app.ts'

const TOKEN = 't'
const SECRETS = '/api/v1/namespaces/default/secrets'

function setup() {
  const clock = new FakeClock()
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  const app = createApiApp({ store, token: TOKEN, clock, version: '1' })
  const send = (
    method: string,
    path: string,
    body?: string | Uint8Array<ArrayBuffer>,
    contentType = 'application/json',
  ) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
      ...(body !== undefined ? { body } : {}),
    })
  return { store, send }
}

const release = (version: number, status: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: `sh.helm.release.v1.web.v${version}`,
    labels: { owner: 'helm', name: 'web', status, version: String(version) },
  },
  type: 'helm.sh/release.v1',
  data: { release: 'SDRzSQ==' },
})

/** A protobuf DeleteOptions as client-go writes it: magic, runtime.Unknown{typeMeta{v1, DeleteOptions}, raw}. */
function protobufDeleteOptions(propagationPolicy: string): Uint8Array<ArrayBuffer> {
  const str = (num: number, v: string) => [(num << 3) | 2, v.length, ...new TextEncoder().encode(v)]
  const typeMeta = [...str(1, 'v1'), ...str(2, 'DeleteOptions')]
  const raw = str(4, propagationPolicy)
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0x0a, typeMeta.length, ...typeMeta, 0x12, raw.length, ...raw])
}

describe("Helm's release storage in Secrets", () => {
  it('creates, lists by label, updates and deletes release Secrets', async () => {
    const { send, store } = setup()
    expect((await send('POST', SECRETS, JSON.stringify(release(1, 'deployed')))).status).toBe(201)
    expect((await send('POST', SECRETS, JSON.stringify(release(2, 'pending-upgrade')))).status).toBe(201)
    const other = { ...release(1, 'deployed'), metadata: { name: 'other', labels: { owner: 'someone' } } }
    expect((await send('POST', SECRETS, JSON.stringify(other))).status).toBe(201)

    const listed = (await (await send('GET', `${SECRETS}?labelSelector=owner%3Dhelm%2Cname%3Dweb`)).json()) as {
      kind: string
      items: Array<{ metadata: { name: string }; type: string }>
    }
    expect(listed.kind).toBe('SecretList')
    expect(listed.items.map((s) => s.metadata.name)).toEqual(['sh.helm.release.v1.web.v1', 'sh.helm.release.v1.web.v2'])
    expect(listed.items[0]!.type).toBe('helm.sh/release.v1')

    const superseded = release(1, 'superseded')
    expect((await send('PUT', `${SECRETS}/${superseded.metadata.name}`, JSON.stringify(superseded))).status).toBe(200)
    expect(store.get('Secret', 'default', 'sh.helm.release.v1.web.v1')?.metadata.labels?.status).toBe('superseded')

    const del = await send(
      'DELETE',
      `${SECRETS}/sh.helm.release.v1.web.v1`,
      protobufDeleteOptions('Background'),
      'application/vnd.kubernetes.protobuf',
    )
    expect(del.status).toBe(200)
    expect(store.get('Secret', 'default', 'sh.helm.release.v1.web.v1')).toBeUndefined()
    expect(store.get('Secret', 'default', 'sh.helm.release.v1.web.v2')).toBeDefined()
  })

  it('refuses a protobuf DeleteOptions it cannot read fully (dryRun), deleting nothing', async () => {
    const { send, store } = setup()
    await send('POST', SECRETS, JSON.stringify(release(1, 'deployed')))
    const typeMeta = [
      0x0a,
      2,
      ...new TextEncoder().encode('v1'),
      0x12,
      13,
      ...new TextEncoder().encode('DeleteOptions'),
    ]
    const raw = [0x2a, 3, ...new TextEncoder().encode('All')]
    const body = new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0x0a, typeMeta.length, ...typeMeta, 0x12, raw.length, ...raw])
    const res = await send(
      'DELETE',
      `${SECRETS}/sh.helm.release.v1.web.v1`,
      body,
      'application/vnd.kubernetes.protobuf',
    )
    expect(res.status).toBe(415)
    expect(store.get('Secret', 'default', 'sh.helm.release.v1.web.v1')).toBeDefined()
  })

  it('refuses changing the data of an immutable Secret (422), keeping what is stored', async () => {
    const { send, store } = setup()
    const frozen = { ...release(1, 'deployed'), immutable: true }
    await send('POST', SECRETS, JSON.stringify(frozen))
    const changed = { ...frozen, data: { release: 'eA==' } }
    const res = await send('PUT', `${SECRETS}/${frozen.metadata.name}`, JSON.stringify(changed))
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('field is immutable when `immutable` is set')
    expect(store.get('Secret', 'default', frozen.metadata.name)).toMatchObject({ data: { release: 'SDRzSQ==' } })
  })
})
