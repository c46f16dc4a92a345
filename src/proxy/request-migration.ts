/**
 * @module
 * Every proxy worker listens with SO_REUSEPORT (proxy/listeners.ts), and a replaced proxy's
 * workers close their listeners once the replacement listens (proxy/hand-over.ts). Linux
 * resets the connections still waiting in a closing reuseport listener's accept queue: a
 * client that connected a moment before gets ECONNRESET (7 of 2,922 requests in one kill of
 * the main process without keep-alive). With net.ipv4.tcp_migrate_req=1 (Linux 5.14) the
 * kernel moves them to another listener of the same group instead, the replacement's.
 *
 * So the proxy turns it on at start when it can, as kube-proxy sets the sysctls its data plane
 * relies on. The setting is per network namespace and only changes what happens to a
 * closing reuseport listener's queue. Without the right (not root), or on an older kernel, the
 * proxy runs as before and says why in its log: a hand-over may then reset a few connections.
 */
import { readFileSync, writeFileSync } from 'node:fs'

export const TCP_MIGRATE_REQ = '/proc/sys/net/ipv4/tcp_migrate_req'

export type RequestMigration = { state: 'on'; changed: boolean } | { state: 'off'; reason: string }

export interface SysctlFile {
  read(path: string): string
  write(path: string, value: string): void
}

const procFile: SysctlFile = {
  read: (path) => readFileSync(path, 'utf8'),
  write: (path, value) => writeFileSync(path, value),
}

/** Turns net.ipv4.tcp_migrate_req on if it is off, and says what it found or why it could not. */
export function enableRequestMigration(path = TCP_MIGRATE_REQ, file: SysctlFile = procFile): RequestMigration {
  let current: string
  try {
    current = file.read(path).trim()
  } catch (err) {
    return { state: 'off', reason: `${path} cannot be read (${codeOf(err)}): the kernel is older than 5.14` }
  }
  if (current === '1') return { state: 'on', changed: false }
  try {
    file.write(path, '1')
  } catch (err) {
    return {
      state: 'off',
      reason: `${path} is ${current} and cannot be set (${codeOf(err)}): run the daemon as root, or set it with sysctl`,
    }
  }
  return { state: 'on', changed: true }
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err)
}
