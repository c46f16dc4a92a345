/**
 * @module
 * The fleet rollout, window by window (Octopus' rolling deployment over targets): for each
 * window, run beforeDrain, drain its targets from the front load balancer, push what they lack,
 * apply the manifests, wait for each target's own rolling update, run afterDeploy and verify;
 * then add them back and run afterAdd. A window with a failed target is rolled back as a whole
 * (every target of it gets the revision it ran before, then is added back) and the failure
 * policy decides the rest (plan.ts). The outside world comes in through ports, so this logic
 * is tested with fakes and run for real by `baton fleet`.
 */
import type { FleetStep } from '../api/fleet-status.ts'
import type { AnyObject } from '../api/types.ts'
import { isBatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import { afterFailure, planWindows } from './plan.ts'
import type { Fleet, FleetTarget, HookName } from './types.ts'

export interface TargetPort {
  /** Pushes each NAME:TAG the target does not hold yet; returns the ones pushed. */
  pushArtifacts(t: FleetTarget, artifacts: Readonly<Record<string, string>>): Promise<string[]>
  apply(t: FleetTarget, objects: readonly AnyObject[]): Promise<void>
  /** Resolves when every Deployment among `objects` has rolled out on the target; throws when it fails or times out. */
  waitRolledOut(t: FleetTarget, objects: readonly AnyObject[], timeoutMs: number): Promise<void>
}

export interface FrontPort {
  drain(target: string): Promise<{ drained: boolean; inflight: number }>
  add(target: string): Promise<void>
}

export interface HookPort {
  run(
    hook: HookName,
    command: string,
    env: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ ok: boolean; message: string }>
}

export type Step = FleetStep

export interface TargetFailure {
  target: string
  step: Step
  message: string
}

export interface WindowReport {
  index: number
  targets: string[]
  outcome: 'succeeded' | 'rolled-back' | 'not-started' | 'running'
  /** While the window runs: the step each of its targets is at (drained from `drain` on until `add`). */
  steps?: Record<string, Step>
  startedAt?: string
  finishedAt?: string
  failures: TargetFailure[]
  /** Per target of a rolled-back window: what it runs now. */
  rollback?: Array<{ target: string; ok: boolean; message: string }>
  /** Artifacts pushed, per target. */
  pushed?: Record<string, string[]>
}

export interface RolloutReport {
  revision: number
  outcome: 'succeeded' | 'failed'
  reason?: string
  windows: WindowReport[]
  /** Targets that run `revision` at the end. */
  updated: string[]
}

export interface RolloutInput {
  fleet: Fleet
  targets: readonly FleetTarget[]
  revision: number
  objects: readonly AnyObject[]
  artifacts: Readonly<Record<string, string>>
  /** What the target ran before this rollout (undefined: nothing known to go back to). */
  previous(target: string): { revision: number; objects: readonly AnyObject[] } | undefined
  ports: { targets: TargetPort; front: FrontPort; hooks: HookPort }
  clock: Clock
  /** One progress line (without newline). */
  log(line: string): void
  /**
   * Where the rollout is, after every step of every target and at the end of each window:
   * the windows so far and the targets that run `revision` now (kept in the history, so a
   * coordinator that dies leaves its place behind).
   */
  progress?(windows: readonly WindowReport[], updated: readonly string[]): void
}

/** An error as one line for a report: a BatonError's message with its hint. */
export const message = (err: unknown): string =>
  isBatonError(err)
    ? `${err.message}${err.hint ? ` (${err.hint})` : ''}`
    : err instanceof Error
      ? err.message
      : String(err)

class StepFailed extends Error {
  readonly step: Step
  constructor(step: Step, msg: string) {
    super(msg)
    this.step = step
  }
}

async function step<T>(name: Step, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof StepFailed) throw err
    throw new StepFailed(name, message(err))
  }
}

