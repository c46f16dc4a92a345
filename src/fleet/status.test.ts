import { describe, expect, it } from 'vitest'
import type { TargetState } from './front.ts'
import type { FleetHistory } from './history.ts'
import { validateFleet } from './spec.ts'
import { statusConfigMap, takeStatus } from './status.ts'
import { fleetStatusOf } from '../api/fleet-status.ts'

const fleet = validateFleet({
  apiVersion: 'baton.dev/v1',
  kind: 'Fleet',
  metadata: { name: 'web' },
  spec: {
    manifests: ['d.yaml'],
    targets: ['a', 'b'].map((name, i) => ({
      name,
      connection: { server: `http://127.0.0.1:${7000 + i}` },
      service: { host: `127.0.0.${i + 2}`, port: 8080 },
    })),
    frontLoadBalancer: { listen: { port: 9000 } },
    windowSize: 1,
  },
})

const live = (name: string, o: Partial<TargetState>): TargetState => ({
  name,
  address: '',
  weight: 1,
  tags: [],
  drained: false,
  healthy: true,
  routed: true,
  inflight: 0,
  requests: 0,
  errors: 0,
  failedConnections: 0,
  ...o,
})

const history: FleetHistory = {
  revisions: [
    {
      revision: 2,
      startedAt: '2026-12-04T03:00:00.000Z',
      outcome: 'running',
      cause: 'baton fleet rollout',
      objects: [],
      artifacts: {},
      windows: [{ index: 1, targets: ['a'], outcome: 'running', steps: { a: 'rollout' }, failures: [] }],
    },
  ],
  targets: { a: { revision: 1, since: '' } },
}

describe('takeStatus', () => {
  it('each target: revision, health, place in the front balancer, share; the rollout where it is', () => {
    const s = takeStatus(
      fleet,
      history,
      { targets: [live('a', { drained: true, routed: false, requests: 25 }), live('b', { requests: 75, errors: 2 })] },
      Date.parse('2026-12-04T03:01:00.000Z'),
    )
    expect(s.targets.map((t) => [t.name, t.address, t.revision, t.health, t.frontBalancer, t.share, t.errors])).toEqual(
      [
        ['a', '127.0.0.2:8080', 1, 'healthy', 'drained', 0.25, 0],
        ['b', '127.0.0.3:8080', undefined, 'healthy', 'in', 0.75, 2],
      ],
    )
    expect(s.rollout?.windows[0]).toMatchObject({ outcome: 'running', steps: { a: 'rollout' } })
    expect(s.rollout).not.toHaveProperty('objects')
    expect(s.frontBalancer).toBe('running')
    // What the dashboard reads back from the ConfigMap is what was taken.
    expect(fleetStatusOf(statusConfigMap(s))).toEqual(s)
  })

  it('a front load balancer that cannot be read: every target unknown, the reason kept', () => {
    const s = takeStatus(fleet, history, { error: 'no front load balancer runs' }, 0)
    expect(s.targets.map((t) => `${t.health}/${t.frontBalancer}`)).toEqual(['unknown/unknown', 'unknown/unknown'])
    expect(s.frontBalancer).toBe('no front load balancer runs')
  })
})
