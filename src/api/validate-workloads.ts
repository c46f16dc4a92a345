/**
 * @module
 * Rules for the workload kinds that own pods through a template: Deployment, ReplicaSet and
 * StatefulSet (apps/validation ValidateDeploymentSpec and friends). Runs on the defaulted
 * object, so strategy type, rollingUpdate, progressDeadlineSeconds and restartPolicy are set.
 *
 * Only the syntax of maxSurge / maxUnavailable is checked here; resolving them against a
 * replica count (rounding) is the rollout planner's business.
 */
import { configRolloutErrors } from './config-snapshot.ts'
import { failurePolicyErrors } from './failure-policy.ts'
import { warmWindowErrors } from './warm-window.ts'
import { type FieldError, duplicate, forbidden, invalid, required, unsupported } from './field-errors.ts'
import { isInt, isPresent } from './guards.ts'
import { isEmptySelector, matchesSelector } from './labels.ts'
import { validatePodSpec } from './validate-pod-spec.ts'
import { nonNegative, validateLabelSelector, validateMetaMaps } from './validate-meta.ts'
import type { Deployment, IntOrString, LabelSelector, PodTemplateSpec, ReplicaSet, StatefulSet } from './types.ts'

const PERCENT_RE = /^[0-9]+%$/
const INT_OR_PERCENT_HINT = 'Write a whole number (1) or a percentage string ("25%").'
const SELECTOR_HINT = 'Make spec.selector.matchLabels a subset of spec.template.metadata.labels (same keys and values).'
const RESTART_HINT = 'Pods of a controller always restart; remove restartPolicy.'
const RECREATE_HINT = 'Remove spec.strategy.rollingUpdate, or use type: RollingUpdate.'
const BOTH_ZERO_HINT = 'Allow at least one extra pod (maxSurge: 1) or one unavailable pod (maxUnavailable: 1).'
const DEADLINE_HINT = 'A pod must be able to become available before the progress deadline passes.'

/** The literal number in 3 or "30%" (Go's getIntOrPercentValue: a non-numeric string counts as 0). */
export function literalValue(v: IntOrString): number {
  if (typeof v === 'number') return v
  const digits = v.endsWith('%') ? v.slice(0, -1) : v
  return /^-?[0-9]+$/.test(digits) ? Number(digits) : 0
}

/** ValidatePositiveIntOrPercent: a non-negative integer, or a string "N%". */
export function validateIntOrPercent(v: IntOrString | undefined, path: string): FieldError[] {
  if (typeof v === 'string' && !PERCENT_RE.test(v)) {
    return [invalid(path, v, "must be an integer or percentage (e.g '5%')", INT_OR_PERCENT_HINT)]
  }
  if (typeof v === 'number' && v < 0)
    return [invalid(path, v, 'must be greater than or equal to 0', INT_OR_PERCENT_HINT)]
  return []
}

function notOver100Percent(v: IntOrString | undefined, path: string): FieldError[] {
  return typeof v === 'string' && PERCENT_RE.test(v) && literalValue(v) > 100
    ? [invalid(path, v, 'must not be greater than 100%', 'A percentage of the desired replicas is at most 100%.')]
    : []
}

/**
 * Selector present, non-empty and matching the template's labels; the template valid, with
 * restartPolicy Always (these controllers replace pods, they never let one finish).
 */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  kindWord: string,
  claims: ReadonlySet<string> = new Set(),
): FieldError[] {
  const errs: FieldError[] = []
  // Matching against the template only means something for a well-formed, non-empty selector.
  let usable = false
  if (!isPresent(selector)) errs.push(required('spec.selector', '', SELECTOR_HINT))
  else {
    const selectorErrs = validateLabelSelector(selector, 'spec.selector')
    errs.push(...selectorErrs)
    if (isEmptySelector(selector)) {
      errs.push(invalid('spec.selector', selector, `empty selector is invalid for ${kindWord}`, SELECTOR_HINT))
    } else usable = selectorErrs.length === 0
  }
  const t = isPresent(template) ? template : undefined
  const labels = isPresent(t?.metadata) ? t.metadata.labels : undefined
  if (usable && isPresent(selector) && !matchesSelector(selector, isPresent(labels) ? labels : {})) {
    const detail = '`selector` does not match template `labels`'
    errs.push(invalid('spec.template.metadata.labels', labels ?? null, detail, SELECTOR_HINT))
  }
  errs.push(...validateMetaMaps(t?.metadata, 'spec.template.metadata'))
  errs.push(...validatePodSpec(t?.spec, 'spec.template.spec', claims))
  const spec = isPresent(t?.spec) ? t.spec : undefined
  if (spec?.restartPolicy !== undefined && spec.restartPolicy !== 'Always') {
    errs.push(unsupported('spec.template.spec.restartPolicy', spec.restartPolicy, ['Always'], RESTART_HINT))
  }
  if (spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported'),
    )
  }
  return errs
}

