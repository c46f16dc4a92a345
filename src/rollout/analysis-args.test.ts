import { describe, expect, it } from 'vitest'
import type { AnalysisMetric, AnalysisRunArgument } from '../api/types.ts'
import { mergeArgs, resolveMetrics } from './analysis-args.ts'

const hashes = { stable: 'aaa111', latest: 'bbb222' }
const rollout = { metadata: { name: 'web', labels: { team: 'payments' } }, spec: { replicas: 4 } }
const token: AnalysisRunArgument = { name: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }

describe('mergeArgs (Argo MergeArgs, with the Rollout half of BuildArgumentsForRolloutAnalysisRun)', () => {
  const cases: Array<{
    name: string
    declared: AnalysisRunArgument[]
    given: AnalysisRunArgument[]
    want: AnalysisRunArgument[]
  }> = [
    {
      name: "the Rollout's value replaces the template's default",
      declared: [{ name: 'port', value: '80' }],
      given: [{ name: 'port', value: '8080' }],
      want: [{ name: 'port', value: '8080' }],
    },
    {
      name: "a revision's hash is resolved",
      declared: [{ name: 'h' }, { name: 's' }],
      given: [
        { name: 'h', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 's', valueFrom: { podTemplateHashValue: 'Stable' } },
      ],
      want: [
        { name: 'h', value: 'bbb222' },
        { name: 's', value: 'aaa111' },
      ],
    },
    {
      name: "the Rollout's fields (Argo's fieldRef)",
      declared: [{ name: 'team' }, { name: 'replicas' }],
      given: [
        { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
        { name: 'replicas', valueFrom: { fieldRef: { fieldPath: 'spec.replicas' } } },
      ],
      want: [
        { name: 'team', value: 'payments' },
        { name: 'replicas', value: '4' },
      ],
    },
    {
      name: "a template's Secret reference is kept for the run to read",
      declared: [{ name: 'port' }, token],
      given: [{ name: 'port', value: '8080' }],
      want: [{ name: 'port', value: '8080' }, token],
    },
    {
      name: "a template's Secret wins over a value the Rollout gives, as in Argo",
      declared: [token],
      given: [{ name: 'token', value: 'plain' }],
      want: [token],
    },
  ]
  for (const c of cases) it(c.name, () => expect(mergeArgs(c.declared, c.given, hashes, rollout)).toEqual(c.want))

  it('a field path that leads nowhere is named with the arg', () => {
    const given = [{ name: 'x', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }]
    expect(mergeArgs([{ name: 'x' }], given, hashes, rollout)).toBe(
      'args.x: valueFrom.fieldRef: invalid path spec.nope in rollout',
    )
  })
})

describe('resolveMetrics', () => {
  const metric: AnalysisMetric = {
    name: 'check',
    count: '{{args.n}}',
    provider: {
      web: {
        url: 'http://127.0.0.1:{{args.port}}/health',
        headers: [{ key: 'Authorization', value: 'Bearer {{ args.token }}' }],
      },
    },
  }
  const cases: Array<{ name: string; args: AnalysisRunArgument[]; want: AnalysisMetric[] | string }> = [
    {
      name: 'values are filled in, counts become numbers',
      args: [
        { name: 'n', value: '2' },
        { name: 'port', value: '8080' },
        { name: 'token', value: 'a"b' },
      ],
      want: [
        {
          ...metric,
          count: 2,
          provider: {
            web: {
              url: 'http://127.0.0.1:8080/health',
              headers: [{ key: 'Authorization', value: 'Bearer a"b' }],
            },
          },
        },
      ],
    },
    {
      name: "a Secret's placeholder stays until the run is assessed",
      args: [{ name: 'n', value: '1' }, { name: 'port', value: '8080' }, token],
      want: [
        {
          ...metric,
          count: 1,
          provider: {
            web: {
              url: 'http://127.0.0.1:8080/health',
              headers: [{ key: 'Authorization', value: 'Bearer {{ args.token }}' }],
            },
          },
        },
      ],
    },
    {
      name: 'an arg without a value or a Secret is named',
      args: [{ name: 'n', value: '1' }, token],
      want: "args.port was not resolved: give it a value in the Rollout's analysis args",
    },
  ]
  for (const c of cases) it(c.name, () => expect(resolveMetrics([metric], c.args)).toEqual(c.want))
})
