/**
 * @module
 * Rules for Argo Rollouts' `Rollout` (pkg/apis/rollouts/validation): the workload rules a
 * Deployment has (selector, template, counts) plus the canary's own: one action per step,
 * setWeight 0–100, pause durations Argo accepts, distinct canary and stable Services.
 * Runs on the defaulted object.
 */
import { type FieldError, forbidden, idx, invalid, required } from './field-errors.ts'
import { isInt, isPresent } from './guards.ts'
import { pauseSeconds } from './rollout-duration.ts'
import type {
  Rollout,
  RolloutAnalysis,
  RolloutBlueGreenStrategy,
  RolloutCanaryStrategy,
  RolloutHeaderRoute,
} from './types.ts'
import { validateArgs } from './validate-analysis.ts'
import { nonNegative } from './validate-meta.ts'
import { literalValue, validateIntOrPercent, validateSelectorAndTemplate } from './validate-workloads.ts'

const STRATEGY_HINT =
  'Give spec.strategy exactly one of canary (with steps, e.g. [{setWeight: 20}, {pause: {}}]) or blueGreen (with activeService).'

function validateBlueGreen(b: RolloutBlueGreenStrategy): FieldError[] {
  const base = 'spec.strategy.blueGreen'
  const errs: FieldError[] = []
  if (!b.activeService) errs.push(required(`${base}.activeService`, '', 'Name the Service that gets the traffic.'))
  if (b.previewService !== undefined && b.previewService === b.activeService) {
    errs.push(
      invalid(
        `${base}.previewService`,
        b.previewService,
        'must differ from activeService',
        'Name two different Services.',
      ),
    )
  }
  for (const f of ['autoPromotionSeconds', 'scaleDownDelaySeconds', 'abortScaleDownDelaySeconds'] as const) {
    errs.push(...nonNegative(b[f], `${base}.${f}`))
  }
  if (b.previewReplicaCount !== undefined && b.previewReplicaCount < 1) {
    errs.push(invalid(`${base}.previewReplicaCount`, b.previewReplicaCount, 'must be at least 1'))
  }
  for (const f of ['prePromotionAnalysis', 'postPromotionAnalysis'] as const) {
    const a = b[f]
    if (a) errs.push(...validateAnalysisRef(a, `${base}.${f}`))
  }
  if (b.autoPromotionSeconds !== undefined && b.autoPromotionEnabled === false) {
    errs.push(
      forbidden(
        `${base}.autoPromotionSeconds`,
        'may not be set with autoPromotionEnabled: false',
        'Remove one of the two.',
      ),
    )
  }
  return errs
}
const STEP_HINT =
  'Give each step exactly one of setWeight, pause or analysis, e.g. - setWeight: 20, - pause: {duration: 30s} or - analysis: {templates: [{templateName: errors}]}.'

function validateAnalysisRef(a: RolloutAnalysis, path: string): FieldError[] {
  const errs: FieldError[] = []
  const templates = Array.isArray(a.templates) ? a.templates : []
  if (templates.length === 0) {
    errs.push(
      required(`${path}.templates`, '', 'Name at least one AnalysisTemplate: templates: [{templateName: NAME}].'),
    )
  }
  templates.forEach((t, i) => {
    if (!t?.templateName) errs.push(required(`${idx(`${path}.templates`, i)}.templateName`))
  })
  errs.push(...validateArgs(a.args, `${path}.args`))
  return errs
}
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const HEADER_HINT =
  'Write each match as {headerName: X-Canary, headerValue: {exact: "yes"}} (or prefix, or regex); a step with a name and no match removes that route.'

function validateHeaderRoute(r: RolloutHeaderRoute, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (!r.name) errs.push(required(`${path}.name`, '', 'Name the route, so a later step can remove it.'))
  ;(r.match ?? []).forEach((m, i) => {
    const at = idx(`${path}.match`, i)
    if (!HEADER_NAME.test(m.headerName ?? '')) {
      errs.push(invalid(`${at}.headerName`, m.headerName ?? '', 'must be an HTTP header name', HEADER_HINT))
    }
    const kinds = Object.keys(m.headerValue ?? {}).filter(
      (k) => (m.headerValue as Record<string, unknown>)[k] !== undefined,
    )
    if (kinds.length !== 1) {
      errs.push(
        invalid(
          `${at}.headerValue`,
          m.headerValue ?? null,
          'must have exactly one of exact, prefix or regex',
          HEADER_HINT,
        ),
      )
      return
    }
    const regex = m.headerValue.regex
    if (regex !== undefined) {
      try {
        new RegExp(regex)
      } catch (err) {
        errs.push(invalid(`${at}.headerValue.regex`, regex, `does not compile: ${(err as Error).message}`, HEADER_HINT))
      }
    }
  })
  return errs
}

