/**
 * @module
 * Rules for AnalysisTemplate and AnalysisRun (Argo's analysis validation, ValidateMetric) plus
 * Baton's own: exactly one provider that Baton implements, conditions in the language Baton
 * evaluates (analysis-expression.ts), a jsonPath that selects one value, durations Argo accepts.
 * A `{{args.NAME}}` placeholder stands for a value given when the run is made; it is checked
 * as if it were a number.
 */
import { conditionError } from './analysis-expression.ts'
import { parseJsonPath } from './analysis-json-path.ts'
import { type FieldError, duplicate, forbidden, idx, invalid, required, unsupported } from './field-errors.ts'
import { isPresent } from './guards.ts'
import { pauseSeconds } from './rollout-duration.ts'
import { metadataField } from './rollout-field-path.ts'
import type { AnalysisMetric, AnalysisRunArgument, BatonMetricName, IntOrString, JobMetricProvider } from './types.ts'
import { validatePodSpec } from './validate-pod-spec.ts'

export const BATON_METRICS: readonly BatonMetricName[] = [
  'errorRatio',
  'successRate',
  'errorCount',
  'requestRate',
  'p50',
  'p95',
  'p99',
]

const PLACEHOLDER = /\{\{\s*args\.[A-Za-z0-9_.-]+\s*\}\}/g
const hasPlaceholder = (s: string): boolean => s.replace(PLACEHOLDER, '') !== s
const CONDITION_HINT =
  'Write a condition like result < 0.05, result[0] >= 0.95 or result.ok == true (and/or/not, parentheses); docs/analysis.md lists what Baton evaluates.'
const DURATION_HINT = 'Write a duration as whole seconds with one unit: "30s", "5m", "1h".'

/** A count-like field: a non-negative integer (or a string of one, or an args placeholder). */
function countOf(v: IntOrString | undefined): number | undefined {
  if (v === undefined) return undefined
  if (typeof v === 'number') return v
  return /^\d+$/.test(v) ? Number(v) : Number.NaN
}

function validateCount(v: IntOrString | undefined, path: string): FieldError[] {
  if (v === undefined || (typeof v === 'string' && v.replace(PLACEHOLDER, '').trim() === '' && v.trim() !== ''))
    return []
  const n = countOf(v)
  if (n === undefined || (Number.isInteger(n) && n >= 0)) return []
  return [invalid(path, v, 'must be a whole number greater than or equal to 0')]
}

function validateProvider(m: AnalysisMetric, path: string): FieldError[] {
  const p = isPresent(m.provider) ? m.provider : {}
  const set = Object.keys(p).filter((k) => (p as Record<string, unknown>)[k] !== undefined)
  if (set.length !== 1) {
    return [
      invalid(
        `${path}.provider`,
        set,
        'must name exactly one provider',
        'Give provider.baton (figures of the revision), provider.web or provider.job.',
      ),
    ]
  }
  const errs: FieldError[] = []
  if (p.baton) {
    const b = p.baton
    if (!BATON_METRICS.includes(b.metric)) {
      errs.push(unsupported(`${path}.provider.baton.metric`, b.metric, BATON_METRICS))
    }
    if (b.revision !== undefined && b.revision !== 'Latest' && b.revision !== 'Stable') {
      errs.push(unsupported(`${path}.provider.baton.revision`, b.revision, ['Latest', 'Stable']))
    }
    if (b.minRequests !== undefined && b.minRequests < 1) {
      errs.push(invalid(`${path}.provider.baton.minRequests`, b.minRequests, 'must be at least 1'))
    }
  }
  if (p.web) {
    const w = p.web
    const url = w.url.replace(PLACEHOLDER, 'x')
    if (!/^https?:\/\/[^/]/.test(url)) {
      errs.push(
        invalid(
          `${path}.provider.web.url`,
          w.url,
          'must be an http:// or https:// URL',
          'e.g. http://127.0.0.1:8080/healthz',
        ),
      )
    }
    if (w.method !== undefined && w.method !== 'GET') {
      errs.push(unsupported(`${path}.provider.web.method`, w.method, ['GET'], 'Baton sends only GET requests.'))
    }
    if (w.timeoutSeconds !== undefined && w.timeoutSeconds < 1) {
      errs.push(invalid(`${path}.provider.web.timeoutSeconds`, w.timeoutSeconds, 'must be at least 1'))
    }
    if (w.jsonPath !== undefined) {
      const parsed = parseJsonPath(w.jsonPath)
      if (typeof parsed === 'string') {
        errs.push(
          invalid(
            `${path}.provider.web.jsonPath`,
            w.jsonPath,
            parsed,
            'Select one value, e.g. {$.data.ok} or {$.items[0].rate}.',
          ),
        )
      }
    }
  }
  if (p.job) {
    errs.push(...validateJob(p.job, `${path}.provider.job`))
    for (const f of ['successCondition', 'failureCondition'] as const) {
      if (m[f] !== undefined) {
        errs.push(
          forbidden(
            `${path}.${f}`,
            'a job metric is judged by its exit code',
            'Remove the condition: exit 0 is Successful, a failure after backoffLimit retries is Failed.',
          ),
        )
      }
    }
  }
  return errs
}

