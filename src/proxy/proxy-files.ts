/**
 * @module
 * How a daemon finds the running proxy again: DIR/proxy.json names its pid and control
 * address, DIR/proxy.token holds the control API's bearer token (mode 0600: only the data
 * directory's owner may drive the proxy). Both are written atomically (temp + rename), the
 * token first, so a reader that sees proxy.json also sees the matching token.
 *
 * DIR/proxy-routes.json is the last route table the proxy was given: a proxy that replaces
 * a dead one starts from it, so it listens before any daemon has pushed it anything.
 */
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isRunning } from '../platform/proc-stat.ts'

export const PROXY_FILES = {
  info: 'proxy.json',
  token: 'proxy.token',
  log: 'proxy.log',
  routes: 'proxy-routes.json',
} as const

export interface ProxyInfo {
  pid: number
  controlAddress: string
  startedAtMs: number
  workers: number
}

export function writeProxyFiles(dataDir: string, info: ProxyInfo, token: string): void {
  writeAtomic(join(dataDir, PROXY_FILES.token), token, 0o600)
  writeAtomic(join(dataDir, PROXY_FILES.info), `${JSON.stringify(info, null, 2)}\n`, 0o644)
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

/** The last table written by `writeRouteTable`, as the JSON text it was written in. */
export function readRouteTable(dataDir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dataDir, PROXY_FILES.routes), 'utf8')) as unknown
  } catch {
    return undefined
  }
}

export function writeRouteTable(dataDir: string, table: { routes: unknown[] }): void {
  writeAtomic(join(dataDir, PROXY_FILES.routes), `${JSON.stringify(table)}\n`, 0o600)
}

export function removeRouteTable(dataDir: string): void {
  rmSync(join(dataDir, PROXY_FILES.routes), { force: true })
}

/**
 * Live worker processes started by the proxy `mainPid` (their command line says
 * `--parent-pid <mainPid>`): after that proxy died, the ones still handing over.
 */
export function workersOf(mainPid: number): number[] {
  const mark = `--parent-pid\0${mainPid}\0`
  const pids: number[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return pids
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(mark) && isRunning(Number(entry)))
        pids.push(Number(entry))
    } catch {
      // ended meanwhile
    }
  }
  return pids
}
