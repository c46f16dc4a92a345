/**
 * @module
 * The API's TLS: a certificate authority and a server certificate it signs, made at the
 * daemon's first start and kept in the data directory (ca.crt, ca.key, server.crt,
 * server.key, each 0600). Later starts reuse them; the server certificate alone is issued
 * again when it no longer covers the addresses the API listens on (another --host), is not
 * the CA's, or has less than 30 days left. The CA is what a client trusts (the kubeconfig
 * carries it), so it changes only when it is missing, damaged or expired.
 *
 * They are made in a child process (certificate-maker.ts): node-forge, which encodes and signs
 * them, would otherwise stay loaded in the daemon for its whole life (about 8 MB of RSS) for
 * what it does once at the first start.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, networkInterfaces } from 'node:os'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { DATA_FILES } from '../platform/env.ts'
import { makeCertificatesApart, type Pair } from './certificate-maker-process.ts'

export interface TlsMaterial {
  /** PEM of the CA certificate: what a client trusts. */
  ca: string
  /** PEM of the server certificate and its private key. */
  cert: string
  key: string
}

const DAY_MS = 86_400_000
/** A server certificate with less left than this is issued again at start. */
const RENEW_BEFORE_MS = 30 * DAY_MS

/** Unspecified bind addresses: the API answers on every interface. */
const ANY = new Set(['0.0.0.0', '::', ''])

/**
 * The names and addresses the server certificate must hold for an API bound to `host`:
 * loopback always (127.0.0.1, ::1, localhost), the bind address, and for 0.0.0.0 / :: the
 * machine's name and every address of its interfaces.
 */
export function certificateHosts(host: string): string[] {
  const hosts = new Set(['127.0.0.1', '::1', 'localhost'])
  if (ANY.has(host)) {
    hosts.add(hostname())
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) hosts.add(a.address.replace(/%.*$/, ''))
  } else {
    hosts.add(host.replace(/^\[|\]$/g, ''))
  }
  return [...hosts]
}

/** The CA and server certificate in `dataDir`, made or renewed as needed (see the module comment). */
export async function ensureCertificates(
  dataDir: string,
  hosts: readonly string[],
  nowMs: number,
): Promise<TlsMaterial> {
  const path = (name: keyof typeof DATA_FILES) => join(dataDir, DATA_FILES[name])
  let ca = readPair(path('caCert'), path('caKey'))
  if (ca && !caUsable(ca.cert, nowMs)) ca = undefined
  let server = ca ? readPair(path('serverCert'), path('serverKey')) : undefined
  if (server && ca && !serverUsable(server.cert, ca.cert, hosts, nowMs)) server = undefined
  if (ca && server) return { ca: ca.cert, cert: server.cert, key: server.key }

  const made = await makeCertificatesApart({ ...(ca ? { ca } : {}), hosts, nowMs })
  if (!ca) {
    ca = made.ca
    writePrivate(path('caKey'), ca.key)
    writePrivate(path('caCert'), ca.cert)
  }
  server = made.server
  writePrivate(path('serverKey'), server.key)
  writePrivate(path('serverCert'), server.cert)
  return { ca: ca.cert, cert: server.cert, key: server.key }
}

function readPair(certFile: string, keyFile: string): Pair | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined
  const pair = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
  try {
    // A certificate whose key is not the one beside it is as good as none.
    return new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key)) ? pair : undefined
  } catch {
    return undefined
  }
}

function caUsable(pem: string, nowMs: number): boolean {
  const c = new X509Certificate(pem)
  return c.ca && Date.parse(c.validTo) > nowMs + RENEW_BEFORE_MS
}

function serverUsable(pem: string, caPem: string, hosts: readonly string[], nowMs: number): boolean {
  const c = new X509Certificate(pem)
  const ca = new X509Certificate(caPem)
  if (!c.checkIssued(ca) || !c.verify(ca.publicKey)) return false
  if (Date.parse(c.validTo) <= nowMs + RENEW_BEFORE_MS) return false
  return hosts.every((h) => (isIP(h) ? c.checkIP(h) !== undefined : c.checkHost(h) !== undefined))
}

/** 0600 from the first byte: the file is created with the mode, and an existing one is closed too. */
function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 })
  chmodSync(file, 0o600)
}
