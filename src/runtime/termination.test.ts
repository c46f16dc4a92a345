import { describe, expect, it } from 'vitest'
import type { LifecycleHandler } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { handlerExecutor } from '../probes/handler-executor.ts'
import type { ReplicaProcess } from './process/replica-process.ts'
import { killContainer, podGraceMs, terminatePod } from './termination.ts'
import { T0 } from '../../test/support/builders.ts'

const settle = () => new Promise<void>((r) => setImmediate(r))

/** A process that records signals (with fake time) and exits `exitAfterTermMs` after SIGTERM (never if undefined). */
function fakeProcess(clock: FakeClock, exitAfterTermMs: number | undefined) {
  const log: string[] = []
  let exit!: (code: number) => void
  const exited = new Promise<number>((r) => (exit = r))
  let gone = false
  const proc: ReplicaProcess = {
    pid: 4242,
    startTime: 1,
    exitCodePath: '/dev/null',
    exited,
    signal(sig) {
      log.push(`${(clock.now() - T0) / 1000}s ${sig}`)
      if (gone) return
      if (sig === 'SIGKILL') {
        gone = true
        exit(137)
      } else if (sig === 'SIGTERM' && exitAfterTermMs !== undefined) {
        clock.setTimeout(() => {
          gone = true
          exit(143)
        }, exitAfterTermMs)
      }
    },
    detach() {},
  }
  return { proc, log }
}

async function run(clock: FakeClock, p: Promise<unknown>, untilMs: number) {
  let done = false
  void p.then(() => (done = true))
  while (!done && clock.now() - T0 < untilMs) {
    await settle()
    clock.advance(100)
  }
  await settle()
  return done
}

const executors = (clock: FakeClock) => (hook: LifecycleHandler) =>
  handlerExecutor(hook, { clock, resolvePort: () => undefined, cwd: '/', env: {} })

describe('killContainer', () => {
  it.each([
    {
      name: 'an app that exits on SIGTERM is never SIGKILLed',
      graceMs: 30_000,
      exitAfterTermMs: 500,
      preStop: undefined,
      want: ['0s SIGTERM', '0.5s SIGKILL'],
      steps: ['SIGTERM', 'exited'],
    },
    {
      name: 'an app ignoring SIGTERM is SIGKILLed when the grace period ends',
      graceMs: 5_000,
      exitAfterTermMs: undefined,
      preStop: undefined,
      want: ['0s SIGTERM', '5s SIGKILL', '5s SIGKILL'],
      steps: ['SIGTERM', 'SIGKILL', 'exited'],
    },
    {
      name: 'grace counts from the start of preStop: sleep 3 s, then 2 s left for SIGTERM',
      graceMs: 5_000,
      exitAfterTermMs: undefined,
      preStop: { sleep: { seconds: 3 } },
      want: ['3s SIGTERM', '5s SIGKILL', '5s SIGKILL'],
      steps: ['preStop', 'SIGTERM', 'SIGKILL', 'exited'],
    },
    {
      name: 'a preStop that outlasts the grace period still leaves the 2 s minimum before SIGKILL',
      graceMs: 4_000,
      exitAfterTermMs: undefined,
      preStop: { sleep: { seconds: 60 } },
      want: ['4s SIGTERM', '6s SIGKILL', '6s SIGKILL'],
      steps: ['preStop', 'SIGTERM', 'SIGKILL', 'exited'],
    },
    {
      name: 'a grace period below 2 s is raised to the kubelet minimum',
      graceMs: 0,
      exitAfterTermMs: undefined,
      preStop: undefined,
      want: ['0s SIGTERM', '2s SIGKILL', '2s SIGKILL'],
      steps: ['SIGTERM', 'SIGKILL', 'exited'],
    },
  ])('$name', async ({ graceMs, exitAfterTermMs, preStop, want, steps }) => {
    const clock = new FakeClock(T0)
    const { proc, log } = fakeProcess(clock, exitAfterTermMs)
    const kill = killContainer({
      proc,
      graceMs,
      preStop: preStop as LifecycleHandler | undefined,
      executorFor: executors(clock),
      clock,
      onPreStopFailed: () => {},
    })
    expect(await run(clock, kill, 120_000)).toBe(true)
    expect(log).toEqual(want)
    expect(await kill).toEqual(steps)
  })
})

describe('grace-period timers', () => {
  it('killContainer leaves no timer behind when the app exits before the grace period ends', async () => {
    const clock = new FakeClock(T0)
    const { proc } = fakeProcess(clock, 500)
    const kill = killContainer({
      proc,
      graceMs: 30_000,
      preStop: { sleep: { seconds: 20 } },
      executorFor: executors(clock),
      clock,
      onPreStopFailed: () => {},
    })
    // preStop's sleep runs; the app dies on its own (as a crash would) meanwhile.
    await settle()
    proc.signal('SIGTERM')
    expect(await run(clock, kill, 5_000)).toBe(true)
    expect(clock.pendingTimers()).toBe(0)
  })

  it('terminatePod leaves no timer behind when the drain gate answers first', async () => {
    const clock = new FakeClock(T0)
    const pod = { apiVersion: 'v1' as const, kind: 'Pod' as const, metadata: { name: 'web' }, spec: { containers: [] } }
    const done = terminatePod({
      pod,
      clock,
      drainGate: { waitDrained: async () => {} },
      killContainers: async () => {},
    })
    await done
    expect(clock.pendingTimers()).toBe(0)
  })
})

describe('terminatePod', () => {
  it('waits for the drain gate before killing, bounded by the grace period', async () => {
    const clock = new FakeClock(T0)
    const order: string[] = []
    const pod = {
      apiVersion: 'v1' as const,
      kind: 'Pod' as const,
      metadata: { name: 'web', deletionGracePeriodSeconds: 10 },
      spec: { containers: [] },
    }
    const never = {
      waitDrained: (_p: unknown, deadline: number) => {
        order.push(`drain until ${(deadline - T0) / 1000}s`)
        return new Promise<void>(() => {})
      },
    }
    const done = terminatePod({
      pod,
      clock,
      drainGate: never,
      killContainers: async (graceMs) =>
        void order.push(`kill at ${(clock.now() - T0) / 1000}s with ${graceMs / 1000}s`),
    })
    expect(await run(clock, done, 60_000)).toBe(true)
    expect(order).toEqual(['drain until 10s', 'kill at 10s with 10s'])
  })

  it.each([
    { name: 'deletionGracePeriodSeconds wins', meta: { deletionGracePeriodSeconds: 5 }, spec: 30, want: 5000 },
    { name: 'else the spec', meta: {}, spec: 12, want: 12_000 },
    { name: 'force deletion (0) still gets 2 s', meta: { deletionGracePeriodSeconds: 0 }, spec: 30, want: 2000 },
  ])('podGraceMs: $name', ({ meta, spec, want }) => {
    const pod = {
      apiVersion: 'v1' as const,
      kind: 'Pod' as const,
      metadata: { name: 'w', ...meta },
      spec: { containers: [], terminationGracePeriodSeconds: spec },
    }
    expect(podGraceMs(pod)).toBe(want)
  })
})
