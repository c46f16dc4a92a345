/**
 * The CLI's transport for streamed bodies (stream-upload.ts) against real sockets: the body is
 * read only as fast as the server takes it, the server's answer comes back as a Response, and
 * a failure reads as the shared client expects (fetch's shape for the socket's, itself for the
 * archive's).
 */
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiClient } from '../client/api-client.ts'
import { certificateHosts, ensureCertificates } from '../daemon/certificates.ts'
import { cliTransport } from './stream-upload.ts'
import { trustCertificateAuthority } from './tls-trust.ts'

const MiB = 1024 * 1024

/** `total` bytes in 64 KiB chunks, made only when asked for; `made` says how many so far. */
function lazyBytes(total: number, failAt?: number) {
  const state = { made: 0 }
  const stream = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      if (failAt !== undefined && state.made >= failAt) return this.destroy(new Error('the archive could not be read'))
      if (state.made >= total) return this.push(null)
      const n = Math.min(64 * 1024, total - state.made)
      state.made += n
      this.push(Buffer.alloc(n, 7))
    },
  })
  return { stream, state }
}

const servers: Server[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function listen(s: Server): Promise<string> {
  servers.push(s)
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  return String((s.address() as AddressInfo).port)
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** Counts the bytes the server has read, and answers with their count once the body ends. */
function counting(onFirst?: (req: IncomingMessage) => void): { handler: Handler; received: { bytes: number } } {
  const received = { bytes: 0 }
  return {
    received,
    handler(req, res) {
      req.once('data', () => onFirst?.(req))
      req.on('data', (c: Buffer) => (received.bytes += c.length))
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(received)))
    },
  }
}

function client(server: string) {
  return new ApiClient({ server, token: 't', transport: cliTransport() })
}

describe('a streamed upload', () => {
  it('reads the body only as fast as the server takes it, and returns its answer', async () => {
    // The server pauses after its first chunk: the upload must stall with a few buffers read,
    // not read the 64 MiB ahead into memory.
    let paused: IncomingMessage | undefined
    const { handler, received } = counting((req) => {
      paused = req
      req.pause()
    })
    const port = await listen(createHttpServer(handler))
    const body = lazyBytes(64 * MiB)
    const answer = client(`http://127.0.0.1:${port}`).request('POST', '/up', body.stream as never, 'application/gzip')
    await vi.waitFor(() => expect(paused).toBeDefined(), { timeout: 10_000 })
    // Let every buffer on the way (stream, socket, kernel) fill up, then look.
    await vi.waitFor(
      async () => {
        const before = body.state.made
        await new Promise((r) => setImmediate(r))
        expect(body.state.made).toBe(before)
      },
      { timeout: 10_000 },
    )
    expect(body.state.made).toBeLessThan(16 * MiB)
    paused!.resume()
    const res = await answer
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ bytes: 64 * MiB })
    expect(received.bytes).toBe(64 * MiB)
  })

  it('goes over HTTPS with the CA the CLI trusts, and sends the headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-upload-tls-'))
    dirs.push(dir)
    const tls = await ensureCertificates(dir, certificateHosts('127.0.0.1'), Date.now())
    trustCertificateAuthority(tls.ca)
    let auth: string | undefined
    const { handler } = counting()
    const port = await listen(
      createHttpsServer({ cert: tls.cert, key: tls.key }, (req, res) => {
        auth = `${req.headers.authorization} ${req.headers['content-type']}`
        handler(req, res)
      }),
    )
    const res = await client(`https://127.0.0.1:${port}`).request(
      'POST',
      '/up',
      lazyBytes(3 * MiB).stream as never,
      'application/gzip',
    )
    expect(await res.json()).toEqual({ bytes: 3 * MiB })
    expect(auth).toBe('Bearer t application/gzip')
  }, 60_000)

  it("hands back the server's error when it answers before reading the body", async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' })
        res.end(
          JSON.stringify({ code: 'BATON_TOO_LARGE', message: 'the upload is larger than 1 KiB', hint: 'smaller' }),
        )
      }),
    )
    const err = await client(`http://127.0.0.1:${port}`)
      .request('POST', '/up', lazyBytes(64 * MiB).stream as never, 'application/gzip')
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'BATON_TOO_LARGE', message: 'the upload is larger than 1 KiB' })
  })

  it('names an unreachable daemon as every other request does', async () => {
    const port = await listen(createHttpServer(() => {}))
    servers.pop()!.close()
    const err = await client(`http://127.0.0.1:${port}`)
      .request('POST', '/up', lazyBytes(MiB).stream as never)
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'BATON_DAEMON_UNREACHABLE' })
  })

  it('reports an archive that fails to read as itself, not as the daemon', async () => {
    const { handler } = counting()
    const port = await listen(createHttpServer(handler))
    const body = lazyBytes(8 * MiB, MiB)
    const err = await client(`http://127.0.0.1:${port}`)
      .request('POST', '/up', body.stream as never)
      .catch((e: unknown) => e)
    expect((err as Error).message).toBe('the archive could not be read')
  })
})
