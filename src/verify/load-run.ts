/**
 * @module
 * A bounded open-loop HTTP load generator: requests start at a fixed rate whether or not
 * earlier ones have answered, so a stalled backend shows up as latency, timeouts and
 * errors instead of quietly fewer requests (a closed loop would wait politely). Every run
 * is bounded twice, by request count and by time, and only targets loopback addresses.
 *
 * keepAlive on: requests go round robin over `concurrency` persistent connections, one
 * request at a time each (like `wrk -c`); a request waiting for a busy connection counts
 * against its timeout. keepAlive off: a new connection per request (Connection: close).
 */
import http from 'node:http'
import { BatonError } from '../errors/baton-error.ts'
import { holdProcessOpen, preciseClock, type Clock, type TimerHandle } from '../platform/clock.ts'
import type { RequestRecord } from './request-record.ts'

export const DEFAULT_CONCURRENCY = 16
export const DEFAULT_TIMEOUT_MS = 2000
export const DEFAULT_DURATION_MS = 5 * 60_000
export const MAX_DURATION_MS = 60 * 60_000
export const MAX_RATE = 20_000
export const MAX_REQUESTS = 5_000_000
const TICK_MS = 2

export interface LoadOptions {
  url: string
  /** Requests started per second. */
  rate: number
  keepAlive: boolean
  /** Persistent connections when keepAlive (default 16). */
  concurrency?: number
  /** Hard stop after this long (default 5 min, at most 1 h). */
  durationMs?: number
  /** Hard stop after this many requests (default rate × duration). */
  maxRequests?: number
  /** Per request, including waiting for a busy connection (default 2 s). */
  timeoutMs?: number
  /** Response header that names the app version (default X-App-Version). */
  versionHeader?: string
  signal?: AbortSignal
  clock?: Clock
}

export type StopReason = 'stop' | 'duration' | 'maxRequests' | 'signal'

export interface LoadResult {
  url: string
  rate: number
  keepAlive: boolean
  concurrency: number
  startedAt: number
  endedAt: number
  stoppedBy: StopReason
  records: RequestRecord[]
}

export interface LoadRun {
  /** Live view of the records so far. */
  readonly records: readonly RequestRecord[]
  /** Stops starting requests, waits (at most the timeout) for open ones, resolves the result. */
  stop(): Promise<LoadResult>
  /** Resolves when the run has ended, by stop() or by one of its bounds. */
  readonly done: Promise<LoadResult>
}

export function assertLoopbackUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new BatonError('BATON_USAGE', `"${raw}" is not a URL`, { hint: 'pass a URL such as http://127.0.0.1:8080/' })
  }
  if (url.protocol !== 'http:') {
    throw new BatonError('BATON_USAGE', `cannot send load to "${raw}": only http:// URLs are supported`, {
      hint: 'point it at a Service, e.g. http://127.0.0.1:8080/',
    })
  }
  const host = url.hostname
  if (!(host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new BatonError('BATON_USAGE', `refusing to send load to "${host}": only loopback addresses are allowed`, {
      hint: 'verify a Service on this machine, e.g. http://127.0.0.1:8080/',
    })
  }
  return url
}

function bounded(name: string, value: number, max: number): number {
  if (!(Number.isFinite(value) && value > 0 && value <= max)) {
    throw new BatonError('BATON_USAGE', `${name} must be a number above 0 and at most ${max}, got ${value}`, {
      hint: 'every load run is bounded in rate, request count and time',
    })
  }
  return value
}

/**
 * @example
 * const run = runLoad({ url: 'http://127.0.0.1:8080/', rate: 200, keepAlive: true })
 * await rollOut()
 * const result = await run.stop()
 */
