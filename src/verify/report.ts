/**
 * @module
 * The verification report: what a load run saw, as one plain object (the JSON output) that
 * the text and SVG renderers draw from. Pure.
 */
import type { LoadResult, StopReason } from './load-run.ts'
import { failureKey, type OutcomeKind, type RequestRecord } from './request-record.ts'

export const MAX_LISTED_FAILURES = 20

export interface FailureSample {
  /** Milliseconds after the run started. */
  atMs: number
  kind: Exclude<OutcomeKind, 'ok'>
  /** "HTTP 503", "ECONNRESET", "no answer in time", "still open at the end". */
  detail: string
  latencyMs: number
}

/** One second of the run. `versions` are shares (0..1) of that second's ok answers. */
export interface Bucket {
  second: number
  total: number
  ok: number
  failed: number
  versions: Record<string, number>
}

export interface VerifyReport {
  url: string
  rate: number
  keepAlive: boolean
  concurrency: number
  stoppedBy: StopReason
  startedAt: string
  durationMs: number
  total: number
  ok: number
  failed: number
  /** Failures counted by key: "http_503", "ECONNRESET", "timeout", "unfinished". */
  byKind: Record<string, number>
  /**
   * Of the failures, those cut after the answer had begun (a replica killed mid-answer):
   * the only ones a load balancer cannot retry for an idempotent request. Counted apart so a
   * crash test can tell them from failures the rollout caused.
   */
  midAnswer: number
  /** The first failures in time order (at most 20). */
  failures: FailureSample[]
  /** Over ok answers; null when there were none. */
  latencyMs: { p50: number; p99: number; max: number } | null
  /** ok answers per version over the whole run, versions in order of first appearance. */
  versions: Record<string, number>
  buckets: Bucket[]
  /** Set when the Deployment's failure policy rolled the rollout back or paused it during the run. */
  automatic?: AutomaticAction
}

export interface AutomaticAction {
  action: 'rolledBack' | 'paused'
  /** When (RFC 3339, from the Deployment's FailurePolicy condition). */
  at?: string
  /** Milliseconds after the run started; absent without `at`. */
  atMs?: number
  message: string
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** Nearest-rank percentile of sorted values: p99 of 200 values is the 198th. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
}

function describeFailure(r: RequestRecord): string {
  switch (r.kind) {
    case 'http':
      return `HTTP ${r.detail}`
    case 'timeout':
      return 'no answer in time'
    case 'unfinished':
      return 'still open at the end'
    default:
      return r.detail
  }
}

export function summarize(run: LoadResult): VerifyReport {
  const records = [...run.records].sort((a, b) => a.start - b.start)
  const byKind: Record<string, number> = {}
  const versions: Record<string, number> = {}
  const failures: FailureSample[] = []
  const latencies: number[] = []
  let midAnswer = 0
  // One bucket per second in which requests were sent. The run ends after the open requests
  // come back, so a bucket for that tail would hold no request and read as "no version served".
  const lastStart = records.at(-1)?.start ?? run.startedAt
  const seconds = Math.max(1, Math.floor((lastStart - run.startedAt) / 1000) + 1)
  const buckets: Bucket[] = Array.from({ length: seconds }, (_, second) => ({
    second,
    total: 0,
    ok: 0,
    failed: 0,
    versions: {},
  }))
  for (const r of records) {
    const second = Math.max(0, Math.floor((r.start - run.startedAt) / 1000))
    const bucket = (buckets[second] ??= { second, total: 0, ok: 0, failed: 0, versions: {} })
    bucket.total++
    if (r.kind === 'ok') {
      bucket.ok++
      latencies.push(r.latencyMs)
      const v = r.version ?? '(none)'
      versions[v] = (versions[v] ?? 0) + 1
      bucket.versions[v] = (bucket.versions[v] ?? 0) + 1
      continue
    }
    bucket.failed++
    if (r.midAnswer) midAnswer++
    const key = failureKey(r)
    byKind[key] = (byKind[key] ?? 0) + 1
    if (failures.length < MAX_LISTED_FAILURES) {
      failures.push({
        atMs: round(r.start - run.startedAt, 1),
        kind: r.kind,
        detail: describeFailure(r),
        latencyMs: round(r.latencyMs),
      })
    }
  }
  for (const b of buckets)
    for (const v of Object.keys(b.versions)) b.versions[v] = round((b.versions[v] ?? 0) / b.ok, 4)
  latencies.sort((a, b) => a - b)
  const ok = latencies.length
  return {
    url: run.url,
    rate: run.rate,
    keepAlive: run.keepAlive,
    concurrency: run.concurrency,
    stoppedBy: run.stoppedBy,
    startedAt: new Date(run.startedAt).toISOString(),
    durationMs: round(run.endedAt - run.startedAt, 0),
    total: records.length,
    ok,
    failed: records.length - ok,
    byKind,
    midAnswer,
    failures,
    latencyMs:
      ok === 0
        ? null
        : {
            p50: round(percentile(latencies, 50)),
            p99: round(percentile(latencies, 99)),
            max: round(latencies[ok - 1] ?? 0),
          },
    versions,
    buckets,
  }
}
