/**
 * @module
 * The API token: created at the daemon's first start, stored with mode 0600 in the data
 * directory, read by the CLI on the same machine.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DATA_FILES } from '../platform/env.ts'
import { randomToken } from '../platform/ids.ts'

export function ensureToken(dataDir: string): string {
  const file = join(dataDir, DATA_FILES.token)
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim()
    if (token) {
      chmodSync(file, 0o600)
      return token
    }
  }
  const token = randomToken()
  writeFileSync(file, `${token}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
  return token
}
