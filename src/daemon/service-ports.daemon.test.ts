/**
 * Service ports against a real daemon (in this process), its real load balancer (a process)
 * and real sockets: the CLI's `apply` is refused for Baton's own port and warned for a port
 * another program holds, which the Service then reports until the port is free.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Service } from '../api/types.ts'
import { type RunResult, runRealCli } from '../cli/testing/harness.ts'
import { silentLogger } from '../platform/logger.ts'
import { readProxyFiles } from '../proxy/proxy-files.ts'
import { startDaemon, type RunningDaemon } from './daemon.ts'

let dataDir: string
let daemon: RunningDaemon
let holder: net.Server
let heldPort: number

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'baton-svc-ports-'))
  holder = net.createServer()
  heldPort = await new Promise<number>((r) =>
    holder.listen(0, '127.0.0.1', () => r((holder.address() as net.AddressInfo).port)),
  )
  daemon = await startDaemon({ dataDir, host: '127.0.0.1', port: 0, logger: silentLogger })
}, 60_000)

afterAll(async () => {
  const lb = readProxyFiles(dataDir)?.info.pid
  await daemon?.stop({ all: true })
  if (lb !== undefined) {
    try {
      process.kill(lb, 'SIGKILL')
    } catch {
      // already gone, as it should be
    }
  }
  await new Promise((r) => (holder.listening ? holder.close(r) : r(undefined)))
  rmSync(dataDir, { recursive: true, force: true })
}, 60_000)

function baton(...argv: string[]): Promise<RunResult> {
  // --data-dir: the CLI trusts the daemon's CA from there.
  return runRealCli([...argv, '--server', daemon.url, '--token', daemon.token, '--data-dir', dataDir])
}

function applyService(name: string, port: number): Promise<{ code: number; out: string; err: string }> {
  const file = join(dataDir, `${name}.yaml`)
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  selector: {app: ${name}}\n  ports: [{name: http, port: ${port}, targetPort: 8080}]\n`,
  )
  return baton('apply', '-f', file)
}

describe('Service ports on a real daemon', () => {
  it("refuses the daemon's own API port (where the dashboard is too)", async () => {
    const apiPort = Number(new URL(daemon.url).port)
    const res = await applyService('onapi', apiPort)
    expect(res.code).toBe(1)
    expect(res.err).toContain(
      `* spec.ports[0].port: Invalid value: ${apiPort}: provided port is already allocated: the Baton API and dashboard listens on 127.0.0.1:${apiPort}\n`,
    )
  })

  it('warns at apply for a port another program holds, reports it on the Service, and recovers when it is free', async () => {
    const res = await applyService('held', heldPort)
    expect(res.code).toBe(0)
    expect(res.out).toBe('service/held created\n')
    expect(res.err).toBe(
      `Warning: service/held: spec.ports[0].port ${heldPort}: 127.0.0.1:${heldPort} is in use by another program; the service will not answer there until that changes (see \`baton describe service held\`)\n`,
    )
    const listening = async () => {
      const svc = JSON.parse((await baton('get', 'service', 'held', '-o', 'json')).out) as Service
      return svc.status?.conditions?.find((c) => c.type === 'Listening')
    }
    await vi.waitFor(async () => expect(await listening()).toMatchObject({ status: 'False', reason: 'PortInUse' }), {
      timeout: 20_000,
      interval: 200,
    })
    const events = await baton('get', 'events')
    expect(events.out).toMatch(
      new RegExp(`Warning +PortInUse +service/held +127\\.0\\.0\\.1:${heldPort} is in use by another program`),
    )
    await new Promise((r) => holder.close(r))
    // The load balancer tries again at its next resync (10 s).
    await vi.waitFor(async () => expect(await listening()).toMatchObject({ status: 'True', reason: 'Listening' }), {
      timeout: 30_000,
      interval: 500,
    })
  }, 60_000)
})
