/**
 * @module
 * `<data-dir>/kubeconfig` (0600): the daemon's server URL, its CA and the token, as context
 * "baton". Written at every start, since the port or the CA may have changed;
 * `KUBECONFIG=<data-dir>/kubeconfig kubectl …` and `baton kubeconfig` use it.
 */
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { daemonKubeconfig } from '../client/kubeconfig.ts'
import { DATA_FILES } from '../platform/env.ts'

/** The URL a client on this machine uses for an API bound to host:port (0.0.0.0 and :: are reached on loopback). */
export function clientServerUrl(scheme: 'https' | 'http', host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`
}

export function writeKubeconfig(
  dataDir: string,
  opts: { server: string; caPem?: string | undefined; token: string },
): string {
  const file = join(dataDir, DATA_FILES.kubeconfig)
  writeFileSync(file, stringify(daemonKubeconfig(opts)), { mode: 0o600 })
  chmodSync(file, 0o600)
  return file
}
