/**
 * @module
 * Recovery of what a coordinator left when it ended mid-rollout (killed, its machine
 * restarted), and of any target left drained: the window it was rolling counts as failed, so
 * it is rolled back as a whole, as the coordinator would have done; under `failurePolicy
 * rollback` the windows it had finished go back too. Each drained target is then checked (its
 * daemon answers, it runs the revision the history says, rolled out, and the front balancer's
 * health check passes) and added back; one that fails a check stays drained, and the report
 * says why. `baton fleet recover` runs it, and `rollout`, `apply` and `undo` run it first when
 * they find an interrupted revision (commands.ts).
 */
import type { AnyObject } from '../api/types.ts'
import type { Clock } from '../platform/clock.ts'
import { type FrontPort, message, type TargetPort } from './coordinator.ts'
import type { FleetHistory, FleetRevision } from './history.ts'
import type { Fleet, FleetTarget } from './types.ts'

export interface RecoveryTarget {
  target: string
  /** What the check found: the revision the target runs, or why it could not tell. */
  found: string
  action: 'added' | 'rolled-back' | 'left-drained' | 'kept'
  /** The revision the target runs after the recovery, when known. */
  revision?: number
  message: string
}

export interface RecoveryReport {
  at: string
  /** The interrupted revision this recovery closed, if any. */
  revision?: number
  targets: RecoveryTarget[]
}

/** The targets' front balancer state, as much as recovery reads. */
export interface FrontState {
  name: string
  drained: boolean
  healthy: boolean
}

export interface RecoveryPorts {
  targets: TargetPort & {
    /** Whether every one of `objects` is on the target as the fleet sent it (its last-applied text). */
    runs(t: FleetTarget, objects: readonly AnyObject[]): Promise<boolean>
  }
  front: FrontPort & { targets(): Promise<FrontState[]> }
}

/** One target to bring to a revision and (back) into the front balancer. */
export interface RecoveryStep {
  target: string
  /** The revision it should run; undefined: none is known (the fleet's first rollout). */
  want: number | undefined
  /** It is in the front balancer now (a finished window rolled back), so it is drained first. */
  drainFirst: boolean
}

/**
 * Which targets to recover, in waves run one after another (a wave's targets together): first
 * every drained target, to the revision the history says it runs (an interrupted window's
 * targets never reached theirs, so that is the one before); then, when the interrupted
 * revision's failure policy is `rollback`, each window it had finished, back to what its
 * targets ran before it, one window at a time as the coordinator rolls windows back.
 */
export function planRecovery(
  fleet: Fleet,
  history: FleetHistory,
  interrupted: FleetRevision | undefined,
  front: readonly FrontState[],
): RecoveryStep[][] {
  const known = new Set(fleet.spec.targets.map((t) => t.name))
  const drained = front.filter((s) => s.drained && known.has(s.name))
  const waves: RecoveryStep[][] = []
  if (drained.length > 0)
    waves.push(drained.map((s) => ({ target: s.name, want: history.targets[s.name]?.revision, drainFirst: false })))
  if (interrupted && fleet.spec.failurePolicy.action === 'rollback') {
    const drainedNames = new Set(drained.map((s) => s.name))
    for (const w of interrupted.windows) {
      if (w.outcome !== 'succeeded') continue
      const wave = w.targets
        .filter((name) => !drainedNames.has(name) && history.targets[name]?.revision === interrupted.revision)
        .map((name) => ({ target: name, want: interrupted.previous?.[name], drainFirst: true }))
      if (wave.length > 0) waves.push(wave)
    }
  }
  return waves
}

export interface RecoverInput {
  fleet: Fleet
  /** Updated in place: each target's revision after the recovery. */
  history: FleetHistory
  interrupted: FleetRevision | undefined
  ports: RecoveryPorts
  clock: Clock
  log(line: string): void
}

const HEALTH_POLL_MS = 250

