/**
 * @module
 * `baton verify URL -o json --deployment NAME -- baton ARGS...` as a function: the load is
 * Baton's own verify (the same one users run), and the result is its JSON report.
 */
import type { VerifyReport } from '../../../src/verify/report.ts'
import type { Baton, CliResult } from './baton.ts'

export interface VerifyRun {
  /** verify's own exit code: 0 only when no request failed and the command succeeded. */
  code: number
  report: VerifyReport
  /** The command's output (it goes to stderr in JSON mode). */
  stderr: string
}

/**
 * Keep-alive connections for e2e load. verify sends one request at a time per connection, so
 * N connections carry at most N / latency requests per second: 16 (verify's default) top out
 * at 300/s once latency passes 53 ms, which a busy 2-core machine reaches, and the queue then
 * turns into client timeouts that say nothing about Baton. 32 leave room up to ~100 ms.
 */
export const E2E_CONNECTIONS = 32

export interface VerifyRunOptions {
  rate: number
  keepAlive: boolean
  /** Keep-alive connections (default E2E_CONNECTIONS). */
  connections?: number
  /** The baton command to run under load, e.g. ['set', 'image', 'deployment/web', 'web=web:v2']. */
  command?: readonly string[]
  /** Instead of `command`: any argv, e.g. ['sh', '-c', '...'] for several steps. */
  rawCommand?: readonly string[]
  /** Keep the load on until this deployment has rolled out. */
  deployment?: string
  /** Upper bound for the load (verify's --duration; default 90 s). */
  duration?: string
  path?: string
}

export async function runVerify(baton: Baton, o: VerifyRunOptions): Promise<VerifyRun> {
  const args = [
    'verify',
    baton.url(o.path ?? '/'),
    '--rate',
    String(o.rate),
    ...(o.keepAlive ? ['--connections', String(o.connections ?? E2E_CONNECTIONS)] : ['--no-keep-alive']),
    '--duration',
    o.duration ?? '90s',
    '-o',
    'json',
    ...(o.deployment ? ['--deployment', o.deployment] : []),
    ...(o.command ? ['--', ...baton.command(o.command)] : []),
    ...(o.rawCommand ? ['--', ...o.rawCommand] : []),
  ]
  const r: CliResult = await baton.cli(args, { timeoutMs: 150_000 })
  let report: VerifyReport
  try {
    report = JSON.parse(r.stdout) as VerifyReport
  } catch {
    throw new Error(`baton verify printed no JSON report (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  }
  return { code: r.code, report, stderr: r.stderr }
}

/** One line for a test's output: what the clients saw. */
export function describeRun(name: string, r: VerifyReport): string {
  const versions = Object.entries(r.versions)
    .map(([v, n]) => `${v}=${n}`)
    .join(' ')
  const kinds = Object.entries(r.byKind)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ')
  return (
    `[e2e] ${name}: ${r.total} requests in ${(r.durationMs / 1000).toFixed(1)} s, ${r.failed} failed` +
    `${kinds ? ` (${kinds})` : ''}, ${r.midAnswer} cut mid-answer, p99 ${r.latencyMs?.p99 ?? '-'} ms, ${versions}`
  )
}
