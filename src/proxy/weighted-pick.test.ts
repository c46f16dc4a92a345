import { describe, expect, it } from 'vitest'
import { applyBackends, type PodState, RouteState } from './route-state.ts'
import type { Backend, ServiceRoute } from './types.ts'
import { pickWeighted } from './weighted-pick.ts'

function route(replicas: Record<string, number>, weights?: Record<string, number>): RouteState {
  const backends: Backend[] = Object.entries(replicas).flatMap(([revision, n]) =>
    Array.from({ length: n }, (_, i) => ({
      podUid: `${revision}-${i}`,
      podName: `web-${revision}-${i}`,
      revision,
      host: '127.0.0.1',
      port: 20_000 + i,
    })),
  )
  const r: ServiceRoute = {
    namespace: 'default',
    service: 'web',
    listen: { host: '127.0.0.1', port: 8080 },
    mode: 'http',
    backends,
    ...(weights ? { weights } : {}),
  }
  const rs = new RouteState(r)
  applyBackends(rs, r, new Map<string, PodState>(), 0)
  return rs
}

/** Requests per revision over `n` picks, each finished before the next (no load). */
function share(rs: RouteState, n: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (let k = 0; k < n; k++) {
    const i = pickWeighted(rs, 'least-outstanding')
    const rev = rs.endpoints[i]!.backend.revision
    out[rev] = (out[rev] ?? 0) + 1
  }
  return out
}

interface Case {
  name: string
  replicas: Record<string, number>
  weights: Record<string, number>
  want: Record<string, number>
}

describe('pickWeighted', () => {
  it.each<Case>([
    {
      name: '10% to one canary pod beside nine stable',
      replicas: { s: 9, c: 1 },
      weights: { s: 90, c: 10 },
      want: { s: 900, c: 100 },
    },
    {
      name: '10% to five canary pods beside one stable',
      replicas: { s: 1, c: 5 },
      weights: { s: 90, c: 10 },
      want: { s: 900, c: 100 },
    },
    { name: '25% whatever the counts', replicas: { s: 5, c: 2 }, weights: { s: 75, c: 25 }, want: { s: 750, c: 250 } },
    { name: '50/50', replicas: { s: 5, c: 3 }, weights: { s: 50, c: 50 }, want: { s: 500, c: 500 } },
    { name: 'abort: weight 0 gets nothing', replicas: { s: 5, c: 1 }, weights: { s: 100, c: 0 }, want: { s: 1000 } },
    {
      name: 'an unlisted revision gets nothing (an old one draining)',
      replicas: { old: 2, s: 1 },
      weights: { s: 100 },
      want: { s: 1000 },
    },
    {
      name: 'a weighted revision without replicas: the rest take it',
      replicas: { s: 2 },
      weights: { s: 80, c: 20 },
      want: { s: 1000 },
    },
    {
      name: 'no weighted revision has replicas: any replica',
      replicas: { old: 2 },
      weights: { s: 100 },
      want: { old: 1000 },
    },
  ])('$name', ({ replicas, weights, want }) => {
    expect(share(route(replicas, weights), 1000)).toEqual(want)
  })

  it('is exact within every cycle of the weights, not only on average', () => {
    const rs = route({ s: 3, c: 1 }, { s: 90, c: 10 })
    for (let cycle = 0; cycle < 5; cycle++) expect(share(rs, 100)).toEqual({ s: 90, c: 10 })
  })

  it('spreads within a revision by the route policy', () => {
    const rs = route({ s: 2, c: 2 }, { s: 50, c: 50 })
    const pods = new Set(Array.from({ length: 8 }, () => rs.endpoints[pickWeighted(rs, 'round-robin')]!.backend.podUid))
    expect(pods.size).toBe(4)
  })

  it('a retry skips the tried canary replica and goes to stable', () => {
    const rs = route({ s: 1, c: 1 }, { s: 0, c: 100 })
    const canary = rs.endpoints.find((e) => e.backend.revision === 'c')!
    expect(rs.endpoints[pickWeighted(rs, 'least-outstanding', [canary])]!.backend.revision).toBe('s')
    expect(pickWeighted(rs, 'least-outstanding', rs.endpoints)).toBe(-1)
  })

  it('without weights every replica is equal', () => {
    expect(share(route({ s: 3, c: 1 }), 400)).toEqual({ s: 300, c: 100 })
  })
})

describe('pickWeighted with a header route revision', () => {
  it('takes the request to that revision whatever the weights', () => {
    const rs = route({ stable: 3, canary: 1 }, { stable: 100, canary: 0 })
    for (let k = 0; k < 10; k++) {
      expect(rs.endpoints[pickWeighted(rs, 'least-outstanding', undefined, 'canary')]!.backend.revision).toBe('canary')
    }
  })
  it('without a replica of that revision left, the weights decide', () => {
    const rs = route({ stable: 2, canary: 1 }, { stable: 100, canary: 0 })
    const canary = rs.endpoints.filter((ep) => ep.backend.revision === 'canary')
    expect(rs.endpoints[pickWeighted(rs, 'least-outstanding', canary, 'canary')]!.backend.revision).toBe('stable')
    expect(rs.endpoints[pickWeighted(rs, 'least-outstanding', undefined, 'gone')]!.backend.revision).toBe('stable')
  })
  it('works on a route without weights', () => {
    const rs = route({ a: 2, b: 2 })
    for (let k = 0; k < 4; k++)
      expect(rs.endpoints[pickWeighted(rs, 'round-robin', undefined, 'b')]!.backend.revision).toBe('b')
  })
})
