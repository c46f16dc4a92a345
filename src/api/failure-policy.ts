/**
 * @module
 * A Deployment's failure policy: Docker Swarm's `update_config` (failure_action, monitor,
 * max_failure_ratio) plus thresholds on the new revision's own traffic, written as
 * `baton.dev/` annotations so the manifest stays valid Kubernetes YAML. The policy is on when
 * `baton.dev/failure-action` is set; the other keys only tune it. docs/failure-policy.md.
 */
import { parseDuration } from './go-duration.ts'
import { at, type FieldError, invalid, required, unsupported } from './field-errors.ts'

export const FAILURE_ACTION_ANNOTATION = 'baton.dev/failure-action'
export const FAILURE_MONITOR_ANNOTATION = 'baton.dev/failure-monitor'
export const MAX_FAILURE_RATIO_ANNOTATION = 'baton.dev/max-failure-ratio'
export const MAX_ERROR_RATIO_ANNOTATION = 'baton.dev/max-error-ratio'
export const MAX_P99_RATIO_ANNOTATION = 'baton.dev/max-p99-ratio'
export const MIN_REQUESTS_ANNOTATION = 'baton.dev/min-requests'

export const FAILURE_ACTIONS = ['rollback', 'pause', 'continue'] as const
export type FailureAction = (typeof FAILURE_ACTIONS)[number]

export interface FailurePolicy {
  action: FailureAction
  /** How long each new pod is watched after it becomes available (Swarm's --update-monitor). */
  monitorMs: number
  /** Fraction of the desired replicas that may fail before the action (Swarm's --update-max-failure-ratio). */
  maxFailureRatio: number
  /** How far the new revision's failure ratio may exceed the stable one's. */
  maxErrorRatio: number
  /** New p99 at most this multiple of the stable p99; undefined: latency not judged. */
  maxP99Ratio?: number
  /** Requests the new revision needs before its figures can decide anything. */
  minRequests: number
}

/** Swarm's defaults for monitor (5s) and max_failure_ratio (0). */
export const DEFAULT_MONITOR_MS = 5_000
export const DEFAULT_MAX_ERROR_RATIO = 0.01
export const DEFAULT_MIN_REQUESTS = 100

const TUNING = [
  FAILURE_MONITOR_ANNOTATION,
  MAX_FAILURE_RATIO_ANNOTATION,
  MAX_ERROR_RATIO_ANNOTATION,
  MAX_P99_RATIO_ANNOTATION,
  MIN_REQUESTS_ANNOTATION,
] as const

const field = (key: string): string => at('metadata', `annotations[${key}]`)
const DOCS = 'See docs/failure-policy.md.'

type Parsed = { value: number } | { error: FieldError }

function ratio(key: string, text: string, max: number): Parsed {
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  if (!Number.isFinite(n) || n > max) {
    return { error: invalid(field(key), text, `must be a number from 0 to ${max}`, `Write e.g. "0.05". ${DOCS}`) }
  }
  return { value: n }
}

function parse(key: string, text: string): Parsed {
  switch (key) {
    case FAILURE_MONITOR_ANNOTATION: {
      try {
        const ms = parseDuration(text, key)
        if (ms > 0) return { value: ms }
      } catch {
        // reported below, with the annotation's path
      }
      return { error: invalid(field(key), text, 'must be a positive duration', `Write e.g. "10s" or "1m". ${DOCS}`) }
    }
    case MAX_FAILURE_RATIO_ANNOTATION:
    case MAX_ERROR_RATIO_ANNOTATION:
      return ratio(key, text, 1)
    case MAX_P99_RATIO_ANNOTATION: {
      const r = ratio(key, text, Number.MAX_SAFE_INTEGER)
      if ('value' in r && r.value < 1) {
        return {
          error: invalid(field(key), text, 'must be at least 1', `Write e.g. "2" (twice the stable p99). ${DOCS}`),
        }
      }
      return r
    }
    default: {
      const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN
      if (!Number.isSafeInteger(n) || n < 1) {
        return { error: invalid(field(key), text, 'must be a whole number of at least 1', `Write e.g. "100". ${DOCS}`) }
      }
      return { value: n }
    }
  }
}

/** Every problem with the policy's annotations, as field errors of metadata.annotations. */
export function failurePolicyErrors(annotations: Readonly<Record<string, string>> | undefined): FieldError[] {
  const a = annotations ?? {}
  const errs: FieldError[] = []
  const action = a[FAILURE_ACTION_ANNOTATION]
  if (action !== undefined && !(FAILURE_ACTIONS as readonly string[]).includes(action)) {
    errs.push(unsupported(field(FAILURE_ACTION_ANNOTATION), action, FAILURE_ACTIONS, DOCS))
  }
  for (const key of TUNING) {
    const text = a[key]
    if (text === undefined) continue
    if (action === undefined) {
      errs.push(
        required(
          field(FAILURE_ACTION_ANNOTATION),
          `${key} only tunes a failure policy`,
          `Set ${FAILURE_ACTION_ANNOTATION} to rollback, pause or continue, or remove ${key}.`,
        ),
      )
      continue
    }
    const p = parse(key, text)
    if ('error' in p) errs.push(p.error)
  }
  return errs
}

/** The policy the annotations describe, or undefined when it is off (or malformed: admission refuses those). */
export function failurePolicyOf(annotations: Readonly<Record<string, string>> | undefined): FailurePolicy | undefined {
  const a = annotations ?? {}
  const action = a[FAILURE_ACTION_ANNOTATION]
  if (!(FAILURE_ACTIONS as readonly string[]).includes(action ?? '')) return undefined
  if (failurePolicyErrors(a).length > 0) return undefined
  const num = (key: string, fallback: number): number => {
    const text = a[key]
    if (text === undefined) return fallback
    const p = parse(key, text)
    return 'value' in p ? p.value : fallback
  }
  const p99 = a[MAX_P99_RATIO_ANNOTATION]
  return {
    action: action as FailureAction,
    monitorMs: num(FAILURE_MONITOR_ANNOTATION, DEFAULT_MONITOR_MS),
    maxFailureRatio: num(MAX_FAILURE_RATIO_ANNOTATION, 0),
    maxErrorRatio: num(MAX_ERROR_RATIO_ANNOTATION, DEFAULT_MAX_ERROR_RATIO),
    ...(p99 !== undefined ? { maxP99Ratio: num(MAX_P99_RATIO_ANNOTATION, 1) } : {}),
    minRequests: num(MIN_REQUESTS_ANNOTATION, DEFAULT_MIN_REQUESTS),
  }
}
