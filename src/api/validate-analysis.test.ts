import { describe, expect, it } from 'vitest'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { withChanges } from './test-objects.ts'
import type { AnalysisTemplate } from './types.ts'
import { validateObject } from './validate.ts'

function template(): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'errors' },
    spec: {
      args: [
        { name: 'host', value: '127.0.0.1' },
        { name: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
      ],
      metrics: [
        {
          name: 'error-ratio',
          interval: '10s',
          count: 3,
          failureLimit: 1,
          successCondition: 'result < 0.05',
          provider: { baton: { metric: 'errorRatio', minRequests: 50 } },
        },
        {
          name: 'health',
          successCondition: 'result.ok == true && result.rate[0] >= 0.95',
          provider: {
            web: {
              url: 'http://{{args.host}}:8080/health',
              headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
              jsonPath: '{$.data}',
              timeoutSeconds: 5,
            },
          },
        },
        {
          name: 'smoke',
          provider: {
            job: {
              metadata: { labels: { team: 'web' } },
              spec: {
                backoffLimit: 1,
                activeDeadlineSeconds: 60,
                template: {
                  spec: {
                    restartPolicy: 'Never',
                    containers: [{ name: 'smoke', image: 'smoke:v1', command: ['node', 'smoke.js', '{{args.host}}'] }],
                  },
                },
              },
            },
          },
        },
      ],
    },
  }
}

const M = 'spec.metrics[0]'
const J = 'spec.metrics[2].provider.job.spec'
/** withChanges' path of a field under the metrics: spec.metrics.0.x */
const at = (field: string) => field.replace(/\[(\d+)\]/g, '.$1')

