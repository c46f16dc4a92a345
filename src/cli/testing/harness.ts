/**
 * @module
 * Test support (never imported by the CLI itself): runs CLI commands in-process against an
 * in-process API app over the memory store, no daemon, no socket; `fetch` is routed to
 * `app.request`. It is the one CLI module that reaches into server/ and store/, to build the
 * daemon side a test talks to.
 */
import { expect, vi } from 'vitest'
import { createApiApp, type ApiDeps } from '../../server/app.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ObjectStore } from '../../store/types.ts'
import type { CliIO } from '../command.ts'
import type { ConfigSources } from '../config.ts'
import { runCli } from '../main.ts'
import { T0 } from '../../../test/support/builders.ts'

export interface RunResult {
  code: number
  out: string
  err: string
}

export interface RunOptions {
  stdin?: string
  tty?: boolean
  /** stderr is a terminal (progress bars). */
  errTty?: boolean
  signal?: AbortSignal
}

/** A command still running: its output so far, and its result when it ends. */
export interface Running {
  output(): string
  /** Resolves once stdout contains `text` (vi.waitFor; fails the test after 5 s). */
  waitFor(text: string): Promise<void>
  result: Promise<RunResult>
}

export interface Harness {
  store: ObjectStore
  clock: FakeClock
  run(argv: string, opts?: RunOptions): Promise<RunResult>
  start(argv: string, opts?: RunOptions): Running
  close(): void
}

/** The real CLI with its own transport (to a real daemon), its output captured; no terminal, no stdin. */
export async function runRealCli(argv: string[]): Promise<RunResult> {
  let out = ''
  let err = ''
  const io: CliIO = {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
    isTTY: false,
    readStdin: async () => '',
  }
  const code = await runCli(argv, { io })
  return { code, out, err }
}

export const TEST_TOKEN = 'cli-test-token'

type Fetch = (url: string, init?: RequestInit) => Promise<Response>

/**
 * What Node's fetch (undici) does to a response body that stays silent for `idleMs`: it errors
 * with `TypeError: terminated`. Here on the fake clock, for watch streams (or what `streams` picks).
 */
export function cutIdleWatches(
  fetch: Fetch,
  clock: FakeClock,
  idleMs: number,
  onWatch: () => void = () => {},
  streams: (url: URL) => boolean = (url) => url.searchParams.has('watch'),
): Fetch {
  return async (url, init) => {
    const res = await fetch(url, init)
    if (!res.body || !streams(new URL(url))) return res
    onWatch()
    const reader = res.body.getReader()
    let timer = clock.setTimeout(() => {}, 0)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const arm = () => {
          timer.cancel()
          timer = clock.setTimeout(() => {
            void reader.cancel().catch(() => {})
            controller.error(new TypeError('terminated'))
          }, idleMs)
        }
        arm()
        void (async () => {
          for (;;) {
            const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
            if (done || value === undefined) {
              timer.cancel()
              try {
                controller.close()
              } catch {
                // already errored by the cut
              }
              return
            }
            arm()
            controller.enqueue(value)
          }
        })()
      },
      cancel() {
        timer.cancel()
        void reader.cancel().catch(() => {})
      },
    })
    return new Response(body, { status: res.status, headers: res.headers })
  }
}

export interface HarnessOptions {
  /** Wraps the in-process fetch (e.g. cutIdleWatches). */
  wrapFetch?: (fetch: Fetch) => Fetch
}

export function createHarness(
  extra: Partial<ApiDeps> = {},
  clock = new FakeClock(T0),
  hopts: HarnessOptions = {},
): Harness {
  const store = extra.store ?? createMemoryStore({ clock, ids: sequentialIds() })
  const app = createApiApp({ store, token: TEST_TOKEN, clock, version: '0.0.0-test', ...extra })
  const sources: ConfigSources = {
    env: (name) =>
      name === 'BATON_TOKEN' ? TEST_TOKEN : name === 'BATON_HOME' ? '/nonexistent-baton-home' : undefined,
    readFile: () => undefined,
  }
  const start = (argv: string, opts: RunOptions = {}): Running => {
    let out = ''
    let err = ''
    const io: CliIO = {
      out: { write: (s: string) => (out += s) },
      err: { write: (s: string) => (err += s) },
      isTTY: opts.tty ?? false,
      errIsTTY: opts.errTty ?? false,
      readStdin: async () => opts.stdin ?? '',
    }
    const args = argv.match(/'[^']*'|"[^"]*"|\S+/g)?.map((a) => a.replace(/^['"]|['"]$/g, '')) ?? []
    const result = runCli(args, {
      io,
      clock,
      sources,
      fetch: (hopts.wrapFetch ?? ((f) => f))(async (url, init) => app.request(url, init)),
      repoRoot: '/nonexistent-repo',
      ...(opts.signal ? { signal: opts.signal } : {}),
    }).then((code) => ({ code, out, err }))
    return {
      output: () => out,
      result,
      async waitFor(text) {
        await vi.waitFor(() => expect(out, 'the output so far').toContain(text), { timeout: 5000, interval: 5 })
      },
    }
  }
  return { store, clock, start, run: (argv, opts) => start(argv, opts).result, close: () => store.close() }
}
