/**
 * @module
 * What each `baton fleet` verb does (cli/commands/fleet.ts declares them): the fleet file and
 * its manifests loaded, the front load balancer run, a rollout coordinated and recorded, the
 * status and history printed.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { loadManifests } from '../api/manifest.ts'
import type { AnyObject } from '../api/types.ts'
import { assertServedKind } from '../api/validate.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import { canonicalJson } from '../rollout/template-hash.ts'
import type { ApiClient } from '../client/api-client.ts'
import { FrontClient, hookPort, targetClient, targetPort } from './adapters.ts'
import { HaproxyFrontClient } from './haproxy.ts'
import { type RolloutReport, runRollout } from './coordinator.ts'
import { runFront } from './front-server.ts'
import {
  type FleetHistory,
  type FleetRevision,
  RECOVERIES_KEPT,
  readHistory,
  undoTarget,
  writeHistory,
} from './history.ts'
import { describeHolder, type LockHolder, lockFleet, lockState } from './lock.ts'
import { planWindows, selectTargets } from './plan.ts'
import { type RecoveryReport, recover as recoverTargets } from './recover.ts'
import { parseFleet } from './spec.ts'
import { type FrontReading, startPublisher, takeStatus } from './status.ts'
import type { Fleet } from './types.ts'

export interface FleetIO {
  out: (text: string) => void
  err: (text: string) => void
  clock: Clock
  signal: AbortSignal
}

export interface LoadedFleet {
  fleet: Fleet
  file: string
  baseDir: string
  stateDir: string
}

export function loadFleet(file: string, stateDirFlag: string | undefined): LoadedFleet {
  const path = resolve(file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new BatonError('BATON_USAGE', `cannot read the fleet file ${path}: ${(err as Error).message}`, {
      hint: 'Pass the fleet definition with -f FILE',
    })
  }
  const fleet = parseFleet(text, file)
  const baseDir = dirname(path)
  const stateDir = resolve(stateDirFlag ?? join(baseDir, '.baton-fleet', fleet.metadata.name))
  return { fleet, file: path, baseDir, stateDir }
}

async function loadObjects(l: LoadedFleet): Promise<AnyObject[]> {
  const objects: AnyObject[] = []
  for (const m of l.fleet.spec.manifests) {
    for (const o of await loadManifests(resolve(l.baseDir, m))) {
      assertServedKind(o)
      const obj = structuredClone(o) as AnyObject
      obj.metadata = { ...obj.metadata, namespace: obj.metadata.namespace || 'default' }
      objects.push(obj)
    }
  }
  return objects
}

/** The fleet's front load balancer: Baton's own (its control API) or the user's HAProxy (its runtime API). */
function frontOf(l: LoadedFleet, clock: Clock): FrontClient | HaproxyFrontClient {
  const h = l.fleet.spec.frontLoadBalancer.haproxy
  return h ? new HaproxyFrontClient(l.fleet, h, l.baseDir, clock) : new FrontClient(l.stateDir)
}

/** The fleet status is written to the targets at most this often (each write is a store write there). */
const PUBLISH_MIN_MS = 2000