export function runLoad(opts: LoadOptions): LoadRun {
  const url = assertLoopbackUrl(opts.url)
  const clock = opts.clock ?? preciseClock
  const rate = bounded('rate', opts.rate, MAX_RATE)
  const durationMs = bounded('duration', opts.durationMs ?? DEFAULT_DURATION_MS, MAX_DURATION_MS)
  const maxRequests = bounded('max requests', opts.maxRequests ?? Math.ceil((rate * durationMs) / 1000), MAX_REQUESTS)
  const concurrency = bounded('concurrency', opts.concurrency ?? DEFAULT_CONCURRENCY, 1000)
  const timeoutMs = bounded('timeout', opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 60_000)
  const versionHeader = (opts.versionHeader ?? 'X-App-Version').toLowerCase()
  const agents = opts.keepAlive
    ? Array.from({ length: concurrency }, () => new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 }))
    : [new http.Agent({ keepAlive: false })]

  const records: RequestRecord[] = []
  const open = new Set<() => void>()
  const startedAt = clock.now()
  let issued = 0
  let stoppedBy: StopReason | undefined
  let tick: TimerHandle | undefined
  let resolveDone: (r: LoadResult) => void = () => {}
  const done = new Promise<LoadResult>((resolve) => (resolveDone = resolve))
  // Keeps a CLI process alive for the run's length, whatever the sockets' ref state.
  const releaseProcess = holdProcessOpen()

  function fire(): void {
    const rec: RequestRecord = { start: clock.now(), latencyMs: 0, kind: 'unfinished', detail: '' }
    records.push(rec)
    let finished = false
    const finish = (kind: RequestRecord['kind'], detail: string, version?: string, midAnswer = false) => {
      if (finished) return
      finished = true
      open.delete(abandon)
      timer.cancel()
      Object.assign(
        rec,
        { latencyMs: clock.now() - rec.start, kind, detail },
        version ? { version } : {},
        midAnswer ? { midAnswer } : {},
      )
      if (stoppedBy && open.size === 0) finishRun()
    }
    const abandon = () => {
      finished = true
      req.destroy()
    }
    const req = http.request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 80,
        path: url.pathname + url.search,
        agent: agents[issued % agents.length],
        headers: opts.keepAlive ? {} : { Connection: 'close' },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          if (body.length < 64) body += c
        })
        res.on('end', () => {
          const status = res.statusCode ?? 0
          const header = res.headers[versionHeader]
          const version = (typeof header === 'string' ? header : (body.trim().split(/\s+/)[0] ?? '')).slice(0, 32)
          finish(status >= 200 && status < 300 ? 'ok' : 'http', String(status), version || undefined)
        })
        res.on('error', (e: NodeJS.ErrnoException) => finish('error', e.code ?? 'ERESPONSE', undefined, true))
      },
    )
    const timer = clock.setTimeout(() => {
      finish('timeout', '')
      req.destroy()
    }, timeoutMs)
    req.on('error', (e: NodeJS.ErrnoException) => finish('error', e.code ?? 'EREQUEST'))
    open.add(abandon)
    issued++
    req.end()
  }

  function schedule(): void {
    if (stoppedBy) return
    if (opts.signal?.aborted) return void end('signal')
    const elapsed = clock.now() - startedAt
    if (elapsed >= durationMs) return void end('duration')
    // Open loop: request i is due at i / rate seconds, whatever happened to earlier ones.
    const due = Math.min(maxRequests, Math.floor((elapsed * rate) / 1000) + 1)
    while (issued < due) fire()
    if (issued >= maxRequests) return void end('maxRequests')
    tick = clock.setTimeout(schedule, TICK_MS)
  }

  let backstop: TimerHandle | undefined
  function end(reason: StopReason): Promise<LoadResult> {
    if (stoppedBy) return done
    stoppedBy = reason
    tick?.cancel()
    if (open.size === 0) finishRun()
    // Each open request ends by its own timeout; this only guards against a lost callback.
    else backstop = clock.setTimeout(finishRun, timeoutMs + 500)
    return done
  }

  let ended = false
  function finishRun(): void {
    if (ended) return
    ended = true
    backstop?.cancel()
    for (const abandon of [...open]) abandon()
    for (const a of agents) a.destroy()
    releaseProcess()
    resolveDone({
      url: url.href,
      rate,
      keepAlive: opts.keepAlive,
      concurrency: opts.keepAlive ? concurrency : 0,
      startedAt,
      endedAt: clock.now(),
      stoppedBy: stoppedBy ?? 'stop',
      records,
    })
  }

  opts.signal?.addEventListener('abort', () => void end('signal'), { once: true })
  schedule()
  return { records, stop: () => end('stop'), done }
}