describe('AnalysisTemplate validation', () => {
  it('accepts the baton, web and job providers, args, conditions Baton evaluates', () => {
    expect(() => validateObject(template())).not.toThrow()
    expect(() => validateObject({ ...template(), kind: 'AnalysisRun' })).not.toThrow()
  })

  it('accepts a job restarted in place (restartPolicy OnFailure), as a Kubernetes Job does', () => {
    const t = withChanges(template(), { [at(`${J}.template.spec.restartPolicy`)]: 'OnFailure' })
    expect(() => validateObject(t)).not.toThrow()
  })

  it.each([
    {
      name: 'prometheus',
      changes: { [`${M}.provider`]: { prometheus: { query: 'x' } } },
      field: `${M}.provider.prometheus`,
      says: 'Prometheus',
    },
    {
      name: 'datadog',
      changes: { [`${M}.provider`]: { datadog: { query: 'x' } } },
      field: `${M}.provider.datadog`,
      says: 'Datadog',
    },
    {
      name: 'a job with two pods at once',
      changes: { [`${J}.parallelism`]: 2 },
      field: `${J}.parallelism`,
      says: 'Unsupported value: 2',
    },
    {
      name: 'a job of two completions',
      changes: { [`${J}.completions`]: 3 },
      field: `${J}.completions`,
      says: 'Unsupported value: 3',
    },
    {
      name: 'a job whose container always restarts (Kubernetes refuses Always for a Job)',
      changes: { [`${J}.template.spec.restartPolicy`]: 'Always' },
      field: `${J}.template.spec.restartPolicy`,
      // (as JSON: the quotes escaped)
      says: 'Unsupported value: \\"Always\\": supported values: \\"OnFailure\\", \\"Never\\"',
    },
    {
      name: 'a job without restartPolicy',
      changes: { [`${J}.template.spec.restartPolicy`]: undefined },
      field: `${J}.template.spec.restartPolicy`,
      says: 'Required',
    },
    {
      name: 'a job without containers',
      changes: { [`${J}.template.spec.containers`]: [] },
      field: `${J}.template.spec.containers`,
      says: 'Required',
    },
    { name: 'a negative backoffLimit', changes: { [`${J}.backoffLimit`]: -1 }, field: `${J}.backoffLimit`, says: '0' },
    {
      name: 'a job deleted after it finishes',
      changes: { [`${J}.ttlSecondsAfterFinished`]: 60 },
      field: `${J}.ttlSecondsAfterFinished`,
      says: 'keeps',
    },
    {
      name: 'a job pod failure policy',
      changes: { [`${J}.podFailurePolicy`]: { rules: [] } },
      field: `${J}.podFailurePolicy`,
      says: 'backoffLimit',
    },
    {
      name: 'a condition on a job metric',
      changes: { 'spec.metrics[2].successCondition': 'result == 0' },
      field: 'spec.metrics[2].successCondition',
      says: 'exit code',
    },
    { name: 'a suspended job', changes: { [`${J}.suspend`]: true }, field: `${J}.suspend`, says: 'suspended' },
    {
      name: 'an indexed job',
      changes: { [`${J}.completionMode`]: 'Indexed' },
      field: `${J}.completionMode`,
      says: 'NonIndexed',
    },
    {
      name: 'two providers',
      changes: { [`${M}.provider.web`]: { url: 'http://127.0.0.1/' } },
      field: `${M}.provider`,
      says: 'exactly one provider',
    },
    {
      name: 'an unknown baton metric',
      changes: { [`${M}.provider.baton.metric`]: 'cpu' },
      field: `${M}.provider.baton.metric`,
      says: 'errorRatio',
    },
    {
      name: 'a condition Baton does not evaluate',
      changes: { [`${M}.successCondition`]: 'asFloat(result) < 1' },
      field: `${M}.successCondition`,
      says: 'asFloat',
    },
    {
      name: 'a broken failureCondition',
      changes: { [`${M}.failureCondition`]: 'result >' },
      field: `${M}.failureCondition`,
      says: 'ends too early',
    },
    {
      name: 'count > 1 without interval',
      changes: { [`${M}.interval`]: undefined },
      field: `${M}.interval`,
      says: 'count > 1',
    },
    {
      name: 'count below failureLimit',
      changes: { [`${M}.failureLimit`]: 5 },
      field: `${M}.count`,
      says: 'failureLimit',
    },
    { name: 'a bad interval', changes: { [`${M}.interval`]: '1h30m' }, field: `${M}.interval`, says: 'duration' },
    {
      name: 'a POST',
      changes: { 'spec.metrics[1].provider.web.method': 'POST' },
      field: 'spec.metrics[1].provider.web.method',
      says: 'GET',
    },
    {
      name: 'a wildcard jsonPath',
      changes: { 'spec.metrics[1].provider.web.jsonPath': '{$.items[*]}' },
      field: 'spec.metrics[1].provider.web.jsonPath',
      says: 'wildcards',
    },
    {
      name: 'a non-http URL',
      changes: { 'spec.metrics[1].provider.web.url': 'ftp://x/' },
      field: 'spec.metrics[1].provider.web.url',
      says: 'http://',
    },
    { name: 'dryRun', changes: { 'spec.dryRun': [{ metricName: 'x' }] }, field: 'spec.dryRun', says: 'dry-run' },
    {
      name: 'a duplicate metric',
      changes: { 'spec.metrics[1].name': 'error-ratio' },
      field: 'spec.metrics[1].name',
      says: 'Duplicate',
    },
    { name: 'no metrics', changes: { 'spec.metrics': [] }, field: 'spec.metrics', says: 'Required' },
    {
      name: 'a secretKeyRef without a key',
      changes: { 'spec.args[1].valueFrom.secretKeyRef.key': '' },
      field: 'spec.args[1].valueFrom.secretKeyRef.key',
      says: 'Required',
    },
    {
      name: 'a secretKeyRef with a value',
      changes: { 'spec.args[1].value': 'plain' },
      field: 'spec.args[1].valueFrom',
      says: 'may not be set with value',
    },
    {
      // Argo's Argument has no podTemplateHashValue: the Rollout gives a revision's hash.
      name: "a revision's hash in the template",
      changes: { 'spec.args[1].valueFrom': { podTemplateHashValue: 'Latest' } },
      field: 'spec.args[1].valueFrom.podTemplateHashValue',
      says: "in the Rollout's analysis args",
    },
    {
      name: "an arg read from the Rollout's fields",
      changes: { 'spec.args[1].valueFrom': { fieldRef: { fieldPath: 'metadata.name' } } },
      field: 'spec.args[1].valueFrom.fieldRef',
      says: 'put valueFrom.fieldRef in the Rollout',
    },
  ])('refuses $name, naming $field', ({ changes, field, says }) => {
    const err = thrownBatonError(() =>
      validateObject(withChanges(template(), Object.fromEntries(Object.entries(changes).map(([k, v]) => [at(k), v])))),
    )
    expect(err.code).toBe('BATON_INVALID')
    expect(err.causes.map((c) => c.field)).toContain(field)
    expect(JSON.stringify(err.causes.filter((c) => c.field === field))).toContain(says)
  })
})