export function validateDeploymentSpec(d: Deployment): FieldError[] {
  const spec: Partial<Deployment['spec']> = isPresent(d.spec) ? d.spec : {}
  const errs = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment'),
  ]
  const strategy = isPresent(spec.strategy) ? spec.strategy : {}
  const ru = isPresent(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined
  if (strategy.type === 'Recreate' && strategy.rollingUpdate !== undefined) {
    const detail = "may not be specified when strategy `type` is 'Recreate'"
    errs.push(forbidden('spec.strategy.rollingUpdate', detail, RECREATE_HINT))
  }
  if (strategy.type === 'RollingUpdate' && ru) {
    const surgePath = 'spec.strategy.rollingUpdate.maxSurge'
    const unavailablePath = 'spec.strategy.rollingUpdate.maxUnavailable'
    errs.push(
      ...validateIntOrPercent(ru.maxUnavailable, unavailablePath),
      ...validateIntOrPercent(ru.maxSurge, surgePath),
    )
    // With nothing allowed above or below the desired count, no pod could ever be replaced.
    const { maxUnavailable, maxSurge } = ru
    if (
      maxUnavailable !== undefined &&
      maxSurge !== undefined &&
      literalValue(maxUnavailable) === 0 &&
      literalValue(maxSurge) === 0
    ) {
      errs.push(invalid(unavailablePath, maxUnavailable, 'may not be 0 when `maxSurge` is 0', BOTH_ZERO_HINT))
    }
    errs.push(...notOver100Percent(ru.maxUnavailable, unavailablePath))
  }
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'))
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'))
  const pds = spec.progressDeadlineSeconds
  errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'))
  const minReady = isInt(spec.minReadySeconds) ? spec.minReadySeconds : 0
  if (isInt(pds) && pds <= minReady) {
    errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds', DEADLINE_HINT))
  }
  errs.push(...failurePolicyErrors(d.metadata?.annotations))
  errs.push(...configRolloutErrors(d.metadata?.annotations))
  errs.push(...warmWindowErrors(d))
  return errs
}

export function validateReplicaSetSpec(rs: ReplicaSet): FieldError[] {
  const spec: Partial<ReplicaSet['spec']> = isPresent(rs.spec) ? rs.spec : {}
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    // Kubernetes words the ReplicaSet case "for deployment" too.
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment'),
  ]
}

export function validateStatefulSetSpec(ss: StatefulSet): FieldError[] {
  const spec: Partial<StatefulSet['spec']> = isPresent(ss.spec) ? ss.spec : {}
  const claimNames = new Set<string>()
  const claimErrs: FieldError[] = []
  for (const [i, t] of (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).entries()) {
    const p = `spec.volumeClaimTemplates[${i}].metadata.name`
    const name = isPresent(t?.metadata) ? t.metadata.name : undefined
    if (typeof name !== 'string' || name === '') claimErrs.push(required(p))
    else if (claimNames.has(name)) claimErrs.push(duplicate(p, name))
    else claimNames.add(name)
  }
  const errs = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.ordinals?.start, 'spec.ordinals.start'),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'statefulset', claimNames),
    ...claimErrs,
  ]
  const strategy = isPresent(spec.updateStrategy) ? spec.updateStrategy : {}
  const ru = isPresent(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined
  if (strategy.type === 'OnDelete' && strategy.rollingUpdate !== undefined) {
    const detail = "only allowed for updateStrategy 'RollingUpdate'"
    errs.push(invalid('spec.updateStrategy.rollingUpdate', strategy.rollingUpdate, detail))
  }
  if (ru) {
    errs.push(...nonNegative(ru.partition, 'spec.updateStrategy.rollingUpdate.partition'))
    const p = 'spec.updateStrategy.rollingUpdate.maxUnavailable'
    errs.push(...validateIntOrPercent(ru.maxUnavailable, p), ...notOver100Percent(ru.maxUnavailable, p))
    if (ru.maxUnavailable !== undefined && literalValue(ru.maxUnavailable) === 0) {
      errs.push(invalid(p, ru.maxUnavailable, 'must be greater than 0'))
    }
  }
  return errs
}
