/**
 * @module
 * How a daemon finds the running proxy again: DIR/proxy.json names its pid and control
 * address, DIR/proxy.token holds the control API's bearer token (mode 0600: only the data
 * directory's owner may drive the proxy). Both are written atomically (temp + rename), the
 * token first, so a reader that sees proxy.json also sees the matching token.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const PROXY_FILES = { info: 'proxy.json', token: 'proxy.token', log: 'proxy.log' } as const

export interface ProxyInfo {
  pid: number
  controlAddress: string
  startedAtMs: number
  workers: number
}

export function writeProxyFiles(dataDir: string, info: ProxyInfo, token: string): void {
  writeAtomic(join(dataDir, PROXY_FILES.token), token, 0o600)
  writeAtomic(join(dataDir, PROXY_FILES.info), JSON.stringify(info, null, 2) + '\n', 0o644)
}

export function readProxyFiles(dataDir: string): { info: ProxyInfo; token: string } | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, PROXY_FILES.info), 'utf8')) as ProxyInfo
    const token = readFileSync(join(dataDir, PROXY_FILES.token), 'utf8').trim()
    if (typeof info.pid !== 'number' || typeof info.controlAddress !== 'string') return undefined
    return { info, token }
  } catch {
    return undefined
  }
}

/** Removes proxy.json when it still names `pid` (a newer proxy's file is left alone). */
export function removeProxyFiles(dataDir: string, pid: number): void {
  const cur = readProxyFiles(dataDir)
  if (cur && cur.info.pid !== pid) return
  rmSync(join(dataDir, PROXY_FILES.info), { force: true })
}

function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, text, { mode })
  renameSync(tmp, path)
}