/** `baton fleet lb`: serves until `signal` aborts. */
export async function serveFront(l: LoadedFleet, io: FleetIO): Promise<void> {
  if (l.fleet.spec.frontLoadBalancer.haproxy)
    throw new BatonError(
      'BATON_USAGE',
      `fleet ${l.fleet.metadata.name}'s front load balancer is an HAProxy you run (spec.frontLoadBalancer.haproxy): there is no Baton front load balancer to start`,
      { hint: 'Run HAProxy with its haproxy.cfg; baton fleet rollout drives it through its runtime API' },
    )
  mkdirSync(l.stateDir, { recursive: true, mode: 0o700 })
  const running = await runFront(l.fleet, l.stateDir, io.clock, io.out)
  const { host, port } = l.fleet.spec.frontLoadBalancer.listen
  io.err(
    `front load balancer of fleet ${l.fleet.metadata.name} on http://${host}:${port} (control ${running.controlAddress}, state ${l.stateDir})\n`,
  )
  // Each target's dashboard shows the fleet from the status written there (status.ts).
  const clients = new Map<string, ApiClient>()
  const publisher = startPublisher({
    targets: l.fleet.spec.targets.map((t) => ({
      name: t.name,
      client: () => {
        let c = clients.get(t.name)
        if (!c) {
          c = targetClient(t, l.baseDir)
          clients.set(t.name, c)
        }
        return c
      },
    })),
    take: async () =>
      takeStatus(l.fleet, readHistory(l.stateDir), { targets: running.front.targets() }, io.clock.now()),
    everyMs: Math.max(PUBLISH_MIN_MS, l.fleet.spec.frontLoadBalancer.healthCheck.intervalSeconds * 1000),
    clock: io.clock,
    report: (line) => io.err(`${line}\n`),
  })
  await new Promise<void>((done) => {
    if (io.signal.aborted) done()
    io.signal.addEventListener('abort', () => done(), { once: true })
  })
  await publisher.stop()
  await running.stop()
}

export interface RolloutOptions {
  tags: string[]
  /** `apply`: nothing to do when every chosen target already runs the same objects. */
  onlyIfChanged: boolean
  json: boolean
  cause: string
  /** `undo`: send this revision's objects instead of the manifests. */
  undoTo?: number | 'previous'
}

export async function rollout(l: LoadedFleet, o: RolloutOptions, io: FleetIO): Promise<number> {
  mkdirSync(l.stateDir, { recursive: true, mode: 0o700 })
  const lock = lockFleet(l.stateDir, l.fleet.metadata.name, {
    command: o.cause || 'baton fleet undo',
    startedAt: new Date(io.clock.now()).toISOString(),
  })
  try {
    return await rolloutLocked(l, o, io, lock.recovered)
  } finally {
    lock.release()
  }
}

/**
 * A revision still `running` when the lock was free was left by a coordinator that ended
 * mid-rollout (killed, or its machine restarted): it is recorded as failed, interrupted.
 */
function closeInterrupted(h: FleetHistory, recovered: LockHolder | undefined, io: FleetIO): boolean {
  let changed = false
  for (const r of h.revisions) {
    if (r.outcome !== 'running') continue
    changed = true
    r.outcome = 'failed'
    r.interrupted = true
    for (const w of r.windows) if (w.outcome === 'running') w.outcome = 'rolled-back'
    r.finishedAt = new Date(io.clock.now()).toISOString()
    r.reason = `interrupted: its coordinator${recovered ? ` (${describeHolder(recovered)})` : ''} ended before the rollout did`
    io.err(`fleet revision ${r.revision}: ${r.reason}; recovering what it left\n`)
  }
  return changed
}

/** The newest revision whose coordinator ended mid-rollout and that no recovery has dealt with yet. */
const unrecovered = (h: FleetHistory) => h.revisions.findLast((r) => r.interrupted && !r.recoveredAt)

/**
 * Recovery under the fleet's lock (recover.ts): the interrupted revision's window rolled back,
 * drained targets checked and added back; recorded in the history, reported on stderr.
 */
async function recoverLocked(l: LoadedFleet, history: FleetHistory, io: FleetIO): Promise<RecoveryReport> {
  const interrupted = unrecovered(history)
  io.err(
    interrupted
      ? `recovering from interrupted revision ${interrupted.revision} (failurePolicy ${l.fleet.spec.failurePolicy.action})\n`
      : 'recovering drained targets\n',
  )
  const report = await recoverTargets({
    fleet: l.fleet,
    history,
    interrupted,
    ports: { targets: targetPort(l.baseDir, io.clock), front: frontOf(l, io.clock) },
    clock: io.clock,
    log: (line) => io.err(`${line}\n`),
  })
  if (interrupted) interrupted.recoveredAt = report.at
  history.recoveries = [...(history.recoveries ?? []), report].slice(-RECOVERIES_KEPT)
  writeHistory(l.stateDir, history)
  return report
}

