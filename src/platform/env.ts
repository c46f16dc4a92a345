/**
 * @module
 * Process environment and well-known locations. platform/ is the only place that reads
 * process.env; the daemon and the CLI ask here.
 */
import { resolve } from 'node:path'

export const DEFAULT_API_PORT = 7070
export const DEFAULT_API_HOST = '127.0.0.1'
export const DEFAULT_DATA_DIR = '.baton'

/** Files the daemon writes into its data directory, shared with the CLI. */
export const DATA_FILES = {
  token: 'token',
  daemon: 'daemon.json',
  pid: 'daemon.pid',
  log: 'daemon.log',
  state: 'state.db',
  artifacts: 'artifacts',
  pods: 'pods',
} as const

export function envValue(name: string): string | undefined {
  const v = process.env[name]
  return v === undefined || v === '' ? undefined : v
}

/** --data-dir, else BATON_HOME, else ./.baton (as an absolute path). */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? envValue('BATON_HOME') ?? DEFAULT_DATA_DIR)
}

export function isTty(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && envValue('CI') === undefined
}
