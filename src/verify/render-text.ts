/**
 * @module
 * The terminal summary of a verification run, as `baton verify` prints it. Pure.
 */
import type { VerifyReport } from './report.ts'

const pct = (part: number, whole: number) => `${whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1)}%`
const ms = (n: number) => `${n.toFixed(2)} ms`

/**
 * @example
 * verify http://127.0.0.1:8080/: 1000 requests in 5.0 s (200/s, keep-alive over 16 connections)
 *   result    PASS: no request failed
 *   ok        1000
 *   failed    0
 *   latency   p50 0.61 ms  p99 2.90 ms  max 7.12 ms
 *   versions  v1 58.3%  v2 41.7%
 */
export function renderText(r: VerifyReport): string {
  const mode = r.keepAlive ? `keep-alive over ${r.concurrency} connections` : 'a new connection per request'
  const lines = [
    `verify ${r.url}: ${r.total} requests in ${(r.durationMs / 1000).toFixed(1)} s (${r.rate}/s, ${mode})`,
    `  result    ${r.failed === 0 ? 'PASS: no request failed' : `FAIL: ${r.failed} of ${r.total} requests failed`}`,
    `  ok        ${r.ok}`,
  ]
  const kinds = Object.entries(r.byKind)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
  lines.push(`  failed    ${r.failed}${r.failed > 0 ? ` (${pct(r.failed, r.total)}): ${kinds.join(', ')}` : ''}`)
  if (r.midAnswer > 0)
    lines.push(`            ${r.midAnswer} cut mid-answer (a replica died while answering; not retryable)`)
  if (r.latencyMs)
    lines.push(`  latency   p50 ${ms(r.latencyMs.p50)}  p99 ${ms(r.latencyMs.p99)}  max ${ms(r.latencyMs.max)}`)
  const versions = Object.entries(r.versions).map(([v, n]) => `${v} ${pct(n, r.ok)}`)
  if (versions.length > 0) lines.push(`  versions  ${versions.join('  ')}`)
  const a = r.automatic
  if (a) {
    const what = a.action === 'rolledBack' ? 'rolled back automatically' : 'paused by its failure policy'
    const offset =
      a.atMs === undefined ? '' : a.atMs < 0 ? ' (before the load started)' : ` (+${(a.atMs / 1000).toFixed(1)} s)`
    const when = a.at ? ` at ${a.at}${offset}` : ''
    lines.push(`  rollout   ${what}${when}: ${a.message}`)
  }
  if (r.failures.length > 0) {
    lines.push(r.failed > r.failures.length ? `first ${r.failures.length} failures:` : 'failures:')
    for (const f of r.failures) {
      lines.push(`  +${(f.atMs / 1000).toFixed(3)}s  ${f.kind.padEnd(10)} ${f.detail} (${ms(f.latencyMs)})`)
    }
  }
  return `${lines.join('\n')}\n`
}