export function recoveryText(r: RecoveryReport): string {
  const rows = [['TARGET', 'FOUND', 'ACTION', 'REVISION', 'DETAIL']]
  for (const t of r.targets)
    rows.push([t.target, t.found, t.action, t.revision === undefined ? '-' : String(t.revision), t.message])
  const head = `recovery${r.revision !== undefined ? ` of interrupted revision ${r.revision}` : ''}: ${
    r.targets.length === 0
      ? 'no target was drained'
      : `${r.targets.filter((t) => t.action === 'left-drained').length} left drained`
  }\n`
  return r.targets.length === 0 ? head : head + table(rows)
}

/** `baton fleet recover`: exit 1 (BATON_FLEET_RECOVERY_INCOMPLETE) when a target stays drained. */
export async function recoverFleet(l: LoadedFleet, json: boolean, io: FleetIO): Promise<number> {
  mkdirSync(l.stateDir, { recursive: true, mode: 0o700 })
  const lock = lockFleet(l.stateDir, l.fleet.metadata.name, {
    command: 'baton fleet recover',
    startedAt: new Date(io.clock.now()).toISOString(),
  })
  let report: RecoveryReport
  try {
    const history = readHistory(l.stateDir)
    if (closeInterrupted(history, lock.recovered, io)) writeHistory(l.stateDir, history)
    report = await recoverLocked(l, history, io)
  } finally {
    lock.release()
  }
  io.out(json ? `${JSON.stringify(report, null, 2)}\n` : recoveryText(report))
  const left = report.targets.filter((t) => t.action === 'left-drained')
  if (left.length > 0)
    throw new BatonError(
      'BATON_FLEET_RECOVERY_INCOMPLETE',
      `fleet ${l.fleet.metadata.name}: ${left.map((t) => t.target).join(', ')} left drained (${left.map((t) => `${t.target}: ${t.message}`).join('; ')})`,
      {
        hint: 'Bring the target back (its daemon, its replicas), then run baton fleet recover again, or a baton fleet rollout that includes it',
      },
    )
  return 0
}

