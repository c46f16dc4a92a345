/**
 * @module
 * A probe's timing fields with Kubernetes' defaults filled in, in milliseconds.
 */
import type { Probe } from '../api/types.ts'

export type ProbeKind = 'startup' | 'readiness' | 'liveness'

/** Kubernetes' defaults for every probe field left out of a manifest. */
export const PROBE_DEFAULTS = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
} as const

export interface ProbeTiming {
  initialDelayMs: number
  periodMs: number
  timeoutMs: number
  successThreshold: number
  failureThreshold: number
}

/**
 * Liveness and startup probes must have successThreshold 1 (the API server rejects other
 * values), so it is forced here rather than trusted.
 */
export function probeTiming(probe: Probe, kind: ProbeKind): ProbeTiming {
  const seconds = (v: number | undefined, d: number, min: number) => Math.max(min, v ?? d) * 1000
  const count = (v: number | undefined, d: number) => Math.max(1, Math.floor(v ?? d))
  return {
    initialDelayMs: seconds(probe.initialDelaySeconds, PROBE_DEFAULTS.initialDelaySeconds, 0),
    periodMs: seconds(probe.periodSeconds, PROBE_DEFAULTS.periodSeconds, 1),
    timeoutMs: seconds(probe.timeoutSeconds, PROBE_DEFAULTS.timeoutSeconds, 1),
    successThreshold: kind === 'readiness' ? count(probe.successThreshold, PROBE_DEFAULTS.successThreshold) : 1,
    failureThreshold: count(probe.failureThreshold, PROBE_DEFAULTS.failureThreshold),
  }
}
