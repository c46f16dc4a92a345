import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebChecks } from './web-checks.ts'

let server: Server
let base: string

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return // never answers: the check's timeout ends it
    res.writeHead(req.url === '/ok' ? 200 : 503, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ ok: req.url === '/ok', header: req.headers['x-check'] ?? null }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** Takes the answer under `key`, asking until it is back. */
async function answerOf(checks: WebChecks, key: string, url: string, timeoutMs = 5000) {
  const check = { url, headers: { 'x-check': 'yes' }, timeoutMs }
  expect(checks.take(key, check)).toBeUndefined()
  return vi.waitFor(
    () => {
      const a = checks.take(key, check)
      if (a === undefined) throw new Error('not yet')
      return a
    },
    { timeout: 10_000, interval: 20 },
  )
}

describe('WebChecks (a real GET on loopback)', () => {
  it('hands out the status and body once, with the headers sent', async () => {
    const checks = new WebChecks()
    expect(await answerOf(checks, 'a', `${base}/ok`)).toEqual({ status: 200, body: '{"ok":true,"header":"yes"}' })
    // Taken: the same key starts a new request.
    expect(checks.take('a', { url: `${base}/ok`, headers: {}, timeoutMs: 1000 })).toBeUndefined()
  })

  it('a non-2xx answer is handed out as it is', async () => {
    expect(await answerOf(new WebChecks(), 'b', `${base}/down`)).toMatchObject({ status: 503 })
  })

  it('a request that outlives its timeout, or a refused connection, answers an error', async () => {
    expect(await answerOf(new WebChecks(), 'c', `${base}/slow`, 300)).toEqual({
      error: `GET ${base}/slow: timed out after 0.3s`,
    })
    const refused = await answerOf(new WebChecks(), 'd', 'http://127.0.0.1:1/')
    expect('error' in refused && refused.error).toContain('GET http://127.0.0.1:1/:')
  })
})
