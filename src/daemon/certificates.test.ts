import { X509Certificate } from 'node:crypto'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isIP } from 'node:net'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { certificateHosts, ensureCertificates } from './certificates.ts'

const NOW = Date.parse('2026-12-03T12:00:00Z')
const DAY = 86_400_000
const LOOPBACK = certificateHosts('127.0.0.1')
const dirs: string[] = []
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-certs-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('ensureCertificates', () => {
  it('makes a CA and a server certificate for loopback, each file 0600', async () => {
    const dir = newDir()
    const tls = await ensureCertificates(dir, LOOPBACK, NOW)
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key'])
      expect((statSync(join(dir, f)).mode & 0o777).toString(8), f).toBe('600')
    const ca = new X509Certificate(tls.ca)
    const cert = new X509Certificate(tls.cert)
    expect(ca.ca).toBe(true)
    expect(cert.ca).toBe(false)
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true)
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(cert.checkIP('::1')).toBe('::1')
    expect(cert.checkHost('localhost')).toBe('localhost')
    expect(cert.checkIP('10.1.2.3')).toBeUndefined()
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1') // serverAuth
    expect(readFileSync(join(dir, 'server.key'), 'utf8')).toBe(tls.key)
  })

  it('makes them in a child process: node-forge never loads into the daemon', async () => {
    await ensureCertificates(newDir(), LOOPBACK, NOW)
    const loaded = Object.keys(createRequire(import.meta.url).cache)
    expect(loaded.filter((f) => f.includes('/node_modules/node-forge/'))).toEqual([])
  })

  it('reuses both on a later start', async () => {
    const dir = newDir()
    const first = await ensureCertificates(dir, LOOPBACK, NOW)
    expect(await ensureCertificates(dir, LOOPBACK, NOW + DAY)).toEqual(first)
  })

  it.each([
    { name: 'a bind address the certificate lacks', hosts: certificateHosts('10.1.2.3'), at: NOW },
    { name: 'less than 30 days left', hosts: LOOPBACK, at: NOW + 340 * DAY },
  ])('issues the server certificate again, under the same CA, for $name', async ({ hosts, at }) => {
    const dir = newDir()
    const first = await ensureCertificates(dir, LOOPBACK, NOW)
    const again = await ensureCertificates(dir, hosts, at)
    expect(again.ca).toBe(first.ca)
    expect(again.cert).not.toBe(first.cert)
    const cert = new X509Certificate(again.cert)
    expect(cert.verify(new X509Certificate(first.ca).publicKey)).toBe(true)
    for (const h of hosts) expect(isIP(h) ? cert.checkIP(h) : cert.checkHost(h)).toBe(h)
  })

  it('makes a new CA when its key does not match its certificate', async () => {
    const dir = newDir()
    const first = await ensureCertificates(dir, LOOPBACK, NOW)
    const other = newDir()
    await ensureCertificates(other, LOOPBACK, NOW)
    copyFileSync(join(other, 'ca.key'), join(dir, 'ca.key'))
    const again = await ensureCertificates(dir, LOOPBACK, NOW)
    expect(again.ca).not.toBe(first.ca)
    expect(new X509Certificate(again.cert).verify(new X509Certificate(again.ca).publicKey)).toBe(true)
  })
})

describe('certificateHosts', () => {
  it.each([
    { host: '127.0.0.1', want: ['127.0.0.1', '::1', 'localhost'] },
    { host: '192.168.1.5', want: ['127.0.0.1', '::1', 'localhost', '192.168.1.5'] },
    { host: '[fd00::5]', want: ['127.0.0.1', '::1', 'localhost', 'fd00::5'] },
  ])('$host: loopback and the bind address', ({ host, want }) => {
    expect(certificateHosts(host)).toEqual(want)
  })
  it('0.0.0.0: also the machine name and its interfaces', () => {
    expect(certificateHosts('0.0.0.0').length).toBeGreaterThan(3)
  })
})

describe('several daemons trusted at once', () => {
  it('a client trusting two daemons’ CAs verifies each server (names and key identifiers tell the CAs apart)', async () => {
    const { createServer } = await import('node:https')
    const { request } = await import('node:https')
    const now = Date.now()
    const [a, b] = await Promise.all([
      ensureCertificates(newDir(), LOOPBACK, now),
      ensureCertificates(newDir(), LOOPBACK, now),
    ])
    expect(new X509Certificate(a!.ca).subject).not.toBe(new X509Certificate(b!.ca).subject)
    // forge writes the name as a PrintableString, which Go (kubectl) refuses to parse with '@' or '_' in it.
    for (const m of [a!, b!])
      expect(new X509Certificate(m.ca).subject).toMatch(/^CN=[A-Za-z0-9 '()+,\-./:=?]+\nO=Baton$/)
    const servers = [a!, b!].map((m) => createServer({ cert: m.cert, key: m.key }, (_q, s) => s.end('ok')))
    try {
      const ports = await Promise.all(
        servers.map(
          (s) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port))),
        ),
      )
      for (const port of ports) {
        const body = await new Promise<string>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, ca: [a!.ca, b!.ca], agent: false }, (res) => {
            res.setEncoding('utf8')
            let text = ''
            res.on('data', (c: string) => (text += c))
            res.on('end', () => resolve(text))
          })
          req.on('error', reject)
          req.end()
        })
        expect(body).toBe('ok')
      }
    } finally {
      for (const s of servers) s.close()
    }
  })
})
