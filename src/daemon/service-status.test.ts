import net from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Service } from '../api/types.ts'
import { aService } from '../../test/support/builders.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { silentLogger } from '../platform/logger.ts'
import { desiredRoutes } from './route-sync.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import type { ObjectStore } from '../store/types.ts'
import { bindError, servicePortWarnings } from './port-probe.ts'
import { reportServiceListening } from './service-status.ts'

let clock: FakeClock
let store: ObjectStore
beforeEach(() => {
  clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
  store = createMemoryStore({ clock, ids: sequentialIds() })
})
afterEach(() => store.close())

const svc = (name: string, port: number, createdSecondsAgo = 0): Service => {
  const s = aService({ name, ports: [{ name: 'http', port, targetPort: 8080, protocol: 'TCP' }] })
  delete s.metadata.uid
  return {
    ...s,
    metadata: { ...s.metadata, creationTimestamp: new Date(clock.now() - createdSecondsAgo * 1000).toISOString() },
  }
}
const sync = (failures: Array<{ listen: string; service: string; error: string }> = []) => {
  const table = desiredRoutes(store.list('Service').items, [], [])
  reportServiceListening(store, clock, silentLogger, table, failures)
}
const condition = (name: string) =>
  store.get('Service', 'default', name)?.status?.conditions?.find((c) => c.type === 'Listening')
const warnings = () =>
  store
    .list('Event')
    .items.filter((e) => e.type === 'Warning')
    .map((e) => `${e.involvedObject.name} ${e.reason} x${e.count}: ${e.message}`)

describe('the Listening condition and event of a Service', () => {
  it('is False with a Warning Event while another program holds its port, True once it is free', async () => {
    store.create(svc('web', 8080))
    const inUse = [
      {
        listen: '127.0.0.1:8080',
        service: 'default/web',
        error: 'listen EADDRINUSE: address already in use 127.0.0.1:8080',
      },
    ]
    sync(inUse)
    expect(condition('web')).toMatchObject({
      status: 'False',
      reason: 'PortInUse',
      observedGeneration: 1,
      message: '127.0.0.1:8080 is in use by another program; retried every 10 s',
    })
    expect(warnings()).toEqual(['web PortInUse x1: 127.0.0.1:8080 is in use by another program; retried every 10 s'])
    // The same again (every resync): no write, no new event.
    const rv = store.get('Service', 'default', 'web')!.metadata.resourceVersion
    clock.advance(10_000)
    sync(inUse)
    expect(store.get('Service', 'default', 'web')!.metadata.resourceVersion).toBe(rv)
    expect(warnings()).toHaveLength(1)
    clock.advance(10_000)
    sync([])
    expect(condition('web')).toMatchObject({
      status: 'True',
      reason: 'Listening',
      message: 'listening on 127.0.0.1:8080',
      lastTransitionTime: '2026-01-01T00:00:20Z',
    })
  })

  it("is False with PortConflict for a younger Service on an older one's port (stored before admission refused it)", () => {
    store.create(svc('old', 9090, 60))
    store.create(svc('young', 9090))
    sync()
    expect(condition('old')).toMatchObject({ status: 'True' })
    expect(condition('young')).toMatchObject({
      status: 'False',
      reason: 'PortConflict',
      message: '127.0.0.1:9090 is already used by service default/old',
    })
    expect(warnings()).toEqual(['young PortConflict x1: 127.0.0.1:9090 is already used by service default/old'])
  })
})

describe("a LoadBalancer Service's ingress", () => {
  it('is its listen address once it listens, and goes while it cannot', () => {
    store.create({ ...svc('lb', 8081), spec: { ...svc('lb', 8081).spec, type: 'LoadBalancer' } })
    store.create(svc('plain', 8082))
    const ingress = (name: string) => store.get('Service', 'default', name)?.status?.loadBalancer?.ingress
    sync()
    expect(ingress('lb')).toEqual([{ ip: '127.0.0.1' }])
    expect(ingress('plain')).toBeUndefined()
    sync([{ listen: '127.0.0.1:8081', service: 'default/lb', error: 'listen EADDRINUSE: address already in use' }])
    expect(ingress('lb')).toBeUndefined()
  })
})

describe('the warning at apply for a port another program holds', () => {
  let holder: net.Server
  let port: number
  beforeEach(async () => {
    holder = net.createServer()
    port = await new Promise<number>((r) =>
      holder.listen(0, '127.0.0.1', () => r((holder.address() as net.AddressInfo).port)),
    )
  })
  afterEach(() => new Promise<void>((r) => holder.close(() => r())))

  it('names the field, the address and what to run', async () => {
    expect(await bindError('127.0.0.1', port)).toBe('EADDRINUSE')
    expect(await servicePortWarnings(undefined)(svc('web', port), undefined)).toEqual([
      `service/web: spec.ports[0].port ${port}: 127.0.0.1:${port} is in use by another program; the service will not answer there until that changes (see \`baton describe service web\`)`,
    ])
  })

  it('is not given for a port the Service already had (its own load balancer listener), nor a free one', async () => {
    expect(await servicePortWarnings(undefined)(svc('web', port), svc('web', port))).toEqual([])
    await new Promise<void>((r) => holder.close(() => r()))
    holder = net.createServer()
    expect(await servicePortWarnings(undefined)(svc('web', port), undefined)).toEqual([])
  })
})
