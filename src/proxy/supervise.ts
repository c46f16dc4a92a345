/**
 * @module
 * Starting the load balancer, or finding it again. The proxy is its own detached process so
 * that traffic keeps flowing while the daemon restarts (an upgrade, a crash): a new daemon
 * re-adopts the running proxy through DIR/proxy.json when that pid is alive and answers a
 * ping with the same pid, and only otherwise starts a new one. proxy/supervisor.ts keeps
 * watching it afterwards and replaces it when it exits or stops answering.
 */
import { spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'
import { systemClock, type Clock } from '../platform/clock.ts'
import { childNodeEnv, codePath } from '../platform/env.ts'
import { ProxyClient } from './client.ts'
import { isRunning } from '../platform/proc-stat.ts'
import { PROXY_FILES, readProxyFiles } from './proxy-files.ts'

const MAIN = codePath('proxy/main')
const START_TIMEOUT_MS = 10_000
const POLL_MS = 50

export interface EnsureProxyOptions {
  /** Extra arguments for proxy/main.ts (--workers, --policy, timeouts). */
  args?: string[]
  clock?: Clock
}

/** Returns a client for the running proxy of `dataDir`, starting one when none answers. */
export async function ensureProxy(dataDir: string, opts: EnsureProxyOptions = {}): Promise<ProxyClient> {
  const clock = opts.clock ?? systemClock
  const running = await adoptProxy(dataDir, clock)
  if (running) return running
  mkdirSync(dataDir, { recursive: true })
  const log = openSync(join(dataDir, PROXY_FILES.log), 'a')
  const child = spawn(process.execPath, [MAIN, '--data-dir', dataDir, ...(opts.args ?? [])], {
    detached: true,
    stdio: ['ignore', log, log],
    env: childNodeEnv(),
  })
  closeSync(log)
  child.unref()
  const pid = child.pid
  const deadline = clock.now() + START_TIMEOUT_MS
  while (clock.now() < deadline) {
    const found = await adoptProxy(dataDir, clock)
    if (found && pid !== undefined && (await found.ping()).pid === pid) return found
    found?.close()
    if (child.exitCode !== null) break
    await clock.sleep(POLL_MS)
  }
  throw new BatonError('BATON_TIMEOUT', `the load balancer process did not start within ${START_TIMEOUT_MS} ms`, {
    hint: `Read ${join(dataDir, PROXY_FILES.log)} for its error.`,
  })
}

/** A client for the proxy named by DIR/proxy.json if it is alive and answers; else undefined. */
export async function adoptProxy(dataDir: string, clock: Clock = systemClock): Promise<ProxyClient | undefined> {
  const files = readProxyFiles(dataDir)
  if (!files || !isRunning(files.info.pid)) return undefined
  const client = new ProxyClient({ address: files.info.controlAddress, token: files.token, now: () => clock.now() })
  const pong = await client.ping().catch(() => undefined)
  if (pong?.pid === files.info.pid) return client
  client.close()
  return undefined
}
