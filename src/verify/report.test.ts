import { describe, expect, it } from 'vitest'
import type { LoadResult } from './load-run.ts'
import { renderSvg } from './render-svg.ts'
import { renderText } from './render-text.ts'
import { percentile, summarize } from './report.ts'
import type { RequestRecord } from './request-record.ts'

const T0 = Date.parse('2026-11-21T20:57:00.000Z')

/** A 3-second rollout: second 0 all v1, second 1 half/half with one reset and one 503, second 2 all v2. */
function rollout(): LoadResult {
  const rec = (
    at: number,
    kind: RequestRecord['kind'],
    detail: string,
    version?: string,
    latencyMs = 1,
  ): RequestRecord => ({
    start: T0 + at,
    latencyMs,
    kind,
    detail,
    ...(version ? { version } : {}),
  })
  return {
    url: 'http://127.0.0.1:8080/',
    rate: 4,
    keepAlive: true,
    concurrency: 16,
    startedAt: T0,
    endedAt: T0 + 3000,
    stoppedBy: 'stop',
    records: [
      rec(0, 'ok', '200', 'v1', 0.5),
      rec(250, 'ok', '200', 'v1', 1),
      rec(500, 'ok', '200', 'v1', 1.5),
      rec(750, 'ok', '200', 'v1', 2),
      rec(1000, 'ok', '200', 'v1', 1),
      rec(1250, 'error', 'ECONNRESET', undefined, 0.8),
      rec(1500, 'http', '503', 'v2', 3),
      rec(1750, 'ok', '200', 'v2', 1),
      rec(2000, 'ok', '200', 'v2', 1),
      rec(2250, 'ok', '200', 'v2', 9),
    ],
  }
}

describe('summarize', () => {
  it('counts outcomes, failures by kind, latency over ok answers and version shares per second', () => {
    const r = summarize(rollout())
    expect(r).toMatchObject({ total: 10, ok: 8, failed: 2, byKind: { ECONNRESET: 1, http_503: 1 }, midAnswer: 0 })
    expect(r.versions).toEqual({ v1: 5, v2: 3 })
    expect(r.latencyMs).toEqual({ p50: 1, p99: 9, max: 9 })
    expect(r.buckets).toEqual([
      { second: 0, total: 4, ok: 4, failed: 0, versions: { v1: 1 } },
      { second: 1, total: 4, ok: 2, failed: 2, versions: { v1: 0.5, v2: 0.5 } },
      { second: 2, total: 2, ok: 2, failed: 0, versions: { v2: 1 } },
    ])
    expect(r.failures).toEqual([
      { atMs: 1250, kind: 'error', detail: 'ECONNRESET', latencyMs: 0.8 },
      { atMs: 1500, kind: 'http', detail: 'HTTP 503', latencyMs: 3 },
    ])
  })

  it('ends the buckets at the last second a request was sent in, not when the open ones came back', () => {
    // The last request starts at 2.25 s and answers at 3.04 s: second 3 sent nothing.
    const r = summarize({ ...rollout(), endedAt: T0 + 3040 })
    expect(r.durationMs).toBe(3040)
    expect(r.buckets.map((b) => b.second)).toEqual([0, 1, 2])
    expect(r.buckets.at(-1)?.versions).toEqual({ v2: 1 })
  })

  it.each([
    { name: 'p50 of 4', values: [1, 2, 3, 4], p: 50, want: 2 },
    { name: 'p99 of 200 is the 198th', values: Array.from({ length: 200 }, (_, i) => i + 1), p: 99, want: 198 },
    { name: 'p100 is the max', values: [5, 7, 9], p: 100, want: 9 },
    { name: 'one value', values: [3], p: 1, want: 3 },
  ])('percentile: $name', ({ values, p, want }) => {
    expect(percentile(values, p)).toBe(want)
  })
})

describe('renderText', () => {
  it('prints the summary with the failures', () => {
    expect(renderText(summarize(rollout()))).toBe(
      [
        'verify http://127.0.0.1:8080/: 10 requests in 3.0 s (4/s, keep-alive over 16 connections)',
        '  result    FAIL: 2 of 10 requests failed',
        '  ok        8',
        '  failed    2 (20.0%): ECONNRESET 1, http_503 1',
        '  latency   p50 1.00 ms  p99 9.00 ms  max 9.00 ms',
        '  versions  v1 62.5%  v2 37.5%',
        'failures:',
        '  +1.250s  error      ECONNRESET (0.80 ms)',
        '  +1.500s  http       HTTP 503 (3.00 ms)',
        '',
      ].join('\n'),
    )
  })

  it('says PASS when nothing failed', () => {
    const clean = rollout()
    clean.records = clean.records.filter((r) => r.kind === 'ok')
    expect(renderText(summarize(clean))).toContain(
      '  result    PASS: no request failed\n  ok        8\n  failed    0\n',
    )
  })

  it('says when the failure policy rolled the rollout back', () => {
    const report = {
      ...summarize(rollout()),
      automatic: {
        action: 'rolledBack' as const,
        at: '2026-01-01T00:00:12Z',
        atMs: 12_300,
        message: 'revision 2 failed: 1 of 1 new pods failed; rolled back to revision 1',
      },
    }
    expect(renderText(report)).toContain(
      '  rollout   rolled back automatically at 2026-01-01T00:00:12Z (+12.3 s): revision 2 failed: 1 of 1 new pods failed; rolled back to revision 1\n',
    )
  })
})

describe('renderSvg', () => {
  it('stacks version shares per second and marks failing seconds in red', () => {
    const svg = renderSvg(summarize(rollout()))
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    // 4 version columns (1 + 2 + 1), colours in order of first appearance.
    expect(svg.match(/fill="#4e79a7"/g)).toHaveLength(3) // legend + seconds 0 and 1
    expect(svg.match(/fill="#59a14f"/g)).toHaveLength(3) // legend + seconds 1 and 2
    expect(svg.match(/<rect[^>]*fill="#d62728"><title>/g)).toHaveLength(1)
    expect(svg).toContain('<title>2 of 4 failed in second 1</title>')
  })

  it('escapes version names', () => {
    const run = rollout()
    for (const r of run.records) if (r.version === 'v2') r.version = '<v2&"x">'
    const svg = renderSvg(summarize(run))
    expect(svg).toContain('&lt;v2&amp;&quot;x&quot;&gt;')
    expect(svg).not.toContain('<v2')
  })
})
