/**
 * @module
 * Where the daemon is and which token it wants, so that on the daemon's own machine the CLI
 * needs no flags: `--server` / BATON_SERVER, else the address in <data-dir>/daemon.json,
 * else http://127.0.0.1:7070; `--token` / BATON_TOKEN, else <data-dir>/token.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  DATA_FILES,
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  defaultDataDir,
  envValue,
  resolveDataDir,
} from '../platform/env.ts'

export interface ConnectionFlags {
  server?: string
  token?: string
  dataDir?: string
}

export interface Connection {
  /** Base URL, without a trailing slash: "http://127.0.0.1:7070". */
  server: string
  token: string | undefined
  dataDir: string
}

/** What the daemon writes at start: its pid and the address its API listens on. */
export interface DaemonInfo {
  pid: number
  /** "http://127.0.0.1:7070" or "127.0.0.1:7070"; the file may call it `url` or `address`. */
  address: string
}

export interface ConfigSources {
  env: (name: string) => string | undefined
  /** Reads a file's text, or undefined when it does not exist. */
  readFile: (path: string) => string | undefined
}

export const systemSources: ConfigSources = {
  env: envValue,
  readFile(path) {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return undefined
    }
  },
}

/** "127.0.0.1:7070" or "http://127.0.0.1:7070/" -> "http://127.0.0.1:7070". */
export function normalizeServer(address: string): string {
  const withScheme = /^https?:\/\//.test(address) ? address : `http://${address}`
  return withScheme.replace(/\/+$/, '')
}

export function readDaemonInfo(dataDir: string, sources: ConfigSources = systemSources): DaemonInfo | undefined {
  const text = sources.readFile(join(dataDir, DATA_FILES.daemon))
  if (text === undefined) return undefined
  try {
    const info = JSON.parse(text) as { pid?: unknown; address?: unknown; url?: unknown }
    const address =
      typeof info.address === 'string' ? info.address : typeof info.url === 'string' ? info.url : undefined
    return typeof info.pid === 'number' && address ? { pid: info.pid, address } : undefined
  } catch {
    return undefined
  }
}

export function resolveConnection(flags: ConnectionFlags, sources: ConfigSources = systemSources): Connection {
  const dataDir = resolveDataDir(flags.dataDir ?? sources.env('BATON_HOME') ?? defaultDataDir(sources.env))
  const address =
    flags.server ??
    sources.env('BATON_SERVER') ??
    readDaemonInfo(dataDir, sources)?.address ??
    `${DEFAULT_API_HOST}:${DEFAULT_API_PORT}`
  const token = flags.token ?? sources.env('BATON_TOKEN') ?? sources.readFile(join(dataDir, DATA_FILES.token))?.trim()
  return { server: normalizeServer(address), token: token || undefined, dataDir }
}
