/**
 * The timeline of a hung replica, from the hang to the restart, with the real probe runner,
 * kill sequence and back-off on a fake clock, against the kubelet's arithmetic:
 *
 *   killed    = failureThreshold × periodSeconds + timeoutSeconds after the last good probe
 *   SIGTERM   = killed + the preStop hook (which a hung app never answers: it uses the grace period)
 *   SIGKILL   = killed + max(grace, …) with 2 s at least after SIGTERM (minimumGracePeriodInSeconds)
 *   restarted = SIGKILL + the back-off (0 the first time, 10 s doubling to 300 s, reset after 10 min)
 *
 * grace is the probe's terminationGracePeriodSeconds when set, else the pod's.
 */
import { describe, expect, it } from 'vitest'
import type { LifecycleHandler, Probe } from '../../api/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { handlerExecutor } from '../../probes/handler-executor.ts'
import { ProbeRunner } from '../../probes/probe-runner.ts'
import { probeTiming } from '../../probes/probe-timing.ts'
import type { ReplicaProcess } from './replica-process.ts'
import { restartDelay } from '../restart-backoff.ts'
import { killContainer } from '../termination.ts'

const T0 = Date.parse('2026-01-01T00:00:00Z')
const HANG_AT_MS = 500
const settle = () => new Promise<void>((r) => setImmediate(r))
/** A preStop hook that never answers: it runs until the grace period stops waiting for it. */
const HUNG_PRESTOP: LifecycleHandler = { sleep: { seconds: 86_400 } }

interface Case {
  name: string
  liveness: Probe
  podGraceSeconds: number
  preStop: boolean
  /** The back-off stored from an earlier exit, and how long this instance ran before the hang. */
  pendingDelayMs?: number
  ranBeforeMs?: number
  want: { killed: number; sigterm: number; sigkill: number; restarted: number }
}

const httpLiveness = (extra: Partial<Probe>): Probe => ({ httpGet: { path: '/healthz', port: 'http' }, ...extra })

async function timeline(c: Case): Promise<Case['want']> {
  const clock = new FakeClock(T0)
  const at = () => (clock.now() - T0) / 1000
  const marks: Partial<Case['want']> = {}
  let killed: Promise<unknown> | undefined
  let exit!: (code: number) => void
  const proc: ReplicaProcess = {
    pid: 1,
    startTime: 1,
    exitCodePath: '/dev/null',
    exited: new Promise<number>((resolve) => (exit = resolve)),
    signal(sig) {
      if (sig === 'SIGTERM') marks.sigterm ??= at()
      // Hung (SIGSTOP): only SIGKILL ends it.
      if (sig === 'SIGKILL' && marks.sigkill === undefined) {
        marks.sigkill = at()
        exit(137)
      }
    },
    detach() {},
  }
  const runner = new ProbeRunner({
    kind: 'liveness',
    timing: probeTiming(c.liveness, 'liveness'),
    clock,
    startedAt: T0,
    // A hung app accepts the connection (the kernel does) and never answers: each probe times out.
    execute: (timeoutMs) =>
      clock.now() - T0 < HANG_AT_MS
        ? Promise.resolve({ ok: true, message: '' })
        : new Promise((r) => clock.setTimeout(() => r({ ok: false, message: 'context deadline exceeded' }), timeoutMs)),
    observer: {
      probeCompleted(r) {
        if (!r.changed || r.healthy !== false) return
        marks.killed = at()
        const grace = c.liveness.terminationGracePeriodSeconds ?? c.podGraceSeconds
        killed = killContainer({
          proc,
          graceMs: grace * 1000,
          preStop: c.preStop ? HUNG_PRESTOP : undefined,
          executorFor: (hook) => handlerExecutor(hook, { clock, resolvePort: () => undefined, cwd: '/', env: {} }),
          clock,
          onPreStopFailed: () => {},
        })
      },
    },
  })
  runner.start()
  while (killed === undefined || marks.sigkill === undefined) {
    if (clock.now() - T0 > 600_000) throw new Error('no kill within 10 minutes')
    await settle()
    clock.advance(100)
  }
  await killed
  runner.stop()
  const delay = restartDelay(c.pendingDelayMs ?? 0, (c.ranBeforeMs ?? 0) + clock.now() - T0).delayMs
  return {
    killed: marks.killed!,
    sigterm: marks.sigterm!,
    sigkill: marks.sigkill!,
    restarted: marks.sigkill! + delay / 1000,
  }
}

describe('a hung replica, from the hang (0.5 s after a good liveness probe at 0 s) to its restart', () => {
  it.each<Case>([
    {
      name: 'examples/web/deployment.yaml: liveness every 5 s, grace 30 s, preStop httpGet',
      liveness: httpLiveness({ periodSeconds: 5 }),
      podGraceSeconds: 30,
      preStop: true,
      want: { killed: 16, sigterm: 46, sigkill: 48, restarted: 48 },
    },
    {
      name: "Kubernetes' probe defaults (10 s × 3, timeout 1 s)",
      liveness: httpLiveness({}),
      podGraceSeconds: 30,
      preStop: true,
      want: { killed: 31, sigterm: 61, sigkill: 63, restarted: 63 },
    },
    {
      name: "the probe's terminationGracePeriodSeconds (5 s) bounds the kill, not the pod's 30 s",
      liveness: httpLiveness({ periodSeconds: 5, terminationGracePeriodSeconds: 5 }),
      podGraceSeconds: 30,
      preStop: true,
      want: { killed: 16, sigterm: 21, sigkill: 23, restarted: 23 },
    },
    {
      name: 'no preStop hook: SIGTERM at once, SIGKILL when the grace period ends',
      liveness: httpLiveness({ periodSeconds: 5 }),
      podGraceSeconds: 30,
      preStop: false,
      want: { killed: 16, sigterm: 16, sigkill: 46, restarted: 46 },
    },
    {
      name: 'failureThreshold 1, timeout 2 s, grace 1 s (raised to the 2 s minimum)',
      liveness: httpLiveness({ periodSeconds: 2, failureThreshold: 1, timeoutSeconds: 2 }),
      podGraceSeconds: 1,
      preStop: true,
      want: { killed: 4, sigterm: 6, sigkill: 8, restarted: 8 },
    },
    {
      name: 'a second restart within 10 minutes waits the CrashLoopBackOff (10 s)',
      liveness: httpLiveness({ periodSeconds: 5 }),
      podGraceSeconds: 30,
      preStop: true,
      pendingDelayMs: 10_000,
      ranBeforeMs: 60_000,
      want: { killed: 16, sigterm: 46, sigkill: 48, restarted: 58 },
    },
    {
      name: 'after 10 minutes of running, the back-off has reset: restart at once',
      liveness: httpLiveness({ periodSeconds: 5 }),
      podGraceSeconds: 30,
      preStop: true,
      pendingDelayMs: 80_000,
      ranBeforeMs: 600_000,
      want: { killed: 16, sigterm: 46, sigkill: 48, restarted: 48 },
    },
  ])('$name', async (c) => {
    expect(await timeline(c)).toEqual(c.want)
  })
})
