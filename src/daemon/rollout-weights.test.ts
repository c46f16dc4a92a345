import { describe, expect, it } from 'vitest'
import type { Rollout, RolloutStatus, Service } from '../api/types.ts'
import { revisionHeaderRoutes, revisionWeights } from './rollout-weights.ts'

const svc = (selector: Record<string, string> | undefined, namespace = 'default'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace },
  spec: { ...(selector ? { selector } : {}), ports: [{ port: 80 }] },
})

const weights = (stable: string, canary: string, w: number): RolloutStatus => ({
  canary: {
    weights: { stable: { podTemplateHash: stable, weight: 100 - w }, canary: { podTemplateHash: canary, weight: w } },
  },
})

const ro = (status: RolloutStatus | undefined, labels = { app: 'web', tier: 'front' }): Rollout => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels }, spec: { containers: [] } },
    strategy: { canary: {} },
  },
  ...(status ? { status } : {}),
})

describe('revisionWeights', () => {
  it.each([
    {
      name: "a Service over the Rollout's pods gets its weights",
      svc: svc({ app: 'web' }),
      ro: ro(weights('s1', 'c1', 10)),
      want: { s1: 90, c1: 10 },
    },
    { name: 'no canary: all to stable', svc: svc({ app: 'web' }), ro: ro(weights('s1', 's1', 0)), want: { s1: 100 } },
    { name: 'a Service over other pods', svc: svc({ app: 'api' }), ro: ro(weights('s1', 'c1', 10)), want: undefined },
    {
      name: 'a Service pointed at one revision (canaryService)',
      svc: svc({ app: 'web', 'rollouts-pod-template-hash': 'c1' }),
      ro: ro(weights('s1', 'c1', 10)),
      want: undefined,
    },
    {
      name: 'a Service in another namespace',
      svc: svc({ app: 'web' }, 'other'),
      ro: ro(weights('s1', 'c1', 10)),
      want: undefined,
    },
    { name: 'a Rollout with no weights yet', svc: svc({ app: 'web' }), ro: ro(undefined), want: undefined },
    { name: 'a Service without selector', svc: svc(undefined), ro: ro(weights('s1', 'c1', 10)), want: undefined },
  ])('$name', ({ svc, ro, want }) => {
    expect(revisionWeights(svc, [ro])).toEqual(want)
  })
})

describe('revisionHeaderRoutes', () => {
  const route = { name: 'beta', match: [{ headerName: 'X-User', headerValue: { prefix: 'beta-' } }] }
  const withRoutes = (stable: string, canary: string): RolloutStatus => {
    const st = weights(stable, canary, 10)
    return { canary: { ...st.canary, headerRoutes: [route] } }
  }
  it.each([
    {
      name: "the canary's header routes, to its revision",
      svc: svc({ app: 'web' }),
      ro: ro(withRoutes('s1', 'c1')),
      want: [{ revision: 'c1', match: [{ name: 'X-User', prefix: 'beta-' }] }],
    },
    { name: 'none set', svc: svc({ app: 'web' }), ro: ro(weights('s1', 'c1', 10)), want: undefined },
    { name: 'no canary running', svc: svc({ app: 'web' }), ro: ro(withRoutes('s1', 's1')), want: undefined },
    {
      name: 'a Service pointed at one revision',
      svc: svc({ app: 'web', 'rollouts-pod-template-hash': 's1' }),
      ro: ro(withRoutes('s1', 'c1')),
      want: undefined,
    },
  ])('$name', ({ svc, ro, want }) => {
    expect(revisionHeaderRoutes(svc, [ro])).toEqual(want)
  })
})