/** The restart policies a Job's pods may have (Kubernetes refuses Always for a Job). */
const JOB_RESTART_POLICIES = ['OnFailure', 'Never']
const JOB_RESTART_HINT =
  "A Job's pod runs to completion: use restartPolicy OnFailure (a failed container is restarted in the same pod) or Never (a failed attempt is retried as a new pod); both count toward backoffLimit."

/**
 * A job metric's Job: its pod template as any pod's, restartPolicy OnFailure or Never (as
 * Kubernetes' Job validation: Always would restart a container that exited 0, so the Job could
 * never complete), and one pod at a time, the only Job shape a measurement has.
 */
function validateJob(job: JobMetricProvider, path: string): FieldError[] {
  const spec = isPresent(job.spec) ? job.spec : ({} as Partial<JobMetricProvider['spec']>)
  const sp = `${path}.spec`
  const errs = validatePodSpec(spec.template?.spec, `${sp}.template.spec`)
  const policy = spec.template?.spec?.restartPolicy
  if (policy === undefined) {
    errs.push(required(`${sp}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"', JOB_RESTART_HINT))
  } else if (!JOB_RESTART_POLICIES.includes(policy)) {
    errs.push(unsupported(`${sp}.template.spec.restartPolicy`, policy, JOB_RESTART_POLICIES, JOB_RESTART_HINT))
  }
  if (spec.backoffLimit !== undefined && spec.backoffLimit < 0) {
    errs.push(invalid(`${sp}.backoffLimit`, spec.backoffLimit, 'must be greater than or equal to 0'))
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds < 1) {
    errs.push(invalid(`${sp}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be at least 1'))
  }
  for (const f of ['parallelism', 'completions'] as const) {
    const v = spec[f]
    if (v !== undefined && v !== 1) {
      errs.push(
        unsupported(
          `${sp}.${f}`,
          v,
          ['1'],
          "A job metric runs one pod per attempt: its measurement is that pod's exit code.",
        ),
      )
    }
  }
  if (spec.completionMode !== undefined && spec.completionMode !== 'NonIndexed') {
    errs.push(unsupported(`${sp}.completionMode`, spec.completionMode, ['NonIndexed'], 'Baton runs no indexed Jobs.'))
  }
  if (spec.suspend === true) {
    errs.push(
      forbidden(
        `${sp}.suspend`,
        'a job metric cannot be suspended',
        'Remove suspend: a measurement runs its job at once.',
      ),
    )
  }
  return errs
}

/** ValidateMetric, and the conditions and provider Baton evaluates. */
export function validateMetric(m: AnalysisMetric, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (!m.name) errs.push(required(`${path}.name`))
  for (const f of ['interval', 'initialDelay'] as const) {
    const d = m[f]
    if (d !== undefined && !hasPlaceholder(d) && pauseSeconds(d) === undefined) {
      errs.push(invalid(`${path}.${f}`, d, 'must be a duration', DURATION_HINT))
    }
  }
  for (const f of ['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit'] as const) {
    errs.push(...validateCount(m[f], `${path}.${f}`))
  }
  const count = countOf(m.count)
  if (count !== undefined && count > 1 && m.interval === undefined) {
    errs.push(required(`${path}.interval`, 'must be specified when count > 1', 'Give an interval, e.g. interval: 30s.'))
  }
  for (const f of ['failureLimit', 'inconclusiveLimit'] as const) {
    const limit = countOf(m[f])
    if (count !== undefined && count > 0 && limit !== undefined && count < limit) {
      errs.push(invalid(`${path}.count`, m.count, `must be >= ${f}`, `Raise count or lower ${f}.`))
    }
  }
  for (const f of ['successCondition', 'failureCondition'] as const) {
    const c = m[f]
    if (c === undefined) continue
    const why = conditionError(c.replace(PLACEHOLDER, '0'))
    if (why !== undefined) errs.push(invalid(`${path}.${f}`, c, why, CONDITION_HINT))
  }
  errs.push(...validateProvider(m, path))
  return errs
}

/** Argo checks a metadata path at apply; any other is walked when the run is made. */
function validateFieldRef(path: string, at: string): FieldError[] {
  if (!path) return [required(at, '', 'e.g. metadata.name or spec.strategy.canary.steps[0].setWeight')]
  if (!path.startsWith('metadata')) return []
  const read = metadataField({ name: '' }, path)
  if (!('error' in read)) return []
  return [
    invalid(
      at,
      path,
      read.error,
      "Use metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'] or metadata.annotations['KEY'].",
    ),
  ]
}

export function validateArgs(args: readonly AnalysisRunArgument[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  ;(args ?? []).forEach((a, i) => {
    const p = idx(path, i)
    if (!a.name) errs.push(required(`${p}.name`))
    else if (seen.has(a.name)) errs.push(duplicate(`${p}.name`, a.name))
    seen.add(a.name)
    const from = a.valueFrom?.podTemplateHashValue
    if (from !== undefined && from !== 'Stable' && from !== 'Latest') {
      errs.push(unsupported(`${p}.valueFrom.podTemplateHashValue`, from, ['Stable', 'Latest']))
    }
    if (a.value !== undefined && a.valueFrom !== undefined) {
      errs.push(forbidden(`${p}.valueFrom`, 'may not be set with value', 'Give one of value or valueFrom.'))
    }
    const ref = a.valueFrom?.secretKeyRef
    if (ref !== undefined) {
      if (!ref.name)
        errs.push(required(`${p}.valueFrom.secretKeyRef.name`, '', "Name the Secret in the run's namespace."))
      if (!ref.key) errs.push(required(`${p}.valueFrom.secretKeyRef.key`, '', 'Name the key of the Secret to read.'))
    }
    const field = a.valueFrom?.fieldRef
    if (field !== undefined) errs.push(...validateFieldRef(field.fieldPath, `${p}.valueFrom.fieldRef.fieldPath`))
    if (isPresent(a.valueFrom) && from === undefined && ref === undefined && field === undefined) {
      errs.push(
        invalid(
          `${p}.valueFrom`,
          '',
          "must specify one of: `podTemplateHashValue` or `fieldRef` (a Rollout's args), `secretKeyRef` (a template's)",
        ),
      )
    }
  })
  return errs
}

function validateMetrics(metrics: readonly AnalysisMetric[] | undefined): FieldError[] {
  if (!metrics || metrics.length === 0) {
    return [
      required(
        'spec.metrics',
        '',
        'Give at least one metric, e.g. {name: errors, provider: {baton: {metric: errorRatio}}, successCondition: result < 0.05}.',
      ),
    ]
  }
  const errs: FieldError[] = []
  const seen = new Set<string>()
  metrics.forEach((m, i) => {
    const path = idx('spec.metrics', i)
    if (m.name && seen.has(m.name)) errs.push(duplicate(`${path}.name`, m.name))
    seen.add(m.name)
    errs.push(...validateMetric(m, path))
  })
  return errs
}

interface AnalysisSpecLike {
  spec?: { args?: AnalysisRunArgument[]; metrics?: AnalysisMetric[] }
}

export function validateAnalysisSpec(obj: AnalysisSpecLike): FieldError[] {
  const spec = isPresent(obj.spec) ? obj.spec : {}
  return [...validateArgs(spec.args, 'spec.args'), ...validateMetrics(spec.metrics)]
}
