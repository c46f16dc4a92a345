import { describe, expect, it } from 'vitest'
import type { AnyObject } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { FakeClock } from '../platform/clock.ts'
import {
  type FrontPort,
  type HookPort,
  type RolloutReport,
  runRollout,
  type TargetPort,
  type WindowReport,
} from './coordinator.ts'
import { threeTargetFleet } from './testing.ts'
import type { FailurePolicy, Fleet } from './types.ts'

const NEW = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { v: 2 } },
] as unknown as AnyObject[]
const OLD = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { v: 1 } },
] as unknown as AnyObject[]

function fleet(windowSize: number | string, failurePolicy: Partial<FailurePolicy>): Fleet {
  return threeTargetFleet({ windowSize, failurePolicy, hooks: { verify: ['check'] } })
}

/** Fakes that write one journal line per call; `failVerify` names targets whose verify hook fails. */
async function run(
  f: Fleet,
  o: {
    failVerify?: string[]
    noPrevious?: boolean
    diesDuringRollout?: string
    progress?: (windows: readonly WindowReport[], updated: readonly string[]) => void
  } = {},
): Promise<{ report: RolloutReport; journal: string[] }> {
  const journal: string[] = []
  const v = (objects: readonly AnyObject[]) => `v${(objects[0] as unknown as { spec: { v: number } }).spec.v}`
  let dead = ''
  const unreachable = (name: string) =>
    new BatonError('BATON_DAEMON_UNREACHABLE', `cannot reach the Baton daemon of ${name}`, { hint: 'start it' })
  const targets: TargetPort = {
    async pushArtifacts() {
      return []
    },
    async apply(t, objects) {
      if (t.name === dead) throw unreachable(t.name)
      journal.push(`apply ${t.name} ${v(objects)}`)
    },
    async waitRolledOut(t) {
      // Its host dies (daemon, load balancer, replicas) while its own rolling update runs.
      if (t.name === o.diesDuringRollout) dead = t.name
      if (t.name === dead) throw unreachable(t.name)
    },
  }
  const front: FrontPort = {
    async drain(name) {
      journal.push(`drain ${name}`)
      return { drained: true, inflight: 0 }
    },
    async add(name) {
      journal.push(`add ${name}`)
    },
  }
  const hooks: HookPort = {
    async run(hook, _command, env) {
      const ok = !(hook === 'verify' && o.failVerify?.includes(env.BATON_TARGET!))
      journal.push(`${hook} ${env.BATON_TARGET} ${ok ? 'ok' : 'FAILED'}`)
      return { ok, message: ok ? '' : 'exit 1' }
    },
  }
  const report = await runRollout({
    fleet: f,
    targets: f.spec.targets,
    revision: 2,
    objects: NEW,
    artifacts: {},
    previous: () => (o.noPrevious ? undefined : { revision: 1, objects: OLD }),
    ports: { targets, front, hooks },
    clock: new FakeClock(),
    log: () => {},
    ...(o.progress ? { progress: o.progress } : {}),
  })
  return { report, journal }
}

const outcomes = (r: RolloutReport) => r.windows.map((w) => `${w.targets.join('+')}:${w.outcome}`)

