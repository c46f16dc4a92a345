import { describe, expect, it } from 'vitest'
import type { AnyObject } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { FakeClock } from '../platform/clock.ts'
import type { FleetHistory, FleetRevision } from './history.ts'
import { type FrontState, type RecoveryPorts, recover } from './recover.ts'
import { threeTargetFleet } from './testing.ts'
import type { FailureAction, Fleet } from './types.ts'

const objects = (v: number) =>
  [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { v } }] as unknown as AnyObject[]
const version = (o: readonly AnyObject[]) => (o[0] as unknown as { spec: { v: number } }).spec.v

function fleet(action: FailureAction): Fleet {
  return threeTargetFleet({
    frontLoadBalancer: { listen: { port: 9000 }, healthCheck: { intervalSeconds: 1, timeoutSeconds: 1 } },
    windowSize: 1,
    failurePolicy: { action },
  })
}

/** Revision 2 (a → c, window 1) was interrupted in window 2: a runs 2, b was drained and got 2, c untouched. */
function interruptedHistory(): { history: FleetHistory; interrupted: FleetRevision } {
  const rev = (revision: number, extra: Partial<FleetRevision>): FleetRevision => ({
    revision,
    startedAt: `2026-12-04T0${revision}:00:00.000Z`,
    outcome: 'succeeded',
    cause: 'test',
    objects: objects(revision),
    artifacts: {},
    windows: [],
    ...extra,
  })
  const interrupted = rev(2, {
    outcome: 'failed',
    interrupted: true,
    previous: { a: 1, b: 1, c: 1 },
    windows: [
      { index: 1, targets: ['a'], outcome: 'succeeded', failures: [] },
      { index: 2, targets: ['b'], outcome: 'rolled-back', failures: [] },
      { index: 3, targets: ['c'], outcome: 'not-started', failures: [] },
    ],
  })
  const since = '2026-12-04T01:00:00.000Z'
  return {
    history: {
      revisions: [rev(1, {}), interrupted],
      targets: { a: { revision: 2, since }, b: { revision: 1, since }, c: { revision: 1, since } },
    },
    interrupted,
  }
}

/** A fake clock whose sleeps pass at once: the health wait's deadline is reached without real time. */
class SteppingClock extends FakeClock {
  override sleep(ms: number): Promise<void> {
    this.advance(ms)
    return Promise.resolve()
  }
}

interface World {
  runs: Record<string, number>
  front: Record<string, FrontState>
  dead: Set<string>
  journal: string[]
}

function ports(w: World): RecoveryPorts {
  const alive = (name: string) => {
    if (w.dead.has(name))
      throw new BatonError('BATON_DAEMON_UNREACHABLE', `cannot reach the Baton daemon of ${name}`, { hint: 'start it' })
  }
  return {
    targets: {
      async pushArtifacts() {
        return []
      },
      async apply(t, o) {
        alive(t.name)
        w.journal.push(`apply ${t.name} v${version(o)}`)
        w.runs[t.name] = version(o)
      },
      async waitRolledOut(t) {
        alive(t.name)
      },
      async runs(t, o) {
        alive(t.name)
        return w.runs[t.name] === version(o)
      },
    },
    front: {
      async drain(name) {
        w.journal.push(`drain ${name}`)
        w.front[name]!.drained = true
        return { drained: true, inflight: 0 }
      },
      async add(name) {
        w.journal.push(`add ${name}`)
        w.front[name]!.drained = false
      },
      async targets() {
        return Object.values(w.front).map((s) => ({ ...s }))
      },
    },
  }
}

function world(o: { drained: string[]; unhealthy?: string[]; dead?: string[] }): World {
  return {
    runs: { a: 2, b: 2, c: 1 },
    front: Object.fromEntries(
      ['a', 'b', 'c'].map((name) => [
        name,
        { name, drained: o.drained.includes(name), healthy: !(o.unhealthy ?? []).includes(name) },
      ]),
    ),
    dead: new Set(o.dead ?? []),
    journal: [],
  }
}

