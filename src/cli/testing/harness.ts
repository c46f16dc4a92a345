/**
 * @module
 * Runs CLI commands in-process against an in-process API app over the memory store: no
 * daemon, no socket. `fetch` is routed to `app.request`.
 */
import { createApiApp, type ApiDeps } from '../../server/app.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ObjectStore } from '../../store/types.ts'
import type { CliIO } from '../command.ts'
import type { ConfigSources } from '../config.ts'
import { runCli } from '../main.ts'
import { T0 } from './builders.ts'

export interface RunResult {
  code: number
  out: string
  err: string
}

export interface Harness {
  store: ObjectStore
  clock: FakeClock
  run(argv: string, opts?: { stdin?: string; tty?: boolean; signal?: AbortSignal }): Promise<RunResult>
  close(): void
}

export const TEST_TOKEN = 'cli-test-token'

export function createHarness(extra: Partial<ApiDeps> = {}, clock = new FakeClock(T0)): Harness {
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  const app = createApiApp({ store, token: TEST_TOKEN, clock, version: '0.0.0-test', ...extra })
  const sources: ConfigSources = {
    env: (name) => (name === 'BATON_TOKEN' ? TEST_TOKEN : name === 'BATON_HOME' ? '/nonexistent-baton-home' : undefined),
    readFile: () => undefined,
  }
  return {
    store,
    clock,
    async run(argv, opts = {}) {
      let out = ''
      let err = ''
      const io: CliIO = {
        out: { write: (s: string) => (out += s) },
        err: { write: (s: string) => (err += s) },
        isTTY: opts.tty ?? false,
        readStdin: async () => opts.stdin ?? '',
      }
      const args = argv.match(/'[^']*'|"[^"]*"|\S+/g)?.map((a) => a.replace(/^['"]|['"]$/g, '')) ?? []
      const code = await runCli(args, {
        io,
        clock,
        sources,
        fetch: async (url, init) => app.request(url, init),
        repoRoot: '/nonexistent-repo',
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
      return { code, out, err }
    },
    close: () => store.close(),
  }
}