describe('runRollout', () => {
  it('window 1: each target is drained, updated, verified and added back before the next', async () => {
    const { report, journal } = await run(fleet(1, {}))
    expect(report.outcome).toBe('succeeded')
    expect(report.updated).toEqual(['a', 'b', 'c'])
    expect(journal).toEqual(
      ['a', 'b', 'c'].flatMap((t) => [`drain ${t}`, `apply ${t} v2`, `verify ${t} ok`, `add ${t}`]),
    )
  })

  it.each([
    {
      name: 'rollback: the failed window and the windows before it go back; later ones never start',
      policy: { action: 'rollback' } as const,
      windows: ['a:rolled-back', 'b:rolled-back', 'c:not-started'],
      updated: [],
      tail: ['apply b v1', 'add b', 'drain a', 'apply a v1', 'add a'],
    },
    {
      name: 'stop: the failed window goes back; earlier ones keep the new revision',
      policy: { action: 'stop' } as const,
      windows: ['a:succeeded', 'b:rolled-back', 'c:not-started'],
      updated: ['a'],
      tail: ['verify b FAILED', 'apply b v1', 'add b'],
    },
    {
      name: 'continue within maxFailedTargets: the next windows still roll',
      policy: { action: 'continue', maxFailedTargets: 1 } as const,
      windows: ['a:succeeded', 'b:rolled-back', 'c:succeeded'],
      updated: ['a', 'c'],
      tail: ['drain c', 'apply c v2', 'verify c ok', 'add c'],
    },
    {
      name: 'continue past maxFailedTargets stops',
      policy: { action: 'continue', maxFailedTargets: 0 } as const,
      windows: ['a:succeeded', 'b:rolled-back', 'c:not-started'],
      updated: ['a'],
      tail: ['apply b v1', 'add b'],
    },
  ])('a failing verify hook, $name', async ({ policy, windows, updated, tail }) => {
    const { report, journal } = await run(fleet(1, policy), { failVerify: ['b'] })
    expect(report.outcome).toBe('failed')
    expect(outcomes(report)).toEqual(windows)
    expect(report.updated).toEqual(updated)
    expect(journal.slice(-tail.length)).toEqual(tail)
    expect(report.windows[1]!.failures).toEqual([
      { target: 'b', step: 'verify', message: 'hook "check" failed: exit 1' },
    ])
  })

  it('rolls a failed window back as a whole: its target that passed goes back too', async () => {
    const { report, journal } = await run(fleet(2, { action: 'stop' }), { failVerify: ['b'] })
    expect(outcomes(report)).toEqual(['a+b:rolled-back', 'c:not-started'])
    expect(journal).toContain('apply a v1')
    expect(journal).toContain('apply b v1')
    expect(report.windows[0]!.rollback?.map((r) => r.ok)).toEqual([true, true])
  })

  it('leaves a failed target out of the front balancer when it has no earlier revision', async () => {
    const { report, journal } = await run(fleet(1, { action: 'stop' }), { failVerify: ['a'], noPrevious: true })
    expect(report.windows[0]!.rollback).toEqual([
      { target: 'a', ok: false, message: 'no earlier revision: left drained' },
    ])
    expect(journal).not.toContain('add a')
  })

  it('a target whose host dies during its own window: the window goes back as a whole, the dead target stays drained, the policy goes on', async () => {
    const { report, journal } = await run(fleet(2, { action: 'continue', maxFailedTargets: 1 }), {
      diesDuringRollout: 'b',
    })
    expect(report.outcome).toBe('failed')
    expect(outcomes(report)).toEqual(['a+b:rolled-back', 'c:succeeded'])
    expect(report.windows[0]!.failures).toEqual([
      { target: 'b', step: 'rollout', message: 'cannot reach the Baton daemon of b (start it)' },
    ])
    expect(report.windows[0]!.rollback).toEqual([
      { target: 'a', ok: true, message: 'back on revision 1' },
      { target: 'b', ok: false, message: 'rollback failed: cannot reach the Baton daemon of b (start it)' },
    ])
    expect(journal).toContain('add a')
    expect(journal).not.toContain('add b')
    expect(report.updated).toEqual(['c'])
  })

  it('reports where it is after every step: the running window, each target at its step, the targets done', async () => {
    const seen: string[] = []
    await run(fleet(1, {}), {
      progress(windows, updated) {
        const w = windows.find((x) => x.outcome === 'running')
        seen.push(
          `${w ? `${w.index}:${Object.entries(w.steps ?? {}).map(([t, s]) => `${t}@${s}`)}` : 'idle'} [${updated.join(',')}]`,
        )
      },
    })
    expect(seen.slice(0, 9)).toEqual([
      '1:a@beforeDrain []',
      '1:a@drain []',
      '1:a@push []',
      '1:a@apply []',
      '1:a@rollout []',
      '1:a@afterDeploy []',
      '1:a@verify []',
      '1:a@add []',
      'idle [a]',
    ])
    expect(seen.at(-1)).toBe('idle [a,b,c]')
  })
})