describe('recover', () => {
  it.each([
    {
      name: 'stop: the interrupted window goes back (b from 2 to 1) and is added; a keeps revision 2',
      action: 'stop' as const,
      w: world({ drained: ['b'] }),
      journal: ['apply b v1', 'add b'],
      report: ['b on revision 2 (interrupted) rolled-back 1'],
      runs: { a: 2, b: 1, c: 1 },
      revisions: { a: 2, b: 1, c: 1 },
    },
    {
      name: 'rollback: the interrupted window goes back, then the finished window 1 (a) too, drained first',
      action: 'rollback' as const,
      w: world({ drained: ['b'] }),
      journal: ['apply b v1', 'add b', 'drain a', 'apply a v1', 'add a'],
      report: ['b on revision 2 (interrupted) rolled-back 1', 'a on revision 2 (interrupted) rolled-back 1'],
      runs: { a: 1, b: 1, c: 1 },
      revisions: { a: 1, b: 1, c: 1 },
    },
    {
      name: 'a target drained before its apply (still on revision 1) is only added back',
      action: 'continue' as const,
      w: { ...world({ drained: ['b'] }), runs: { a: 2, b: 1, c: 1 } },
      journal: ['add b'],
      report: ['b on revision 1 added 1'],
      runs: { a: 2, b: 1, c: 1 },
      revisions: { a: 2, b: 1, c: 1 },
    },
    {
      name: 'a drained target whose daemon does not answer stays drained',
      action: 'stop' as const,
      w: world({ drained: ['b'], dead: ['b'] }),
      journal: [],
      report: ['b cannot check it left-drained -'],
      runs: { a: 2, b: 2, c: 1 },
      revisions: { a: 2, b: 1, c: 1 },
    },
    {
      name: 'a drained target whose front health check keeps failing stays drained (rolled back, not added)',
      action: 'stop' as const,
      w: world({ drained: ['b'], unhealthy: ['b'] }),
      journal: ['apply b v1'],
      report: ['b on revision 2 (interrupted) left-drained 1'],
      runs: { a: 2, b: 1, c: 1 },
      revisions: { a: 2, b: 1, c: 1 },
    },
  ])('$name', async ({ action, w, journal, report, runs, revisions }) => {
    const { history, interrupted } = interruptedHistory()
    const clock = new SteppingClock()
    const r = await recover({
      fleet: fleet(action),
      history,
      interrupted,
      ports: ports(w),
      clock,
      log: () => {},
    })
    expect(w.journal).toEqual(journal)
    expect(r.revision).toBe(2)
    expect(r.targets.map((t) => `${t.target} ${t.found} ${t.action} ${t.revision ?? '-'}`)).toEqual(report)
    expect(w.runs).toEqual(runs)
    expect(Object.fromEntries(Object.entries(history.targets).map(([n, t]) => [n, t.revision]))).toEqual(revisions)
    const left = r.targets.filter((t) => t.action === 'left-drained').map((t) => t.target)
    expect(
      Object.values(w.front)
        .filter((s) => s.drained)
        .map((s) => s.name),
    ).toEqual(left)
  })

  it('without an interrupted revision: a drained target on its recorded revision, healthy again, is added back', async () => {
    const { history } = interruptedHistory()
    const w = world({ drained: ['c'] })
    const clock = new SteppingClock()
    const r = await recover({
      fleet: fleet('rollback'),
      history,
      interrupted: undefined,
      ports: ports(w),
      clock,
      log: () => {},
    })
    expect(w.journal).toEqual(['add c'])
    expect(r.revision).toBeUndefined()
    expect(r.targets.map((t) => `${t.target} ${t.action}`)).toEqual(['c added'])
  })

  it("the fleet's first rollout interrupted: nothing to go back to, so the drained target stays drained", async () => {
    const { history, interrupted } = interruptedHistory()
    history.targets = { a: history.targets.a! }
    interrupted.previous = {}
    const w = world({ drained: ['b'] })
    const clock = new SteppingClock()
    const r = await recover({ fleet: fleet('rollback'), history, interrupted, ports: ports(w), clock, log: () => {} })
    expect(r.targets.map((t) => `${t.target} ${t.found} ${t.action}`)).toEqual([
      'b on revision 2 (interrupted) left-drained',
      'a on revision 2 (interrupted) kept',
    ])
    expect(w.journal).toEqual([])
  })
})
