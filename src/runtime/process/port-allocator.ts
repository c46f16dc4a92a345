/**
 * @module
 * Loopback ports for pods' containerPorts. Each pod gets its own host port per declared
 * port, so ten replicas of an app declaring containerPort 8080 coexist on one machine.
 *
 * Ports come from a dedicated range below Linux's ephemeral range (32768-60999): a port the
 * kernel hands out for outgoing connections (the load balancer's, for instance) could be in
 * use by a client socket when the app tries to bind it. A candidate is taken only if it binds
 * on 127.0.0.1 right now and is not reserved by another pod; the app binds it moments later
 * (a small race with unrelated programs that this design accepts). Explicit `hostPort`s in
 * the manifest are honoured as given. What a pod's mappings mean to a probe: ../port-mapping.ts.
 */
import { createServer } from 'node:net'
import type { Container } from '../../api/types.ts'
import type { PortMapping } from '../port-mapping.ts'

export interface PortRange {
  from: number
  /** Exclusive. */
  to: number
}

export const DEFAULT_PORT_RANGE: PortRange = { from: 20_000, to: 30_000 }

export class PortAllocator {
  #range: PortRange
  #cursor: number
  #reserved = new Set<number>()

  /** `seed` spreads agents sharing a machine (tests, several data dirs) over the range. */
  constructor(range: PortRange = DEFAULT_PORT_RANGE, seed = 0) {
    this.#range = range
    this.#cursor = range.from + (Math.abs(seed) % (range.to - range.from))
  }

  reserve(port: number): void {
    this.#reserved.add(port)
  }

  release(port: number): void {
    this.#reserved.delete(port)
  }

  /** Host ports for every declared port of `containers`, in declaration order. */
  async allocateFor(containers: readonly Container[]): Promise<PortMapping[]> {
    const out: PortMapping[] = []
    for (const c of containers) {
      for (const p of c.ports ?? []) {
        const hostPort = p.hostPort ?? (await this.allocate())
        this.reserve(hostPort)
        out.push({
          containerName: c.name,
          ...(p.name ? { name: p.name } : {}),
          containerPort: p.containerPort,
          hostPort,
        })
      }
    }
    return out
  }

  async allocate(): Promise<number> {
    const span = this.#range.to - this.#range.from
    for (let i = 0; i < span; i++) {
      const port = this.#cursor
      this.#cursor = this.#cursor + 1 >= this.#range.to ? this.#range.from : this.#cursor + 1
      if (this.#reserved.has(port)) continue
      if (await canBind(port)) {
        this.#reserved.add(port)
        return port
      }
    }
    throw new Error(`no free loopback port in ${this.#range.from}-${this.#range.to - 1}`)
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)))
  })
}
