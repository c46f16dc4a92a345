import { describe, expect, it } from 'vitest'
import type { Probe } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { ContainerProbes } from './container-probes.ts'
import { ProbeRunner, type ProbeOutcome, type ProbeReport } from './probe-runner.ts'
import { probeTiming, type ProbeKind } from './probe-timing.ts'
import { T0 } from '../../test/support/builders.ts'

const settle = () => new Promise<void>((r) => setImmediate(r))

/** Advances fake time to `ms` after T0, letting each probe attempt's promise settle. */
async function runUntil(clock: FakeClock, ms: number): Promise<void> {
  for (;;) {
    await settle()
    const next = clock.nextTimerAt()
    if (next === undefined || next > T0 + ms) break
    clock.advance(next - clock.now())
  }
  clock.advance(T0 + ms - clock.now())
  await settle()
}

/** An executor answering from a script (last answer repeats), recording when it ran. */
function scripted(answers: boolean[], clock: FakeClock) {
  const at: number[] = []
  const execute = async (): Promise<ProbeOutcome> => {
    at.push((clock.now() - T0) / 1000)
    const ok = answers[Math.min(at.length - 1, answers.length - 1)] ?? false
    return ok ? { ok, message: '' } : { ok, message: 'HTTP probe failed with statuscode: 503' }
  }
  return { at, execute }
}

function runner(kind: ProbeKind, probe: Probe, answers: boolean[]) {
  const clock = new FakeClock(T0)
  const reports: ProbeReport[] = []
  const exec = scripted(answers, clock)
  const r = new ProbeRunner({
    kind,
    timing: probeTiming(probe, kind),
    clock,
    startedAt: T0,
    execute: exec.execute,
    observer: { probeCompleted: (rep) => reports.push(rep) },
  })
  r.start()
  return { clock, r, reports, at: exec.at }
}

describe('ProbeRunner', () => {
  const cases: Array<{
    name: string
    kind: ProbeKind
    probe: Probe
    answers: boolean[]
    until: number
    attemptsAt: number[]
    flips: Array<[number, boolean]>
  }> = [
    {
      name: 'readiness starts unready and turns ready on the first success',
      kind: 'readiness',
      probe: { periodSeconds: 1 },
      answers: [false, false, true],
      until: 3.5,
      attemptsAt: [0, 1, 2, 3],
      flips: [[3, true]],
    },
    {
      name: 'initialDelaySeconds postpones the first attempt, then periodSeconds spaces them',
      kind: 'readiness',
      probe: { initialDelaySeconds: 5, periodSeconds: 10 },
      answers: [true],
      until: 30,
      attemptsAt: [5, 15, 25],
      flips: [[1, true]],
    },
    {
      name: 'readiness needs successThreshold consecutive successes and failureThreshold failures',
      kind: 'readiness',
      probe: { periodSeconds: 1, successThreshold: 2, failureThreshold: 2 },
      answers: [true, false, true, true, false, true, false, false],
      until: 7.5,
      attemptsAt: [0, 1, 2, 3, 4, 5, 6, 7],
      flips: [
        [4, true],
        [8, false],
      ],
    },
    {
      name: 'liveness starts healthy, fails after failureThreshold in a row, then holds',
      kind: 'liveness',
      probe: { periodSeconds: 2, failureThreshold: 3 },
      answers: [false, true, false, false, false],
      until: 20,
      attemptsAt: [0, 2, 4, 6, 8],
      flips: [[5, false]],
    },
    {
      name: 'startup stops probing after its first success',
      kind: 'startup',
      probe: { periodSeconds: 1, failureThreshold: 30 },
      answers: [false, false, true],
      until: 10,
      attemptsAt: [0, 1, 2],
      flips: [[3, true]],
    },
    {
      name: 'liveness ignores successThreshold (Kubernetes requires 1)',
      kind: 'liveness',
      probe: { periodSeconds: 1, successThreshold: 5, failureThreshold: 1 },
      answers: [true, false],
      until: 5,
      attemptsAt: [0, 1],
      flips: [[2, false]],
    },
  ]

  it.each(cases)('$name', async (c) => {
    const { clock, reports, at } = runner(c.kind, c.probe, c.answers)
    await runUntil(clock, c.until * 1000)
    expect(at).toEqual(c.attemptsAt)
    const flips = reports.flatMap((rep, i) => (rep.changed ? [[i + 1, rep.healthy] as [number, boolean]] : []))
    expect(flips).toEqual(c.flips)
  })

  it('never overlaps attempts: a slow probe delays the next one', async () => {
    const clock = new FakeClock(T0)
    const starts: number[] = []
    let inFlight = 0
    let maxInFlight = 0
    const r = new ProbeRunner({
      kind: 'readiness',
      timing: probeTiming({ periodSeconds: 1, timeoutSeconds: 3 }, 'readiness'),
      clock,
      startedAt: T0,
      observer: { probeCompleted() {} },
      execute: (timeoutMs) =>
        new Promise((resolve) => {
          starts.push(clock.now() - T0)
          maxInFlight = Math.max(maxInFlight, ++inFlight)
          clock.setTimeout(() => {
            inFlight--
            resolve({ ok: false, message: 'timeout' })
          }, timeoutMs)
        }),
    })
    r.start()
    await runUntil(clock, 7000)
    expect(maxInFlight).toBe(1)
    expect(starts).toEqual([0, 3000, 6000])
  })

  it('reports a throwing executor as a failure with its message', async () => {
    const clock = new FakeClock(T0)
    const reports: ProbeReport[] = []
    const r = new ProbeRunner({
      kind: 'readiness',
      timing: probeTiming({}, 'readiness'),
      clock,
      startedAt: T0,
      observer: { probeCompleted: (rep) => reports.push(rep) },
      execute: () => Promise.reject(new Error('boom')),
    })
    r.start()
    await runUntil(clock, 0)
    expect(reports[0]?.outcome).toEqual({ ok: false, message: 'boom' })
  })

  it('stop() cancels the next attempt', async () => {
    const { clock, r, at } = runner('readiness', { periodSeconds: 1 }, [true])
    await runUntil(clock, 1500)
    r.stop()
    await runUntil(clock, 5000)
    expect(at).toEqual([0, 1])
  })
})

