import { spawn } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import type { Pod } from '../api/types.ts'
import { systemClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { createApiApp } from '../server/app.ts'
import type { LogSource } from '../server/ports.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { aPod, podAsServed } from '../../test/support/builders.ts'

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'baton.mjs')
const TOKEN = 'pipe-test-token'

let server: ServerType | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** A real API on a loopback port whose pod log is a long stream (bounded), as `logs -f` reads it. */
async function startApi(): Promise<string> {
  const store = createMemoryStore({ clock: systemClock, ids: sequentialIds() })
  const pod = aPod(podAsServed('web-abc-1')) as Pod
  delete pod.metadata.uid
  store.create(pod)
  const logs: LogSource = {
    async *read(_ns, _pod, _container, opts) {
      for (let i = 0; i < 200_000 && !opts.signal?.aborted; i++) {
        yield `line ${i}`
        if (i % 1000 === 0) await new Promise((r) => setImmediate(r))
      }
    },
  }
  const app = createApiApp({ store, token: TOKEN, clock: systemClock, version: '0.0.0-test', logs })
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('a reader that goes away (baton logs POD | head)', () => {
  it.each([[['logs', 'web-abc-1']], [['logs', 'web-abc-1', '-f']]])(
    'ends `baton %j` quietly, as kubectl does (SIGPIPE: 141)',
    async (args: string[]) => {
      const url = await startApi()
      const child = spawn(process.execPath, [BIN, ...args, '--server', url, '--token', TOKEN], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      // `head -1`: read the first chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy())
      const code = await new Promise<number | null>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 30_000)
        child.on('close', (c) => {
          clearTimeout(kill)
          resolve(c)
        })
      })
      expect(stderr).toBe('')
      expect(code).toBe(141)
    },
    40_000,
  )
})