export async function recover(input: RecoverInput): Promise<RecoveryReport> {
  const { fleet, history, interrupted, clock } = input
  const at = new Date(clock.now()).toISOString()
  const waves = planRecovery(fleet, history, interrupted, await input.ports.front.targets())
  const results: RecoveryTarget[] = []
  for (const wave of waves) results.push(...(await Promise.all(wave.map((s) => recoverOne(input, s)))))
  for (const r of results)
    if (r.revision !== undefined && r.action !== 'left-drained' && history.targets[r.target]?.revision !== r.revision)
      history.targets[r.target] = { revision: r.revision, since: new Date(clock.now()).toISOString() }
  return { at, ...(interrupted ? { revision: interrupted.revision } : {}), targets: results }
}

async function recoverOne(input: RecoverInput, s: RecoveryStep): Promise<RecoveryTarget> {
  const { fleet, history, interrupted, ports, log } = input
  const t = fleet.spec.targets.find((x) => x.name === s.target)!
  const byRevision = new Map(history.revisions.map((r) => [r.revision, r]))
  const want = s.want === undefined ? undefined : byRevision.get(s.want)
  const done = (r: Omit<RecoveryTarget, 'target'>): RecoveryTarget => {
    log(`  ${s.target}: ${r.found}; ${r.message}`)
    return { target: s.target, ...r }
  }
  if (!want) {
    const on = interrupted && (await ports.targets.runs(t, interrupted.objects).catch(() => false))
    return done({
      found: on ? `on revision ${interrupted.revision} (interrupted)` : 'no revision recorded for it',
      action: s.drainFirst ? 'kept' : 'left-drained',
      message: s.drainFirst
        ? 'no earlier revision to go back to: it keeps the interrupted one'
        : 'no earlier revision to go back to: left drained until a rollout adds it',
    })
  }
  let found: string
  let action: RecoveryTarget['action'] = 'added'
  try {
    const onWanted = await ports.targets.runs(t, want.objects)
    const onInterrupted = !onWanted && interrupted !== undefined && (await ports.targets.runs(t, interrupted.objects))
    found = onWanted
      ? `on revision ${want.revision}`
      : onInterrupted
        ? `on revision ${interrupted.revision} (interrupted)`
        : `not on revision ${want.revision} (an apply was cut short)`
    if (s.drainFirst) await ports.front.drain(s.target)
    if (!onWanted) {
      await ports.targets.apply(t, want.objects)
      action = 'rolled-back'
    }
    await ports.targets.waitRolledOut(t, want.objects, fleet.spec.rolloutTimeoutSeconds * 1000)
  } catch (err) {
    return done({
      found: 'cannot check it',
      action: 'left-drained',
      message: `${message(err)}: left drained until a recovery or rollout finds it well`,
    })
  }
  const health = await waitHealthy(input, s.target)
  if (!health)
    return done({
      found,
      action: 'left-drained',
      revision: want.revision,
      message:
        "the front load balancer's health check still fails: left drained until a recovery or rollout finds it well",
    })
  await ports.front.add(s.target)
  return done({
    found,
    action,
    revision: want.revision,
    message: action === 'rolled-back' ? `rolled back to revision ${want.revision}, added back` : 'healthy, added back',
  })
}

/**
 * Whether the front balancer's health check passes for the target, waiting as long as its
 * check needs to see a target come back (healthyThreshold checks, one interval apart).
 */
async function waitHealthy(input: RecoverInput, name: string): Promise<boolean> {
  const hc = input.fleet.spec.frontLoadBalancer.healthCheck
  const deadline = input.clock.now() + ((hc.healthyThreshold + 1) * hc.intervalSeconds + hc.timeoutSeconds) * 1000 * 2
  for (;;) {
    const s = (await input.ports.front.targets()).find((x) => x.name === name)
    if (s?.healthy) return true
    if (input.clock.now() >= deadline) return false
    await input.clock.sleep(HEALTH_POLL_MS)
  }
}
