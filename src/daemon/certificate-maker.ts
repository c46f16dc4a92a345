/**
 * @module
 * Makes the API's CA and server certificate (certificates.ts decides when), run as a child
 * process of the daemon (certificate-maker-process.ts): node-forge, which encodes and signs
 * them, is loaded here and ends with this process instead of staying in the daemon's memory.
 *
 * Keys are made by Node's OpenSSL (RSA 2048, which every TLS client takes); node-forge only
 * encodes and signs the certificates.
 *
 *   node src/daemon/certificate-maker.ts < request.json > made.json
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { text } from 'node:stream/consumers'

export interface Pair {
  cert: string
  key: string
}

/** What to make: a server certificate for `hosts`, signed by `ca`, or by a new CA made with it when absent. */
export interface CertificateRequest {
  ca?: Pair
  hosts: readonly string[]
  nowMs: number
}

export interface MadeCertificates {
  ca: Pair
  server: Pair
}

const DAY_MS = 86_400_000
const CA_DAYS = 3650
const SERVER_DAYS = 365

export async function makeCertificates(request: CertificateRequest): Promise<MadeCertificates> {
  const forge = (await import('node-forge')).default
  const ca = request.ca ?? makeCa(forge, request.nowMs)
  return { ca, server: makeServer(forge, ca, request.hosts, request.nowMs) }
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

if (import.meta.main) {
  const made = await makeCertificates(JSON.parse(await text(process.stdin)) as CertificateRequest)
  process.stdout.write(JSON.stringify(made))
}
