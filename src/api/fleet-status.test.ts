import { describe, expect, it } from 'vitest'
import { type FleetRolloutStatus, type FleetStatus, fleetStatusOf, rolloutPlace } from './fleet-status.ts'

const status: FleetStatus = {
  fleet: 'web',
  at: '2026-12-04T03:00:00.000Z',
  targets: [],
  frontBalancer: 'running',
}
const cm = (name: string, label: string | undefined, text: string | undefined) => ({
  metadata: { name, ...(label ? { labels: { 'fleet.baton.dev/name': label } } : {}) },
  ...(text !== undefined ? { data: { 'status.json': text } } : {}),
})

describe('fleetStatusOf', () => {
  it.each([
    { name: 'a fleet status ConfigMap', cm: cm('baton-fleet-web', 'web', JSON.stringify(status)), ok: true },
    { name: 'no label', cm: cm('baton-fleet-web', undefined, JSON.stringify(status)), ok: false },
    { name: 'a name that is not the label’s', cm: cm('other', 'web', JSON.stringify(status)), ok: false },
    { name: 'no status key', cm: cm('baton-fleet-web', 'web', undefined), ok: false },
    { name: 'not JSON', cm: cm('baton-fleet-web', 'web', '{'), ok: false },
    {
      name: 'another fleet’s status',
      cm: cm('baton-fleet-web', 'web', JSON.stringify({ ...status, fleet: 'api' })),
      ok: false,
    },
    { name: 'no targets list', cm: cm('baton-fleet-web', 'web', JSON.stringify({ ...status, targets: 3 })), ok: false },
  ])('$name', ({ cm, ok }) => {
    expect(fleetStatusOf(cm)).toEqual(ok ? status : undefined)
  })
})

describe('rolloutPlace', () => {
  const r = (o: Partial<FleetRolloutStatus>): FleetRolloutStatus => ({
    revision: 3,
    outcome: 'running',
    cause: 'baton fleet rollout',
    startedAt: '2026-12-04T03:00:00.000Z',
    windows: [
      { index: 1, targets: ['a'], outcome: 'succeeded', failures: [] },
      { index: 2, targets: ['b', 'c'], outcome: 'running', steps: { b: 'drain', c: 'verify' }, failures: [] },
      { index: 3, targets: ['d'], outcome: 'not-started', failures: [] },
    ],
    ...o,
  })
  it.each([
    {
      name: 'running: the window and each target’s step',
      r: r({}),
      text: 'revision 3: window 2 of 3 (b at drain, c at verify)',
    },
    { name: 'finished', r: r({ outcome: 'succeeded' }), text: 'revision 3 succeeded' },
    {
      name: 'failed, with its reason',
      r: r({ outcome: 'failed', reason: 'failurePolicy.action is stop' }),
      text: 'revision 3 failed: failurePolicy.action is stop',
    },
  ])('$name', ({ r, text }) => expect(rolloutPlace(r)).toBe(text))
})
