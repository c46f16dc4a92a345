import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { verify } from './verify.ts'

let server: http.Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r) ?? r(undefined))
})

async function versionServer(state: { version: string }): Promise<string> {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'X-App-Version': state.version })
    res.end(state.version)
  })
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

describe('verify', () => {
  it('keeps load on through the command and the rollout wait, then reports both versions', async () => {
    const state = { version: 'v1' }
    const url = await versionServer(state)
    const order: string[] = []
    const result = await verify({
      url,
      rate: 200,
      keepAlive: true,
      durationMs: 10_000,
      warmupMs: 300,
      // Over a second after the switch to v2: the last one-second bucket then starts after it,
      // however long the command took to start on a loaded machine.
      cooldownMs: 1_200,
      command: [process.execPath, '-e', 'setTimeout(() => process.exit(3), 200)'],
      commandStdio: 'ignore',
      waitForRollout: async () => {
        order.push('rollout wait')
        state.version = 'v2'
        await new Promise((r) => setTimeout(r, 200))
      },
    })
    expect(result.exitCode).toBe(3)
    expect(order).toEqual(['rollout wait'])
    expect(result.load.stoppedBy).toBe('stop')
    expect(result.report.failed).toBe(0)
    expect(Object.keys(result.report.versions)).toEqual(['v1', 'v2'])
    // warmup 300 + command ≥ 200 + wait 200 + cooldown 1200: about two seconds of load at 200/s.
    expect(result.report.total).toBeGreaterThan(300)
    const last = result.report.buckets.at(-1)
    expect(last?.versions).toEqual({ v2: 1 })
  })

  it('reports a command that cannot start, after stopping the load', async () => {
    const url = await versionServer({ version: 'v1' })
    await expect(
      verify({ url, rate: 50, keepAlive: true, warmupMs: 0, cooldownMs: 0, command: ['/nonexistent/baton-cmd'] }),
    ).rejects.toMatchObject({
      code: 'BATON_USAGE',
      message: 'command "/nonexistent/baton-cmd" could not be started: ENOENT',
    })
  })

  it('returns a failed rollout wait with the report instead of losing the report', async () => {
    const url = await versionServer({ version: 'v1' })
    const result = await verify({
      url,
      rate: 50,
      keepAlive: true,
      warmupMs: 50,
      cooldownMs: 0,
      waitForRollout: () => Promise.reject(new Error('progress deadline exceeded')),
    })
    expect(result.exitCode).toBeNull()
    expect((result.rolloutError as Error).message).toBe('progress deadline exceeded')
    expect(result.report.total).toBeGreaterThan(0)
  })

  it('without a command, keeps the load on for the whole --duration', async () => {
    const url = await versionServer({ version: 'v1' })
    const result = await verify({ url, rate: 50, keepAlive: true, durationMs: 3000, warmupMs: 300, cooldownMs: 300 })
    expect(['duration', 'maxRequests']).toContain(result.load.stoppedBy)
    expect(result.report.durationMs).toBeGreaterThanOrEqual(2900)
    expect(result.report.total).toBeGreaterThan(100)
  })
})