export async function runRollout(input: RolloutInput): Promise<RolloutReport> {
  const { fleet, clock, log } = input
  const windows = planWindows(
    input.targets.map((t) => t.name),
    fleet.spec.windowSize,
  )
  const byName = new Map(input.targets.map((t) => [t.name, t]))
  const reports: WindowReport[] = windows.map((targets, index) => ({
    index: index + 1,
    targets,
    outcome: 'not-started',
    failures: [],
  }))
  const done: WindowReport[] = []
  let failedTargets = 0
  const iso = () => new Date(clock.now()).toISOString()
  const hooks = (hook: HookName, t: FleetTarget, windowIndex: number) => runHooks(input, hook, t, windowIndex)
  const updatedSoFar = () => reports.filter((r) => r.outcome === 'succeeded').flatMap((r) => r.targets)
  const report = () => input.progress?.(reports, updatedSoFar())

  for (const w of reports) {
    w.startedAt = iso()
    w.outcome = 'running'
    w.steps = {}
    const steps = w.steps
    const at = (name: string, s: Step) => {
      steps[name] = s
      report()
    }
    log(`window ${w.index}/${reports.length}: ${w.targets.join(', ')}`)
    const pushed: Record<string, string[]> = {}
    const results = await Promise.all(
      w.targets.map(async (name): Promise<TargetFailure | undefined> => {
        const t = byName.get(name)!
        try {
          at(name, 'beforeDrain')
          await hooks('beforeDrain', t, w.index)
          at(name, 'drain')
          const d = await step('drain', () => input.ports.front.drain(name))
          log(`  ${name}: drained${d.drained ? '' : ` (timeout, ${d.inflight} still in flight)`}`)
          at(name, 'push')
          pushed[name] = await step('push', () => input.ports.targets.pushArtifacts(t, input.artifacts))
          at(name, 'apply')
          await step('apply', () => input.ports.targets.apply(t, input.objects))
          at(name, 'rollout')
          await step('rollout', () =>
            input.ports.targets.waitRolledOut(t, input.objects, fleet.spec.rolloutTimeoutSeconds * 1000),
          )
          log(`  ${name}: rolled out revision ${input.revision}`)
          at(name, 'afterDeploy')
          await hooks('afterDeploy', t, w.index)
          at(name, 'verify')
          await hooks('verify', t, w.index)
          return undefined
        } catch (err) {
          const f =
            err instanceof StepFailed
              ? { target: name, step: err.step, message: err.message }
              : { target: name, step: 'apply' as Step, message: message(err) }
          log(`  ${name}: failed at ${f.step}: ${f.message}`)
          return f
        }
      }),
    )
    w.pushed = pushed
    w.failures = results.filter((f): f is TargetFailure => f !== undefined)
    if (w.failures.length === 0) {
      for (const name of w.targets) {
        at(name, 'add')
        await input.ports.front.add(name)
        log(`  ${name}: added back`)
        try {
          await hooks('afterAdd', byName.get(name)!, w.index)
        } catch (err) {
          // The target already serves the new revision; the hook's failure is reported, nothing is undone.
          w.failures.push({ target: name, step: 'afterAdd', message: err instanceof Error ? err.message : String(err) })
        }
      }
      w.outcome = 'succeeded'
      w.finishedAt = iso()
      delete w.steps
      done.push(w)
      report()
      continue
    }
    failedTargets += w.failures.length
    w.rollback = await rollBack(input, w.targets, false)
    w.outcome = 'rolled-back'
    w.finishedAt = iso()
    delete w.steps
    report()
    const next = afterFailure(fleet.spec.failurePolicy, failedTargets, reports.length - w.index)
    if (next.next === 'continue') continue
    if (next.next === 'rollback-done') {
      for (const d of done) {
        log(`window ${d.index}: rolling back (failurePolicy rollback)`)
        d.rollback = await rollBack(input, d.targets, true)
        d.outcome = 'rolled-back'
        report()
      }
    }
    const updated = reports.filter((r) => r.outcome === 'succeeded').flatMap((r) => r.targets)
    return { revision: input.revision, outcome: 'failed', reason: next.reason, windows: reports, updated }
  }
  const updated = reports.filter((r) => r.outcome === 'succeeded').flatMap((r) => r.targets)
  const failed = reports.some((r) => r.failures.length > 0)
  return {
    revision: input.revision,
    outcome: failed ? 'failed' : 'succeeded',
    ...(failed ? { reason: 'a window failed; failurePolicy continue went on with the others' } : {}),
    windows: reports,
    updated,
  }
}

async function runHooks(input: RolloutInput, hook: HookName, t: FleetTarget, windowIndex: number): Promise<void> {
  for (const command of input.fleet.spec.hooks[hook]) {
    const env = {
      BATON_FLEET: input.fleet.metadata.name,
      BATON_FLEET_REVISION: String(input.revision),
      BATON_FLEET_WINDOW: String(windowIndex),
      BATON_TARGET: t.name,
      BATON_TARGET_SERVICE: `${t.service.host}:${t.service.port}`,
      BATON_TARGET_TAGS: t.tags.join(','),
      ...('server' in t.connection ? { BATON_TARGET_SERVER: t.connection.server } : {}),
    }
    const r = await input.ports.hooks.run(hook, command, env, input.fleet.spec.hookTimeoutSeconds * 1000)
    if (!r.ok) throw new StepFailed(hook, `hook ${JSON.stringify(command)} failed: ${r.message}`)
  }
}

/**
 * Every target of the window back to what it ran before, then back into the front balancer.
 * `drainFirst`: the target serves traffic now (a window that had succeeded), so it is drained
 * before it changes, as on the way forward.
 */
async function rollBack(
  input: RolloutInput,
  names: readonly string[],
  drainFirst: boolean,
): Promise<Array<{ target: string; ok: boolean; message: string }>> {
  const byName = new Map(input.targets.map((t) => [t.name, t]))
  return Promise.all(
    names.map(async (name) => {
      const t = byName.get(name)!
      const prev = input.previous(name)
      if (!prev) {
        input.log(`  ${name}: no earlier revision to go back to; left out of the front load balancer`)
        return { target: name, ok: false, message: 'no earlier revision: left drained' }
      }
      try {
        if (drainFirst) await input.ports.front.drain(name)
        await input.ports.targets.apply(t, prev.objects)
        await input.ports.targets.waitRolledOut(t, prev.objects, input.fleet.spec.rolloutTimeoutSeconds * 1000)
        await input.ports.front.add(name)
        input.log(`  ${name}: rolled back to revision ${prev.revision}, added back`)
        return { target: name, ok: true, message: `back on revision ${prev.revision}` }
      } catch (err) {
        input.log(`  ${name}: rollback failed: ${message(err)}; left out of the front load balancer`)
        return { target: name, ok: false, message: `rollback failed: ${message(err)}` }
      }
    }),
  )
}
