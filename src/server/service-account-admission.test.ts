import { beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { createApiApp } from './app.ts'
import { errorOf } from '../../test/support/status-body.ts'

const TOKEN = 't'
let store: ObjectStore
let app: ReturnType<typeof createApiApp>

beforeEach(() => {
  const clock = new FakeClock()
  store = createMemoryStore({ clock, ids: sequentialIds() })
  app = createApiApp({ store, token: TOKEN, clock, version: '0' })
})

const post = (path: string, body: unknown) =>
  app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

const deployment = (serviceAccountName: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { serviceAccountName, containers: [{ name: 'web', image: 'web:v1', command: ['run'] }] },
    },
  },
})

describe("a pod template's serviceAccountName", () => {
  it('is refused, and nothing stored, until the ServiceAccount exists; then accepted', async () => {
    const refused = await post('/apis/apps/v1/namespaces/default/deployments', deployment('web-sa'))
    expect(refused.status).toBe(422)
    const err = await errorOf(refused)
    expect(err).toMatchObject({ code: 'BATON_INVALID', reason: 'Invalid' })
    expect(err.causes).toEqual([
      expect.objectContaining({
        field: 'spec.template.spec.serviceAccountName',
        message: 'Forbidden: error looking up service account default/web-sa: serviceaccount "web-sa" not found',
      }),
    ])
    expect(err.hint).toContain('kubectl create serviceaccount web-sa')
    expect(store.get('Deployment', 'default', 'web')).toBeUndefined()

    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web-sa' } }
    expect((await post('/api/v1/namespaces/default/serviceaccounts', sa)).status).toBe(201)
    expect((await post('/apis/apps/v1/namespaces/default/deployments', deployment('web-sa'))).status).toBe(201)
    expect(store.get('Deployment', 'default', 'web')?.spec.template.spec.serviceAccountName).toBe('web-sa')
  })
})
