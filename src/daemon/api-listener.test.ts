/**
 * The API's socket (server/listener.ts) with the daemon's certificates: HTTPS for the API,
 * plain HTTP on the same port for the dashboard on loopback and never for the token.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { getCACertificates } from 'node:tls'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trustCertificateAuthority } from '../cli/tls-trust.ts'
import { type ApiListener, listenApi } from '../server/listener.ts'
import { certificateHosts, ensureCertificates, type TlsMaterial } from './certificates.ts'
import { errorOf } from '../../test/support/status-body.ts'

let dir: string
let tls: TlsMaterial
let listener: ApiListener
let port: number
const seen: Array<{ url: string; auth: string | null }> = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-listener-'))
  tls = await ensureCertificates(dir, certificateHosts('127.0.0.1'), Date.now())
  listener = await listenApi({
    host: '127.0.0.1',
    port: 0,
    tls,
    fetch: (req) => {
      seen.push({ url: req.url, auth: req.headers.get('authorization') })
      return new Response('ok')
    },
  })
  port = listener.address().port
  trustCertificateAuthority(tls.ca)
}, 60_000)
afterAll(async () => {
  await listener?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A TLS handshake trusting `ca` only: the error code, or 'ok'. */
function handshake(ca: string | string[]): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca, agent: false }, (res) => {
      res.resume()
      resolve('ok')
    })
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    req.end()
  })
}

describe('the API port', () => {
  it('serves HTTPS to a client that trusts the CA, token and all', async () => {
    const res = await fetch(`https://127.0.0.1:${port}/version`, { headers: { authorization: 'Bearer t' } })
    expect(await res.text()).toBe('ok')
    expect(seen.at(-1)).toEqual({ url: `https://127.0.0.1:${port}/version`, auth: 'Bearer t' })
    expect(await handshake(tls.ca)).toBe('ok')
  })

  it('is refused by a client without the CA', async () => {
    // Node's bundled roots: what a client has that was never given the CA (this process's
    // default trusts it since beforeAll).
    expect(await handshake(getCACertificates('bundled'))).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  })

  it('passes plain HTTP without a token through (the dashboard on this machine)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/ui/`)
    expect(res.status).toBe(200)
    expect(seen.at(-1)).toEqual({ url: `http://127.0.0.1:${port}/ui/`, auth: null })
  })

  it('refuses a token over plain HTTP before the API sees it', async () => {
    const before = seen.length
    const res = await fetch(`http://127.0.0.1:${port}/version`, { headers: { authorization: 'Bearer t' } })
    expect(res.status).toBe(403)
    const body = await errorOf(res)
    expect(body.code).toBe('BATON_TLS_REQUIRED')
    expect(body.hint).toContain(`https://127.0.0.1:${port}`)
    expect(seen.length).toBe(before)
  })

  it('closes a connection that sends nothing', async () => {
    const quiet = await listenApi({
      host: '127.0.0.1',
      port: 0,
      tls,
      fetch: () => new Response('x'),
      firstByteTimeoutMs: 200,
    })
    try {
      const socket = connect(quiet.address().port, '127.0.0.1')
      const closed = new Promise<number>((resolve) => {
        const start = performance.now()
        socket.once('close', () => resolve(performance.now() - start))
      })
      socket.on('error', () => {})
      expect(await closed).toBeLessThan(20_000)
    } finally {
      await quiet.close()
    }
  })

  it('ends open connections on close', async () => {
    const other = await listenApi({ host: '127.0.0.1', port: 0, tls, fetch: () => new Response('x') })
    const url = `https://127.0.0.1:${other.address().port}/`
    expect(await (await fetch(url)).text()).toBe('x')
    await other.close()
    await expect(fetch(url)).rejects.toThrow()
  })
})
