/**
 * @module
 * One request of a verification run and how it ended. The load generator (load-run.ts)
 * writes these; the report (report.ts) reads them.
 */

/**
 * ok: a 2xx answer. http: any other status. error: the connection failed (refused, reset,
 * …; `detail` is the error code). timeout: no complete answer within the timeout.
 * unfinished: still open when the run had to end.
 */
export type OutcomeKind = 'ok' | 'http' | 'error' | 'timeout' | 'unfinished'

export interface RequestRecord {
  /** Epoch ms (fractions allowed) at which the request was started. */
  start: number
  /** Milliseconds from start to the outcome; 0 while unfinished. */
  latencyMs: number
  kind: OutcomeKind
  /** Status code for ok/http, error code for error, "" otherwise. */
  detail: string
  /** The app version that answered (header, else the body's first word). */
  version?: string
  /**
   * The failure came after the answer had begun (status line received, then the connection
   * broke): the replica died mid-answer, which no load balancer can retry, unlike a request
   * whose replica failed before answering.
   */
  midAnswer?: true
}

/** The key a failure is counted under: "http_503", "ECONNRESET", "timeout", … */
export function failureKey(r: RequestRecord): string {
  if (r.kind === 'http') return `http_${r.detail}`
  if (r.kind === 'error') return r.detail || 'error'
  return r.kind
}
