/**
 * @module
 * What the fleet e2e tests share: a Service port free on every target's loopback address,
 * and the front load balancer's event log read back.
 */
import { readFile } from 'node:fs/promises'
import net from 'node:net'
import { join } from 'node:path'
import type { FrontEvent } from '../../../src/fleet/front.ts'
import { freePort } from './ports.ts'

/** A port free on every one of `hosts` (each target's Service listens on its own address). */
export async function portFreeOnAll(hosts: readonly string[]): Promise<number> {
  for (;;) {
    const port = await freePort()
    const free = await Promise.all(
      hosts.map(
        (host) =>
          new Promise<boolean>((ok) => {
            const s = net.createServer()
            s.once('error', () => ok(false))
            s.listen(port, host, () => s.close(() => ok(true)))
          }),
      ),
    )
    if (free.every(Boolean)) return port
  }
}

/** The front load balancer's events (front-events.log in the fleet's state directory), oldest first. */
export async function frontEvents(stateDir: string): Promise<FrontEvent[]> {
  const text = await readFile(join(stateDir, 'front-events.log'), 'utf8').catch(() => '')
  return text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as FrontEvent)
}
