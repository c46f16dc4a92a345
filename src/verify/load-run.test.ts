import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { runLoad } from './load-run.ts'
import { summarize } from './report.ts'

const servers: http.Server[] = []
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((r) => {
          s.closeAllConnections()
          s.close(r)
        }),
    ),
  )
})

/** A loopback server; `handle` gets the 1-based request number. */
async function serve(
  handle: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<string> {
  let n = 0
  const server = http.createServer((req, res) => handle(++n, req, res))
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

const version = (v: string) => (_n: number, _req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { 'X-App-Version': v })
  res.end(`${v}\n`)
}

describe('runLoad', () => {
  it.each([{ keepAlive: true }, { keepAlive: false }])(
    'sends an open-loop rate of requests and stops at maxRequests (keepAlive $keepAlive)',
    async ({ keepAlive }) => {
      const url = await serve(version('v1'))
      const t0 = Date.now()
      const result = await runLoad({ url, rate: 200, keepAlive, maxRequests: 200, durationMs: 5000 }).done
      const elapsed = Date.now() - t0
      expect(result.stoppedBy).toBe('maxRequests')
      const report = summarize(result)
      expect(report).toMatchObject({ total: 200, ok: 200, failed: 0, versions: { v1: 200 } })
      // 200 requests at 200/s are due over about 1 s; a loaded machine may stretch it.
      expect(elapsed).toBeGreaterThan(900)
      expect(elapsed).toBeLessThan(4000)
      expect(report.latencyMs?.p50).toBeGreaterThan(0)
    },
  )

  it('reads the version from the body when the header is missing', async () => {
    const url = await serve((_n, _req, res) => res.end('v7 extra words\n'))
    const report = summarize(await runLoad({ url, rate: 100, keepAlive: true, maxRequests: 5 }).done)
    expect(report.versions).toEqual({ v7: 5 })
  })

  it('counts resets and 500s as failures, by kind, exactly as the server produced them', async () => {
    const url = await serve((n, _req, res) => {
      if (n % 10 === 0) return res.socket?.destroy()
      if (n % 7 === 0) return res.writeHead(500).end('boom')
      version('v1')(n, _req, res)
    })
    const report = summarize(await runLoad({ url, rate: 200, keepAlive: false, maxRequests: 140 }).done)
    // 140 requests: 14 resets (every 10th), 20 - 2 = 18 errors (every 7th, but 70 and 140 reset).
    expect(report.byKind).toEqual({ ECONNRESET: 14, http_500: 18 })
    expect(report).toMatchObject({ total: 140, ok: 108, failed: 32 })
    expect(report.failures).toHaveLength(20)
    expect(report.failures[0]).toMatchObject({ kind: 'http', detail: 'HTTP 500' })
    expect(report.failures.map((f) => f.atMs)).toEqual([...report.failures.map((f) => f.atMs)].sort((a, b) => a - b))
  })

  it('tells a reset after the answer began (not retryable) from a reset before it', async () => {
    const url = await serve((n, _req, res) => {
      // Odd: reset before any answer byte. Even: a head promising 10 bytes, 2 sent, then a reset.
      if (n % 2 === 1) return res.socket?.destroy()
      res.writeHead(200, { 'Content-Length': '10' })
      res.write('v1')
      setTimeout(() => res.socket?.destroy(), 20)
    })
    const report = summarize(await runLoad({ url, rate: 100, keepAlive: false, maxRequests: 6 }).done)
    expect(report).toMatchObject({ total: 6, failed: 6, midAnswer: 3 })
    expect(Object.values(report.byKind).reduce((a, b) => a + b, 0)).toBe(6)
  })

  it('records timeouts and refused connections', async () => {
    const slow = await serve(() => {})
    const timeouts = summarize(
      await runLoad({ url: slow, rate: 100, keepAlive: false, maxRequests: 3, timeoutMs: 200 }).done,
    )
    expect(timeouts.byKind).toEqual({ timeout: 3 })
    const closed = await serve(version('v1'))
    await new Promise((r) => servers.pop()?.close(r))
    const refused = summarize(await runLoad({ url: closed, rate: 100, keepAlive: true, maxRequests: 3 }).done)
    expect(refused.byKind).toEqual({ ECONNREFUSED: 3 })
  })

  it('stop() ends a long run early and waits for open requests', async () => {
    const url = await serve(version('v1'))
    const run = runLoad({ url, rate: 200, keepAlive: true, durationMs: 60_000 })
    await new Promise((r) => setTimeout(r, 300))
    const result = await run.stop()
    expect(result.stoppedBy).toBe('stop')
    expect(result.records.length).toBeGreaterThan(20)
    expect(result.records.length).toBeLessThan(200)
    expect(result.records.every((r) => r.kind === 'ok')).toBe(true)
  })

  it('ends on abort and on its duration bound', async () => {
    const url = await serve(version('v1'))
    const abort = new AbortController()
    const run = runLoad({ url, rate: 50, keepAlive: true, signal: abort.signal })
    abort.abort()
    expect((await run.done).stoppedBy).toBe('signal')
    const timed = runLoad({ url, rate: 50, keepAlive: true, durationMs: 200, maxRequests: 1000 })
    expect((await timed.done).stoppedBy).toBe('duration')
  })

  it.each([
    { url: 'http://10.0.0.1/', message: 'refusing to send load to "10.0.0.1": only loopback addresses are allowed' },
    {
      url: 'http://example.com/',
      message: 'refusing to send load to "example.com": only loopback addresses are allowed',
    },
    { url: 'https://127.0.0.1/', message: 'cannot send load to "https://127.0.0.1/": only http:// URLs are supported' },
    { url: 'not a url', message: '"not a url" is not a URL' },
  ])('refuses $url', ({ url, message }) => {
    expect(() => runLoad({ url, rate: 10, keepAlive: true })).toThrow(
      expect.objectContaining({ code: 'BATON_USAGE', message }),
    )
  })

  it.each([
    { name: 'rate 0', opts: { rate: 0 } },
    { name: 'rate above the cap', opts: { rate: 1e6 } },
    { name: 'duration above an hour', opts: { rate: 10, durationMs: 2 * 3_600_000 } },
  ])('refuses $name', ({ opts }) => {
    expect(() => runLoad({ url: 'http://127.0.0.1:1/', keepAlive: true, ...opts })).toThrow(
      expect.objectContaining({ code: 'BATON_USAGE' }),
    )
  })
})
