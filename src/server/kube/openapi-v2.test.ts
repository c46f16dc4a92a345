import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { errorOf } from '../../../test/support/status-body.ts'
import { createApiApp } from '../app.ts'
import { groupVersionDocument } from './openapi.ts'
import { QUANTITY_NAME, swaggerDocument, toSwaggerSchema } from './openapi-v2.ts'

const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf'

function app() {
  const clock = new FakeClock()
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  const api = createApiApp({ store, token: 't', clock, version: '1' })
  return (accept?: string) =>
    api.request('/openapi/v2', { headers: { authorization: 'Bearer t', ...(accept ? { accept } : {}) } })
}

/** Every $ref in a document, and whether each names a definition it holds. */
function refs(doc: { definitions: Record<string, unknown> }): Array<[string, boolean]> {
  const found: Array<[string, boolean]> = []
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk)
    if (!n || typeof n !== 'object') return
    for (const [k, v] of Object.entries(n)) {
      if (k === '$ref' && typeof v === 'string') found.push([v, v.replace('#/definitions/', '') in doc.definitions])
      else walk(v)
    }
  }
  walk(doc)
  return found
}

describe('/openapi/v2', () => {
  it('holds the same kinds as /openapi/v3, as Swagger 2.0 definitions whose references all resolve', () => {
    const doc = swaggerDocument()
    expect(doc.swagger).toBe('2.0')
    const v3 = Object.keys(groupVersionDocument('apps').components.schemas)
    for (const name of v3) expect(doc.definitions).toHaveProperty([name])
    expect(doc.definitions).toHaveProperty(['io.k8s.api.core.v1.Namespace'])
    expect(doc.paths).toHaveProperty(['/api/v1/namespaces/{name}'])
    expect(doc.paths).toHaveProperty(['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'])
    const all = refs(doc)
    expect(all.length).toBeGreaterThan(0)
    expect(all.filter(([, ok]) => !ok)).toEqual([])
    expect(JSON.stringify(doc)).not.toMatch(/components\/schemas|"anyOf"|"oneOf"/)
  })

  it('turns a quantity (string or number) into the Quantity reference', () => {
    expect(toSwaggerSchema({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      $ref: `#/definitions/${QUANTITY_NAME}`,
    })
  })

  it('answers JSON, and 406 to a protobuf-only Accept (what client-go sends)', async () => {
    const get = app()
    for (const accept of [undefined, 'application/json', `${PROTOBUF_V2}, application/json`]) {
      const res = await get(accept)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { swagger: string }).swagger).toBe('2.0')
    }
    const refused = await get(PROTOBUF_V2)
    expect(refused.status).toBe(406)
    expect(await errorOf(refused)).toMatchObject({ reason: 'NotAcceptable' })
  })
})
