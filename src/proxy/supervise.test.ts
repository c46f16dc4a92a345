import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../platform/clock.ts'
import { proxyDrainGate } from '../daemon/drain-gate.ts'
import { readProxyFiles } from './proxy-files.ts'
import { adoptProxy, ensureProxy } from './supervise.ts'
import { closeAll, cleanup, freePort, request, route, startBackend } from './testing.ts'

afterEach(closeAll)

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-proxy-'))
  cleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Stops the proxy of `dir` by pid (only ever one this test started). */
function stopProxyOf(dir: string): void {
  cleanup(async () => {
    const files = readProxyFiles(dir)
    if (!files) return
    try {
      process.kill(files.info.pid, 'SIGTERM')
    } catch {
      return
    }
    await expect
      .poll(
        () => {
          try {
            process.kill(files.info.pid, 0)
            return false
          } catch {
            return true
          }
        },
        { timeout: 5_000, interval: 10 },
      )
      .toBe(true)
      .catch(() => process.kill(files.info.pid, 'SIGKILL'))
  })
}

describe('ensureProxy', () => {
  it('starts a proxy process, re-adopts it, and serves traffic through its workers', async () => {
    const dir = tempDataDir()
    stopProxyOf(dir)
    const a = await startBackend('a')
    const client = await ensureProxy(dir)
    const { pid } = await client.ping()
    expect(statSync(join(dir, 'proxy.token')).mode & 0o777).toBe(0o600)
    expect((await ensureProxy(dir)).address).toBe(client.address)
    expect((await (await ensureProxy(dir)).ping()).pid).toBe(pid)

    const port = await freePort()
    await client.setRoutes([route(port, [a.backend('a', 'rev-a')])])
    for (let i = 0; i < 4; i++) expect((await request(`http://127.0.0.1:${port}`)).body).toBe('a')
    const m = await client.metrics()
    expect(m.pid).toBe(pid)
    expect(m.services[0]!.totals.requests).toBe(4)
    expect(m.services[0]!.revisions['rev-a']!.requests).toBe(4)

    // Drain through the DrainGate: out of the table, nothing in flight.
    await client.setRoutes([route(port, [])])
    const gate = proxyDrainGate(client)
    const started = Date.now()
    await gate.waitDrained(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', uid: 'a' }, spec: { containers: [] } },
      Date.now() + 5_000,
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(await client.inflight('a')).toBe(0)
  })

  it('keeps serving after the process that started it dies, and is found again', async () => {
    const dir = tempDataDir()
    stopProxyOf(dir)
    const a = await startBackend('a')
    const port = await freePort()
    // A stand-in daemon: starts the proxy, pushes a table, exits.
    const script = `
      const { ensureProxy } = await import(${JSON.stringify(new URL('./supervise.ts', import.meta.url).href)})
      const c = await ensureProxy(${JSON.stringify(dir)}, { args: ['--workers', '1'] })
      await c.setRoutes(${JSON.stringify([route(port, [a.backend('a')])])})
      process.exit(0)`
    const daemon = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' })
    const code = await new Promise<number | null>((resolve) => daemon.on('exit', resolve))
    expect(code).toBe(0)
    expect((await request(`http://127.0.0.1:${port}`)).body).toBe('a')
    const again = await adoptProxy(dir, systemClock)
    expect(again).toBeDefined()
    expect((await again!.ping()).pid).toBe(readProxyFiles(dir)!.info.pid)
  })

  it('exits once its data directory no longer names it (no orphan holding ports)', async () => {
    const dir = tempDataDir()
    stopProxyOf(dir)
    const client = await ensureProxy(dir, { args: ['--workers', '0', '--ownership-check-ms', '100'] })
    const { pid } = await client.ping()
    rmSync(join(dir, 'proxy.json'))
    await expect
      .poll(
        () => {
          try {
            process.kill(pid, 0)
            return false
          } catch {
            return true
          }
        },
        { timeout: 5_000, interval: 10 },
      )
      .toBe(true)
  })
})
