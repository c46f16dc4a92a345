/**
 * @module
 * The `web` metric provider's pure half: what to request, and a finished request's answer as a
 * measurement (Argo's web provider: a non-2xx answer or an unreadable body is an Error; the
 * result is the JSON at jsonPath, or the whole body).
 */
import { parseJsonPath, readJsonPath } from '../../api/analysis-json-path.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import type { AnalysisMeasurement, AnalysisMetric, WebMetricProvider } from '../../api/types.ts'
import { evaluateResult } from './assess.ts'

export const DEFAULT_WEB_TIMEOUT_SECONDS = 10

/** A GET the daemon makes for a web metric (ControllerDeps.web). */
export interface WebCheck {
  url: string
  headers: Record<string, string>
  timeoutMs: number
}

/** Its outcome: the status and body, or why there is none (refused, timed out...). */
export type WebAnswer = { status: number; body: string } | { error: string }

export function webCheck(p: WebMetricProvider): WebCheck {
  return {
    url: p.url,
    headers: Object.fromEntries((p.headers ?? []).map((h) => [h.key, h.value])),
    timeoutMs: (p.timeoutSeconds ?? DEFAULT_WEB_TIMEOUT_SECONDS) * 1000,
  }
}

export function webMeasurement(
  metric: AnalysisMetric,
  answer: WebAnswer,
  startedAt: string,
  now: number,
): AnalysisMeasurement {
  const finishedAt = formatTimestamp(now)
  const error = (message: string): AnalysisMeasurement => ({ phase: 'Error', message, startedAt, finishedAt })
  if ('error' in answer) return error(answer.error)
  if (answer.status < 200 || answer.status > 299) return error(`received non 2xx response code: ${answer.status}`)
  let doc: unknown
  try {
    doc = JSON.parse(answer.body)
  } catch {
    if (metric.provider.web?.jsonPath !== undefined) return error('the answer is not JSON')
    doc = answer.body
  }
  let result = doc
  const path = metric.provider.web?.jsonPath
  if (path !== undefined) {
    const steps = parseJsonPath(path)
    if (typeof steps === 'string') return error(`jsonPath: ${steps}`)
    const read = readJsonPath(doc, steps)
    if ('missing' in read) return error(`jsonPath ${path}: ${read.missing}`)
    result = read.value
  }
  const value = typeof result === 'string' ? result : JSON.stringify(result)
  return { ...evaluateResult(result, metric), value, startedAt, finishedAt }
}