const DURATION_HINT = 'Write a pause duration as whole seconds (30) or with one unit: "30s", "5m", "1h".'

function validateCanary(c: RolloutCanaryStrategy): FieldError[] {
  const base = 'spec.strategy.canary'
  const errs: FieldError[] = []
  ;(c.steps ?? []).forEach((step, i) => {
    const path = idx(`${base}.steps`, i)
    const actions = Object.keys(step).filter((k) => (step as Record<string, unknown>)[k] !== undefined)
    if (actions.length !== 1) {
      errs.push(
        invalid(path, step, 'a step must have exactly one of setWeight, pause, analysis or setHeaderRoute', STEP_HINT),
      )
      return
    }
    if (step.setWeight !== undefined && (step.setWeight < 0 || step.setWeight > 100)) {
      errs.push(
        invalid(`${path}.setWeight`, step.setWeight, 'must be between 0 and 100', 'Write a percentage from 0 to 100.'),
      )
    }
    if (step.analysis) errs.push(...validateAnalysisRef(step.analysis, `${path}.analysis`))
    if (step.setHeaderRoute) errs.push(...validateHeaderRoute(step.setHeaderRoute, `${path}.setHeaderRoute`))
    const d = step.pause?.duration
    if (d !== undefined && pauseSeconds(d) === undefined) {
      errs.push(invalid(`${path}.pause.duration`, d, 'must be a non-negative duration', DURATION_HINT))
    }
  })
  errs.push(
    ...validateIntOrPercent(c.maxSurge, `${base}.maxSurge`),
    ...validateIntOrPercent(c.maxUnavailable, `${base}.maxUnavailable`),
  )
  if (
    c.maxSurge !== undefined &&
    c.maxUnavailable !== undefined &&
    literalValue(c.maxSurge) === 0 &&
    literalValue(c.maxUnavailable) === 0
  ) {
    const hint = 'Allow at least one extra pod (maxSurge: 1) or one unavailable pod (maxUnavailable: 1).'
    errs.push(invalid(`${base}.maxUnavailable`, c.maxUnavailable, 'may not be 0 when `maxSurge` is 0', hint))
  }
  // With the load balancer as the router the canary is sized from its weight and the stable stays
  // at full size (Argo's traffic-routed canary): the fenceposts bound only dynamicStableScale.
  for (const f of ['maxSurge', 'maxUnavailable'] as const) {
    if (c[f] !== undefined && c.dynamicStableScale !== true) {
      errs.push(
        forbidden(
          `${base}.${f}`,
          'only used with dynamicStableScale: true: the canary is sized from setWeight and the stable ReplicaSet stays at full size',
          `Remove ${f}, or set dynamicStableScale: true to shrink the stable ReplicaSet as the weight moves.`,
        ),
      )
    }
  }
  errs.push(...nonNegative(c.abortScaleDownDelaySeconds, `${base}.abortScaleDownDelaySeconds`))
  if (c.analysis) {
    errs.push(...validateAnalysisRef(c.analysis, `${base}.analysis`))
    const start = c.analysis.startingStep
    if (start !== undefined && (start < 0 || start > (c.steps ?? []).length)) {
      errs.push(
        invalid(
          `${base}.analysis.startingStep`,
          start,
          `must be between 0 and the number of steps (${(c.steps ?? []).length})`,
        ),
      )
    }
  }
  if (c.canaryService !== undefined && c.canaryService === c.stableService) {
    errs.push(
      invalid(
        `${base}.stableService`,
        c.stableService,
        'must differ from canaryService',
        'Name two different Services.',
      ),
    )
  }
  return errs
}

export function validateRolloutSpec(r: Rollout): FieldError[] {
  const spec: Partial<Rollout['spec']> = isPresent(r.spec) ? r.spec : {}
  const errs = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'rollout'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'),
  ]
  const pds = spec.progressDeadlineSeconds
  if (isInt(pds) && pds <= (isInt(spec.minReadySeconds) ? spec.minReadySeconds : 0)) {
    errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'))
  }
  const canary = isPresent(spec.strategy) ? spec.strategy.canary : undefined
  const blueGreen = isPresent(spec.strategy) ? spec.strategy.blueGreen : undefined
  if (!isPresent(spec.strategy)) errs.push(required('spec.strategy', '', STRATEGY_HINT))
  else if (isPresent(canary) === isPresent(blueGreen)) {
    errs.push(forbidden('spec.strategy', 'exactly one of canary or blueGreen must be set', STRATEGY_HINT))
  } else if (isPresent(canary)) errs.push(...validateCanary(canary))
  else if (isPresent(blueGreen)) errs.push(...validateBlueGreen(blueGreen))
  return errs
}