describe('ContainerProbes', () => {
  function probes(
    container: { startupProbe?: Probe; readinessProbe?: Probe; livenessProbe?: Probe },
    answers: Partial<Record<ProbeKind, boolean[]>>,
  ) {
    const clock = new FakeClock(T0)
    const reports: ProbeReport[] = []
    const at: Partial<Record<ProbeKind, number[]>> = {}
    const cp = new ContainerProbes({
      container: { name: 'web', ...container },
      clock,
      startedAt: T0,
      observer: { probeCompleted: (rep) => reports.push(rep) },
      executorFor: (_probe, kind) => {
        const s = scripted(answers[kind] ?? [true], clock)
        at[kind] = s.at
        return s.execute
      },
    })
    cp.start()
    return { clock, cp, reports, at }
  }

  it('runs no readiness or liveness probe before the startup probe succeeds', async () => {
    const { clock, cp, at } = probes(
      {
        startupProbe: { periodSeconds: 1, failureThreshold: 10 },
        readinessProbe: { periodSeconds: 1 },
        livenessProbe: { periodSeconds: 1 },
      },
      { startup: [false, false, true] },
    )
    await runUntil(clock, 1500)
    expect(cp.started).toBe(false)
    expect(at.readiness).toEqual([])
    await runUntil(clock, 2500)
    expect(cp.started).toBe(true)
    expect(cp.ready).toBe(true)
    expect(at.readiness).toEqual([2])
    expect(at.liveness).toEqual([2])
  })

  it('a container without probes is started and ready at once', () => {
    const { cp } = probes({}, {})
    expect([cp.started, cp.ready]).toEqual([true, true])
  })

  it('a readiness probe keeps the container unready until it succeeds', async () => {
    const { clock, cp } = probes({ readinessProbe: { periodSeconds: 1 } }, { readiness: [false, true] })
    await runUntil(clock, 0)
    expect([cp.started, cp.ready]).toEqual([true, false])
    await runUntil(clock, 1000)
    expect(cp.ready).toBe(true)
  })

  it('resumes a re-adopted container as ready without waiting for a probe', () => {
    const clock = new FakeClock(T0)
    const cp = new ContainerProbes({
      container: { name: 'web', readinessProbe: {}, startupProbe: {} },
      clock,
      startedAt: T0 - 60_000,
      observer: { probeCompleted() {} },
      executorFor: () => async () => ({ ok: true, message: '' }),
      resume: { started: true, ready: true },
    })
    expect([cp.started, cp.ready]).toEqual([true, true])
  })
})