async function rolloutLocked(
  l: LoadedFleet,
  o: RolloutOptions,
  io: FleetIO,
  recovered: LockHolder | undefined,
): Promise<number> {
  const history = readHistory(l.stateDir)
  if (closeInterrupted(history, recovered, io)) writeHistory(l.stateDir, history)
  if (unrecovered(history)) io.err(recoveryText(await recoverLocked(l, history, io)))
  const targets = selectTargets(l.fleet.spec.targets, o.tags)
  let objects: AnyObject[]
  let artifacts = l.fleet.spec.artifacts
  let cause = o.cause
  if (o.undoTo !== undefined) {
    const back = undoTarget(history, o.undoTo === 'previous' ? undefined : o.undoTo)
    objects = back.objects
    artifacts = {}
    cause = `undo to revision ${back.revision}`
  } else {
    objects = await loadObjects(l)
  }
  const latest = history.revisions[history.revisions.length - 1]
  if (
    o.onlyIfChanged &&
    latest !== undefined &&
    canonicalJson(latest.objects) === canonicalJson(objects) &&
    targets.every((t) => history.targets[t.name]?.revision === latest.revision)
  ) {
    io.out(`fleet.baton.dev/${l.fleet.metadata.name} unchanged (every target runs revision ${latest.revision})\n`)
    return 0
  }
  const front = frontOf(l, io.clock)
  const revision = (history.revisions.reduce((m, r) => Math.max(m, r.revision), 0) ?? 0) + 1
  const byRevision = new Map(history.revisions.map((r) => [r.revision, r]))
  const entry: FleetRevision = {
    revision,
    startedAt: new Date(io.clock.now()).toISOString(),
    outcome: 'running',
    cause,
    objects,
    artifacts,
    previous: Object.fromEntries(Object.entries(history.targets).map(([name, t]) => [name, t.revision])),
    windows: planWindows(
      targets.map((t) => t.name),
      l.fleet.spec.windowSize,
    ).map((w, i) => ({ index: i + 1, targets: w, outcome: 'not-started' as const, failures: [] })),
  }
  history.revisions.push(entry)
  writeHistory(l.stateDir, history)
  const before = structuredClone(history.targets)
  const report = await runRollout({
    fleet: l.fleet,
    targets,
    revision,
    objects,
    artifacts,
    previous(name) {
      const rev = before[name]?.revision
      const r = rev === undefined ? undefined : byRevision.get(rev)
      return r ? { revision: r.revision, objects: r.objects } : undefined
    },
    ports: {
      targets: targetPort(l.baseDir, io.clock),
      front,
      hooks: hookPort(l.baseDir, (line) => io.err(`${line}\n`)),
    },
    clock: io.clock,
    log: (line) => io.err(`${line}\n`),
    progress(windows, updated) {
      entry.windows = structuredClone(windows) as typeof entry.windows
      const now = new Date(io.clock.now()).toISOString()
      for (const name of updated)
        if (history.targets[name]?.revision !== revision) history.targets[name] = { revision, since: now }
      writeHistory(l.stateDir, history)
    },
  })
  recordOutcome(history, revision, report, io.clock)
  writeHistory(l.stateDir, history)
  io.out(o.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(l.fleet, report))
  if (report.outcome === 'failed') {
    const failed = report.windows.filter((w) => w.failures.length > 0).map((w) => w.index)
    throw new BatonError(
      'BATON_FLEET_ROLLOUT_FAILED',
      `fleet ${l.fleet.metadata.name} revision ${revision}: window ${failed.join(', ')} failed and was rolled back; ${report.reason}`,
      {
        hint: 'The report above names each failed target and step; fix it and run baton fleet rollout again, or baton fleet undo',
      },
    )
  }
  return 0
}

function recordOutcome(h: FleetHistory, revision: number, report: RolloutReport, clock: Clock): void {
  const now = new Date(clock.now()).toISOString()
  const entry = h.revisions.find((r) => r.revision === revision)!
  entry.outcome = report.outcome
  entry.finishedAt = now
  entry.windows = report.windows
  if (report.reason) entry.reason = report.reason
  // Targets whose finished window a failure policy rolled back run what they ran before again.
  for (const [name, t] of Object.entries(h.targets)) {
    if (t.revision !== revision || report.updated.includes(name)) continue
    const before = entry.previous?.[name]
    if (before === undefined) delete h.targets[name]
    else h.targets[name] = { revision: before, since: now }
  }
  for (const name of report.updated)
    if (h.targets[name]?.revision !== revision) h.targets[name] = { revision, since: now }
}

export function reportText(fleet: Fleet, r: RolloutReport): string {
  const rows = [['WINDOW', 'TARGETS', 'OUTCOME', 'DETAIL']]
  for (const w of r.windows) {
    const detail = [
      ...w.failures.map((f) => `${f.target} failed at ${f.step}: ${f.message}`),
      ...(w.rollback ?? []).map((b) => `${b.target}: ${b.message}`),
    ]
    rows.push([String(w.index), w.targets.join(','), w.outcome, detail.join('; ')])
  }
  return `fleet ${fleet.metadata.name} revision ${r.revision}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}\n${table(rows)}`
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return `${rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n')}\n`
}

