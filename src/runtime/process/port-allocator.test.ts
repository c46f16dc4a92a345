import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PortAllocator } from './port-allocator.ts'

const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r))
})

describe('PortAllocator', () => {
  it('skips reserved ports and ports something already listens on', async () => {
    const range = { from: 31_000, to: 31_010 }
    const busy = createServer()
    servers.push(busy)
    await new Promise<void>((r) => busy.listen(31_001, '127.0.0.1', r))
    const ports = new PortAllocator(range)
    ports.reserve(31_000)
    expect(await ports.allocate()).toBe(31_002)
    expect(await ports.allocate()).toBe(31_003)
  })

  it('maps every declared port, honouring explicit hostPorts', async () => {
    const ports = new PortAllocator({ from: 31_020, to: 31_030 })
    const got = await ports.allocateFor([
      {
        name: 'web',
        ports: [
          { name: 'http', containerPort: 8080 },
          { containerPort: 9090, hostPort: 31_029 },
        ],
      },
      { name: 'sidecar', ports: [{ containerPort: 8080 }] },
    ])
    expect(got).toEqual([
      { containerName: 'web', name: 'http', containerPort: 8080, hostPort: 31_020 },
      { containerName: 'web', containerPort: 9090, hostPort: 31_029 },
      { containerName: 'sidecar', containerPort: 8080, hostPort: 31_021 },
    ])
  })

  it('fails clearly when the range is exhausted', async () => {
    const ports = new PortAllocator({ from: 31_040, to: 31_041 })
    await ports.allocate()
    await expect(ports.allocate()).rejects.toThrow('no free loopback port in 31040-31040')
  })
})
