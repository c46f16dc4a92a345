/**
 * @module
 * How long a pod of a template takes to get ready and to go, estimated from its settings for
 * `baton rollout plan`. Readiness: the slowest container's initialDelaySeconds + periodSeconds
 * × successThreshold (the probe passes on its first try after the delay only if the app is
 * already up, so one full period per success is the honest guess). Termination: pods that
 * drain and exit promptly take about a second; the grace period is the ceiling.
 *
 * Example: examples/web (readinessProbe periodSeconds 1, no delay) → readyMs 1000;
 * a probe with initialDelaySeconds 5, periodSeconds 10, successThreshold 2 → 25 000.
 */
import type { Deployment } from '../api/types.ts'
import { minReadySeconds } from './spec-defaults.ts'

export interface TimingBasis {
  readyMs: number
  initialDelaySeconds: number
  periodSeconds: number
  successThreshold: number
  /** False: no container has a readiness probe, so a pod counts as ready once started. */
  probed: boolean
  minReadySeconds: number
  terminateMs: number
  terminationGracePeriodSeconds: number
}

/** Kubernetes' probe defaults (api/defaults.ts fills the same on write). */
const PERIOD_SECONDS = 10
const SUCCESS_THRESHOLD = 1
const GRACE_SECONDS = 30
/** A replica that drains and exits on SIGTERM. */
const PROMPT_EXIT_MS = 1000

export function estimateTiming(d: Deployment): TimingBasis {
  const spec = d.spec.template.spec
  const grace = spec.terminationGracePeriodSeconds ?? GRACE_SECONDS
  const basis: TimingBasis = {
    readyMs: 0,
    initialDelaySeconds: 0,
    periodSeconds: 0,
    successThreshold: 0,
    probed: false,
    minReadySeconds: minReadySeconds(d),
    terminateMs: Math.min(PROMPT_EXIT_MS, grace * 1000),
    terminationGracePeriodSeconds: grace,
  }
  for (const c of spec.containers) {
    const p = c.readinessProbe
    if (!p) continue
    const initial = p.initialDelaySeconds ?? 0
    const period = p.periodSeconds || PERIOD_SECONDS
    const success = p.successThreshold || SUCCESS_THRESHOLD
    const ms = (initial + period * success) * 1000
    if (!basis.probed || ms > basis.readyMs) {
      Object.assign(basis, {
        readyMs: ms,
        initialDelaySeconds: initial,
        periodSeconds: period,
        successThreshold: success,
        probed: true,
      })
    }
  }
  return basis
}
