/**
 * @module
 * The API's TLS: a certificate authority and a server certificate it signs, made at the
 * daemon's first start and kept in the data directory (ca.crt, ca.key, server.crt,
 * server.key, each 0600). Later starts reuse them; the server certificate alone is issued
 * again when it no longer covers the addresses the API listens on (another --host), is not
 * the CA's, or has less than 30 days left. The CA is what a client trusts (the kubeconfig
 * carries it), so it changes only when it is missing, damaged or expired.
 *
 * Keys are made by Node's OpenSSL (RSA 2048, which every TLS client takes); node-forge only
 * encodes and signs the certificates, and is loaded only when one is made.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, networkInterfaces } from 'node:os'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { DATA_FILES } from '../platform/env.ts'

export interface TlsMaterial {
  /** PEM of the CA certificate: what a client trusts. */
  ca: string
  /** PEM of the server certificate and its private key. */
  cert: string
  key: string
}

const DAY_MS = 86_400_000
const CA_DAYS = 3650
const SERVER_DAYS = 365
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

  const forge = (await import('node-forge')).default
  if (!ca) {
    ca = makeCa(forge, nowMs)
    writePrivate(path('caKey'), ca.key)
    writePrivate(path('caCert'), ca.cert)
  }
  server = makeServer(forge, ca, hosts, nowMs)
  writePrivate(path('serverKey'), server.key)
  writePrivate(path('serverCert'), server.cert)
  return { ca: ca.cert, cert: server.cert, key: server.key }
}

interface Pair {
  cert: string
  key: string
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

type Forge = typeof import('node-forge')

function rsaKeys(forge: Forge) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  })
  return { pem: privateKey, key: forge.pki.privateKeyFromPem(privateKey), pub: forge.pki.publicKeyFromPem(publicKey) }
}

/** A positive 16-byte serial number, as RFC 5280 asks (unique, at most 20 bytes). */
function serial(): string {
  const b = randomBytes(16)
  b[0] = b[0]! & 0x7f
  return b.toString('hex')
}

function validity(cert: import('node-forge').pki.Certificate, nowMs: number, days: number): void {
  // A minute back: a client whose clock runs slightly behind still accepts a new certificate.
  cert.validity.notBefore = new Date(nowMs - 60_000)
  cert.validity.notAfter = new Date(nowMs + days * DAY_MS)
}

/**
 * Each daemon's CA gets a name of its own (`baton-ca-<seconds>-<random>`, in the characters a PrintableString allows, much as the kubelet names
 * its self-signed CA): a client that trusts several daemons' CAs (a fleet's coordinator, a test
 * run) finds the issuer by name and key identifier, and with one shared name OpenSSL could try
 * the wrong CA and fail with "certificate signature failure".
 */
function caSubject(nowMs: number) {
  return [
    { name: 'commonName', value: `baton-ca-${Math.floor(nowMs / 1000)}-${randomBytes(4).toString('hex')}` },
    { name: 'organizationName', value: 'Baton' },
  ]
}

function makeCa(forge: Forge, nowMs: number): Pair {
  const keys = rsaKeys(forge)
  const cert = forge.pki.createCertificate()
  cert.publicKey = keys.pub
  cert.serialNumber = serial()
  validity(cert, nowMs, CA_DAYS)
  const subject = caSubject(nowMs)
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  cert.sign(keys.key, forge.md.sha256.create())
  return { cert: forge.pki.certificateToPem(cert), key: keys.pem }
}

function makeServer(forge: Forge, ca: Pair, hosts: readonly string[], nowMs: number): Pair {
  const keys = rsaKeys(forge)
  const caCert = forge.pki.certificateFromPem(ca.cert)
  const cert = forge.pki.createCertificate()
  cert.publicKey = keys.pub
  cert.serialNumber = serial()
  validity(cert, nowMs, SERVER_DAYS)
  cert.setSubject([
    { name: 'commonName', value: 'baton-apiserver' },
    { name: 'organizationName', value: 'Baton' },
  ])
  cert.setIssuer(caCert.subject.attributes)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      // 2: dNSName, 7: iPAddress (RFC 5280); Go's verifier (kubectl) reads only these, never the CN.
      altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
    { name: 'subjectKeyIdentifier' },
    // Names the CA's key, so a verifier holding several CAs picks this one.
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ])
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create())
  return { cert: forge.pki.certificateToPem(cert), key: keys.pem }
}
