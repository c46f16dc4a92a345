/**
 * @module
 * A revision's traffic figures as the load balancer counts them, and the judgement of a new
 * revision against the stable one: pass, fail or inconclusive. The load balancer's counters
 * are cumulative since it started; a judgement looks at a window, the difference of two
 * samples. Too few requests in the window is inconclusive, never a pass.
 */

/** One revision's cumulative counters (every service that routes to it, summed). */
export interface RevisionCounters {
  /** Requests answered by, or failed at, a replica of the revision. */
  requests: number
  /** 5xx answers and requests that ended without a complete answer. */
  errors: number
  /** Attempts to reach a replica that failed (refused, reset, timed out); retried elsewhere when safe. */
  failedConnections: number
  /** Latency histogram: sorted [upper bound ms, count] pairs. */
  latency: ReadonlyArray<readonly [number, number]>
}

/** What the daemon last read from the load balancer, keyed by pod-template-hash. */
export interface TrafficSample {
  /** Identifies the load balancer process: a replacement starts its counters from zero. */
  proxyStartedAtMs: number
  /** When the daemon read these counters (epoch ms): a window measured between samples uses it. */
  atMs?: number
  revisions: Readonly<Record<string, RevisionCounters>>
}

export const NO_TRAFFIC: RevisionCounters = { requests: 0, errors: 0, failedConnections: 0, latency: [] }

/** Sums counters of the same revision seen through several services or workers. */
export function addCounters(a: RevisionCounters, b: RevisionCounters): RevisionCounters {
  const byUpper = new Map<number, number>()
  for (const [u, n] of a.latency) byUpper.set(u, n)
  for (const [u, n] of b.latency) byUpper.set(u, (byUpper.get(u) ?? 0) + n)
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    failedConnections: a.failedConnections + b.failedConnections,
    latency: [...byUpper.entries()].sort((x, y) => x[0] - y[0]),
  }
}

/**
 * The counters between `base` and `now`. A counter that went down means the load balancer
 * was replaced and counts from zero again: `now` is then the whole window.
 */
export function windowOf(now: RevisionCounters, base: RevisionCounters | undefined): RevisionCounters {
  if (!base) return now
  if (now.requests < base.requests || now.failedConnections < base.failedConnections || now.errors < base.errors) {
    return now
  }
  const before = new Map(base.latency.map(([u, n]) => [u, n]))
  const latency: Array<[number, number]> = []
  for (const [u, n] of now.latency) {
    const d = n - (before.get(u) ?? 0)
    if (d > 0) latency.push([u, d])
  }
  return {
    requests: now.requests - base.requests,
    errors: now.errors - base.errors,
    failedConnections: now.failedConnections - base.failedConnections,
    latency,
  }
}

/** The q-quantile (0..1) of a histogram, as its bucket's upper bound in ms; 0 when empty. */
export function quantileMs(latency: RevisionCounters['latency'], q: number): number {
  let count = 0
  for (const [, n] of latency) count += n
  if (count === 0) return 0
  const rank = Math.ceil(q * count)
  let seen = 0
  for (const [upper, n] of latency) {
    seen += n
    if (seen >= rank) return upper
  }
  return latency[latency.length - 1]![0]
}

/** What a judgement compares against: all set from the Deployment's failure policy. */
export interface Thresholds {
  /** Attempts (requests + failed connections) the new revision needs before it can be judged. */
  minRequests: number
  /** How far the new revision's failure ratio may exceed the stable one's (0.01 = 1 point). */
  maxErrorRatio: number
  /** New p99 may be at most this multiple of the stable p99; undefined: latency not judged. */
  maxP99Ratio?: number
}

/** Below this, a p99 difference is noise on a loopback and never fails a revision. */
export const P99_SLACK_MS = 5

export type Verdict = 'pass' | 'fail' | 'inconclusive'

export interface Figures {
  attempts: number
  failures: number
  /** failures / attempts, 0 without attempts. */
  failureRatio: number
  p99Ms: number
}

export interface Judgement {
  verdict: Verdict
  /** One sentence with the figures that decided, for an Event or a condition. */
  reason: string
  candidate: Figures
  stable?: Figures
}

export function figuresOf(c: RevisionCounters): Figures {
  const attempts = c.requests + c.failedConnections
  const failures = c.errors + c.failedConnections
  return {
    attempts,
    failures,
    failureRatio: attempts === 0 ? 0 : failures / attempts,
    p99Ms: quantileMs(c.latency, 0.99),
  }
}

const pct = (r: number): string => `${(r * 100).toFixed(1)}%`

function describeFigures(f: Figures): string {
  return `${pct(f.failureRatio)} failed (${f.failures} of ${f.attempts}), p99 ${f.p99Ms} ms`
}

/**
 * Judges the new revision's window against the stable revision's window over the same time.
 * fail: its failure ratio exceeds the stable one's by more than maxErrorRatio (the stable
 * ratio counts as 0 while it has too few requests itself), or its p99 exceeds maxP99Ratio ×
 * the stable p99 and by more than P99_SLACK_MS. inconclusive: fewer than minRequests attempts,
 * or a latency limit with no stable sample to compare. pass otherwise.
 */
export function judgeRevision(
  candidate: RevisionCounters,
  stable: RevisionCounters | undefined,
  t: Thresholds,
): Judgement {
  const c = figuresOf(candidate)
  const s = stable ? figuresOf(stable) : undefined
  const withStable = s ? { stable: s } : {}
  const vsStable = s ? `; stable ${describeFigures(s)}` : ''
  if (c.attempts < t.minRequests) {
    return {
      verdict: 'inconclusive',
      reason: `too few requests to judge: ${c.attempts} of the ${t.minRequests} needed${vsStable}`,
      candidate: c,
      ...withStable,
    }
  }
  const stableJudged = s !== undefined && s.attempts >= t.minRequests
  const stableRatio = stableJudged ? s.failureRatio : 0
  if (c.failureRatio > stableRatio + t.maxErrorRatio) {
    return {
      verdict: 'fail',
      reason: `new revision ${describeFigures(c)}, above the limit of ${pct(stableRatio + t.maxErrorRatio)}${vsStable}`,
      candidate: c,
      ...withStable,
    }
  }
  if (t.maxP99Ratio !== undefined) {
    if (!stableJudged) {
      return {
        verdict: 'inconclusive',
        reason: `no stable sample to compare p99 with: new revision ${describeFigures(c)}${vsStable}`,
        candidate: c,
        ...withStable,
      }
    }
    const limit = s.p99Ms * t.maxP99Ratio
    if (c.p99Ms > limit && c.p99Ms - s.p99Ms > P99_SLACK_MS) {
      return {
        verdict: 'fail',
        reason: `new revision p99 ${c.p99Ms} ms is above ${t.maxP99Ratio} × the stable p99 ${s.p99Ms} ms: new revision ${describeFigures(c)}${vsStable}`,
        candidate: c,
        ...withStable,
      }
    }
  }
  return { verdict: 'pass', reason: `new revision ${describeFigures(c)}${vsStable}`, candidate: c, ...withStable }
}