/** The fleet's status now: its history and what its front load balancer says. */
export async function fleetStatus(l: LoadedFleet, history: FleetHistory, clock: Clock) {
  let front: FrontReading
  try {
    front = { targets: await frontOf(l, clock).targets() }
  } catch (err) {
    front = { error: err instanceof Error ? err.message : String(err) }
  }
  return takeStatus(l.fleet, history, front, clock.now())
}

export async function status(l: LoadedFleet, json: boolean, io: FleetIO): Promise<number> {
  const history = readHistory(l.stateDir)
  const s = await fleetStatus(l, history, io.clock)
  const { targets } = s
  const lbError = s.frontBalancer === 'running' ? '' : s.frontBalancer
  const last = history.revisions[history.revisions.length - 1]
  if (json) {
    io.out(`${JSON.stringify({ ...s, recovery: history.recoveries?.at(-1) }, null, 2)}\n`)
    return 0
  }
  const rows = [['TARGET', 'ADDRESS', 'WEIGHT', 'REVISION', 'HEALTH', 'FRONT LB', 'SHARE', 'ERRORS', 'TAGS']]
  for (const t of targets)
    rows.push([
      t.name,
      t.address,
      String(t.weight),
      t.revision === undefined ? '<none>' : String(t.revision),
      t.health,
      t.frontBalancer,
      `${(t.share * 100).toFixed(0)}%`,
      String(t.errors),
      t.tags.join(',') || '<none>',
    ])
  io.out(table(rows))
  if (lbError) io.out(`front load balancer: ${lbError}\n`)
  if (last) {
    const at = last.windows.find((w) => w.outcome === 'running' || w.outcome === 'not-started')
    const where =
      last.outcome === 'running' ? `, at window ${at?.index ?? last.windows.length} of ${last.windows.length}` : ''
    io.out(`rollout: revision ${last.revision} ${last.outcome}${where} (${last.cause})\n`)
    if (last.outcome === 'running') {
      const lock = lockState(l.stateDir)
      io.out(
        lock.held
          ? `  coordinator: ${lock.holder ? describeHolder(lock.holder) : 'holds the lock'}\n`
          : `  interrupted: no coordinator holds the lock${lock.holder ? ` (the last was ${describeHolder(lock.holder)})` : ''}; run baton fleet recover (or the next rollout recovers it)\n`,
      )
      for (const w of last.windows)
        if (w.outcome === 'running')
          io.out(
            `  window ${w.index}: ${Object.entries(w.steps ?? {})
              .map(([t, s]) => `${t} at ${s}`)
              .join(', ')}\n`,
          )
    } else if (last.interrupted && !last.recoveredAt)
      io.out('  interrupted: run baton fleet recover (or the next rollout recovers it)\n')
    const rec = history.recoveries?.at(-1)
    if (rec && rec.at >= last.startedAt)
      for (const t of rec.targets) io.out(`  recovery ${rec.at}: ${t.target} ${t.found}: ${t.message}\n`)
    const drained = targets.filter((t) => t.frontBalancer === 'drained').map((t) => t.name)
    if (last.outcome !== 'running' && drained.length > 0)
      io.out(`  drained: ${drained.join(', ')} (baton fleet recover checks them and adds the healthy ones back)\n`)
    for (const w of last.windows)
      for (const f of w.failures) io.out(`  window ${w.index}: ${f.target} failed at ${f.step}: ${f.message}\n`)
  }
  return 0
}

export function historyText(l: LoadedFleet, io: FleetIO): number {
  const h = readHistory(l.stateDir)
  const rows = [['REVISION', 'STARTED', 'OUTCOME', 'TARGETS ON IT NOW', 'CAUSE']]
  for (const r of h.revisions) {
    const on = Object.entries(h.targets)
      .filter(([, v]) => v.revision === r.revision)
      .map(([n]) => n)
    rows.push([String(r.revision), r.startedAt, r.outcome, on.join(',') || '-', r.cause])
  }
  io.out(`fleet.baton.dev/${l.fleet.metadata.name}\n${table(rows)}`)
  return 0
}
