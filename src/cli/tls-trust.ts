/**
 * @module
 * The CA a kubeconfig or the data directory names, trusted by this process's TLS clients
 * (`fetch` among them) beside the system's roots: a CLI process talks to one API server, so
 * the process-wide default is the simplest place, and every request of the shared client
 * (streams, watches, uploads) goes through `fetch` unchanged.
 */
import { getCACertificates, setDefaultCACertificates } from 'node:tls'

const trusted = new Set<string>()

export function trustCertificateAuthority(pem: string): void {
  if (trusted.has(pem)) return
  trusted.add(pem)
  setDefaultCACertificates([...getCACertificates('default'), pem])
}
