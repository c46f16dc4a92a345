import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Service } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { createApiApp } from './app.ts'
import { errorOf } from '../../test/support/status-body.ts'

const TOKEN = 't'
const SERVICES = '/api/v1/namespaces/default/services'
let store: ObjectStore
let app: ReturnType<typeof createApiApp>
let warnings: string[]

beforeEach(() => {
  const clock = new FakeClock()
  store = createMemoryStore({ clock, ids: sequentialIds() })
  warnings = []
  app = createApiApp({
    store,
    token: TOKEN,
    clock,
    version: '0',
    reservedPorts: () => [
      { host: '127.0.0.1', port: 7070, holder: 'the Baton API and dashboard' },
      { host: '127.0.0.1', port: 41000, holder: "the load balancer's control API" },
    ],
    portWarnings: async (svc, previous) =>
      previous === undefined && svc.spec.ports.some((p) => p.port === 9999) ? warnings : [],
  })
})
afterEach(() => store.close())

function service(
  name: string,
  ports: Array<{ port: number; nodePort?: number }>,
  extra: Partial<Service['metadata']> = {},
  type?: 'NodePort',
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...extra },
    spec: {
      selector: { app: name },
      ...(type ? { type } : {}),
      ports: ports.map((p, i) => ({ name: `p${i}`, targetPort: 8080, ...p })),
    },
  }
}
const send = (method: string, path: string, body: unknown, contentType = 'application/json') =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
    body: JSON.stringify(body),
  })

describe('a Service on an address Baton owns is refused at admission', () => {
  beforeEach(async () => {
    expect((await send('POST', SERVICES, service('api', [{ port: 8080 }]))).status).toBe(201)
  })

  it.each([
    {
      name: "another Service's port",
      svc: service('web', [{ port: 8080 }]),
      field: 'spec.ports[0].port',
      says: 'provided port is already allocated: service default/api listens on 127.0.0.1:8080',
    },
    {
      name: "another Service's port, the second port of the list",
      svc: service('web', [{ port: 8081 }, { port: 8080 }]),
      field: 'spec.ports[1].port',
      says: 'service default/api listens on 127.0.0.1:8080',
    },
    {
      name: "another Service's port, on all addresses (0.0.0.0)",
      svc: service('web', [{ port: 8080 }], { annotations: { 'baton.dev/listen-address': '0.0.0.0' } }),
      field: 'spec.ports[0].port',
      says: 'service default/api listens on 127.0.0.1:8080',
    },
    {
      name: "another Service's port, as a nodePort",
      svc: service('web', [{ port: 8082, nodePort: 8080 }], {}, 'NodePort'),
      field: 'spec.ports[0].nodePort',
      says: 'service default/api listens on 127.0.0.1:8080',
    },
    {
      name: "the daemon API's (and the dashboard's) own port",
      svc: service('web', [{ port: 7070 }]),
      field: 'spec.ports[0].port',
      says: 'provided port is already allocated: the Baton API and dashboard listens on 127.0.0.1:7070',
    },
    {
      name: "the load balancer's control port",
      svc: service('web', [{ port: 41000 }]),
      field: 'spec.ports[0].port',
      says: "the load balancer's control API listens on 127.0.0.1:41000",
    },
  ])('$name', async ({ svc, field, says }) => {
    const res = await send('POST', SERVICES, svc)
    expect(res.status).toBe(422)
    const body = await errorOf(res)
    expect(body.code).toBe('BATON_INVALID')
    expect(body.message).toBe('The Service "web" is invalid')
    expect(body.causes).toHaveLength(1)
    expect(body.causes[0]!.field).toBe(field)
    expect(body.causes[0]!.message).toContain(says)
    expect(body.hint).toMatch(/Pick another port/)
    expect(store.get('Service', 'default', 'web')).toBeUndefined()
  })

  it('lets a headless Service (clusterIP: None) share a port: it listens nowhere', async () => {
    const headless = service('web', [{ port: 8080 }])
    expect((await send('POST', SERVICES, { ...headless, spec: { ...headless.spec, clusterIP: 'None' } })).status).toBe(
      201,
    )
  })

  it('through a replace (PUT) or a merge patch, leaving the Service as it was', async () => {
    const created = (await (await send('POST', SERVICES, service('web', [{ port: 8090 }]))).json()) as Service
    const put = await send('PUT', `${SERVICES}/web`, {
      ...created,
      spec: { ...created.spec, ports: [{ name: 'p0', port: 8080, targetPort: 8080 }] },
    })
    expect(put.status).toBe(422)
    const patch = await send(
      'PATCH',
      `${SERVICES}/web`,
      { spec: { ports: [{ name: 'p0', port: 7070, targetPort: 8080 }] } },
      'application/merge-patch+json',
    )
    expect(patch.status).toBe(422)
    expect((await errorOf(patch)).causes[0]!.field).toBe('spec.ports[0].port')
    expect(store.get('Service', 'default', 'web')?.spec).toEqual(created.spec)
  })

  it('but not for the Service itself, another host, or another namespace', async () => {
    const api = store.get('Service', 'default', 'api')!
    expect(
      (await send('PUT', `${SERVICES}/api`, { ...api, metadata: { ...api.metadata, labels: { x: 'y' } } })).status,
    ).toBe(200)
    expect(
      (
        await send(
          'POST',
          SERVICES,
          service('other-host', [{ port: 8080 }], { annotations: { 'baton.dev/listen-address': '127.0.0.2' } }),
        )
      ).status,
    ).toBe(201)
    // Namespaces do not separate addresses on one machine: refused there too.
    expect((await send('POST', '/api/v1/namespaces/team/services', service('web', [{ port: 8080 }]))).status).toBe(422)
  })
})

describe('a port another program holds', () => {
  it('is accepted with a Warning header per problem', async () => {
    warnings = ['service/web: 127.0.0.1:9999 is in use by another program']
    const res = await send('POST', SERVICES, service('web', [{ port: 9999 }]))
    expect(res.status).toBe(201)
    expect(res.headers.get('warning')).toBe('299 - "service/web: 127.0.0.1:9999 is in use by another program"')
  })
})
