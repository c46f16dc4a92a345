/**
 * @module
 * `baton rollout status`: watch a Deployment (or StatefulSet) until its rollout finishes,
 * printing kubectl's lines (rollout/status-viewer.ts) on every change, or on a terminal a live
 * per-replica view. Exit codes (ROLLOUT_EXIT, docs/failure-policy.md): 0 when done or with
 * --watch=false; 1, as kubectl's, for an exceeded progress deadline, a deleted object or a
 * revision mismatch; 3 when the Deployment's failure policy rolled the rollout back, 4 when
 * it paused it, 5 for --timeout (kubectl: 1), 130 when interrupted.
 *
 * Ready replicas serve nobody while the load balancer is down, so a finished rollout is
 * reported as done only once the daemon's load-balancer component is Healthy
 * (`baton get componentstatuses`); until then it prints why it waits. A daemon that reports
 * no such component (an older one) is taken at its Deployment's word.
 */
import { componentHealthy, LOAD_BALANCER_COMPONENT } from '../../api/component-status.ts'
import type { Deployment, Pod, StatefulSet } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { automaticOutcome, awaitingFailurePolicy } from '../../rollout/failure-outcome.ts'
import { findNewReplicaSet } from '../../rollout/replica-sets.ts'
import { type RolloutTrouble, rolloutTrouble } from '../../rollout/rollout-trouble.ts'
import { deploymentStatusViewer, statefulSetStatusViewer, type RolloutStatus } from '../../rollout/status-viewer.ts'
import { type ApiClient, listAndWatch, ServerError } from '../client.ts'
import { countFlag, defineCommand, str, usageError, type CliContext } from '../command.ts'
import { parseDuration } from '../../api/go-duration.ts'
import { renderRolloutProgress } from '../printers/rollout-progress.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { ownedPods, ownedReplicaSets } from './owned.ts'

export interface RolloutStatusOptions {
  ref: ResourceRef
  watch: boolean
  /** 0: wait forever. */
  timeoutMs: number
  revision?: number
  namespace: string
}

type Rollable = Deployment | StatefulSet

/** `baton rollout status`'s exit codes besides 0 and kubectl's 1. */
export const ROLLOUT_EXIT = { rolledBack: 3, paused: 4, timedOut: 5, interrupted: 130 } as const

/** Throws when the Deployment's failure policy rolled the rollout back or paused it. */
function checkFailurePolicy(d: Deployment): RolloutStatus | undefined {
  const outcome = automaticOutcome(d)
  const name = d.metadata.name
  if (outcome?.kind === 'rolledBack') {
    // Reported once the restored revision is back in full, so CI knows where it stands.
    const restoring = deploymentStatusViewer(d)
    if (!restoring.done && !restoring.error) {
      return { message: `Rolling back automatically: ${restoring.message}`, done: false }
    }
    throw new BatonError(
      'BATON_ROLLED_BACK',
      `deployment "${name}" was rolled back automatically${outcome.at ? ` at ${outcome.at}` : ''}: ${outcome.message}`,
      {
        hint: `see why with \`baton describe deployment/${name}\`; fix the new version and apply it again (an undo now would go back to the failed revision)`,
        exitCode: ROLLOUT_EXIT.rolledBack,
        // What `baton verify` reports: the outcome itself, not only its text.
        cause: outcome,
      },
    )
  }
  if (outcome?.kind === 'paused') {
    throw new BatonError(
      'BATON_ROLLOUT_HALTED',
      `deployment "${name}" was paused by its failure policy${outcome.at ? ` at ${outcome.at}` : ''}: ${outcome.message}`,
      {
        hint: `go back with \`baton rollout undo deployment/${name}\` (after \`baton rollout resume\`), or carry on with \`baton rollout resume deployment/${name}\``,
        exitCode: ROLLOUT_EXIT.paused,
        cause: outcome,
      },
    )
  }
  if (awaitingFailurePolicy(d)) {
    return {
      message: `Waiting for the failure policy: deployment "${name}" exceeded its progress deadline...\n`,
      done: false,
    }
  }
  return undefined
}

function statusOf(obj: Rollable, revision: number | undefined): RolloutStatus {
  if (obj.kind === 'Deployment') {
    const waiting = checkFailurePolicy(obj)
    if (waiting) return waiting
  }
  const st = obj.kind === 'Deployment' ? deploymentStatusViewer(obj, revision) : statefulSetStatusViewer(obj)
  if (st.error !== undefined) {
    const { code, message } = st.error
    throw new BatonError(code, message, {
      hint:
        code === 'BATON_ROLLOUT_FAILED'
          ? `see why with \`baton describe deployment/${obj.metadata.name}\`; go back with \`baton rollout undo deployment/${obj.metadata.name}\``
          : `check the revisions with \`baton rollout history deployment/${obj.metadata.name}\``,
    })
  }
  return st
}

/** Redraws the live view in place: cursor up over the previous frame, clear, print. */
class LiveView {
  #lines = 0
  readonly #ctx: CliContext
  constructor(ctx: CliContext) {
    this.#ctx = ctx
  }
  draw(lines: string[]): void {
    let text = this.#lines > 0 ? `\x1b[${this.#lines}A` : ''
    for (const l of lines) text += `\x1b[2K${l}\n`
    this.#ctx.io.out.write(text)
    this.#lines = lines.length
  }
}

/** How often a watched Deployment's new pods are checked for a stuck rollout (rollout/rollout-trouble.ts). */
export const TROUBLE_POLL_MS = 5000

export const troubleLine = (t: RolloutTrouble) => `Rollout stuck (${t.reason}): ${t.message}. Next: ${t.next}`

/**
 * Until `signal` aborts, checks every TROUBLE_POLL_MS why the Deployment `current()` returns is
 * stuck, and hands each change to `onChange` (undefined once the trouble has gone). A pod stuck
 * in ImagePullBackOff changes nothing in the Deployment, so its watch alone would not tell.
 */
async function watchTrouble(
  client: ApiClient,
  ctx: CliContext,
  current: () => Rollable,
  signal: AbortSignal,
  onChange: (t: RolloutTrouble | undefined) => void,
): Promise<void> {
  let said: string | undefined
  while (!signal.aborted) {
    await ctx.clock.sleep(TROUBLE_POLL_MS, signal)
    const d = current()
    if (signal.aborted || d.kind !== 'Deployment') return
    const t = await newPods(client, d)
      .then((pods) => rolloutTrouble(d, pods, ctx.clock.now()))
      .catch(() => undefined)
    const key = t && troubleLine(t)
    if (key !== said && !signal.aborted) onChange(t)
    said = key
  }
}

async function newPods(client: ApiClient, d: Deployment): Promise<Pod[]> {
  const rs = findNewReplicaSet(d, await ownedReplicaSets(client, d))
  return rs ? ownedPods(client, rs) : []
}

/**
 * Follows `obj` through the watch stream, calling `onStatus` with each version (the first
 * being `obj` itself), until the rollout is done (true) or `signal` aborts (false). Throws for
 * a deadline, a revision mismatch or a deleted object.
 */
export async function watchRollout(
  client: ApiClient,
  obj: Rollable,
  revision: number | undefined,
  signal: AbortSignal,
  onStatus: (obj: Rollable, st: RolloutStatus) => void | Promise<void>,
): Promise<boolean> {
  const { kind, metadata } = obj
  let st = statusOf(obj, revision)
  await onStatus(obj, st)
  if (st.done) return true
  // The shared list-and-watch resumes a dropped stream from the last version seen, and lists
  // again when that version has left the watch history (the daemon keeps it in memory).
  const events = listAndWatch(
    client,
    kind,
    { namespace: metadata.namespace ?? 'default', fieldSelector: `metadata.name=${metadata.name}` },
    {
      ...(metadata.resourceVersion ? { resourceVersion: metadata.resourceVersion } : {}),
      signal,
    },
  )
  for await (const ev of events) {
    const latest = (ev.type === 'SYNC' ? ev.items[0] : ev.type === 'DELETED' ? undefined : ev.object) as
      | Rollable
      | undefined
    if (latest === undefined) {
      throw new BatonError('BATON_NOT_FOUND', 'object has been deleted', {
        hint: `it was deleted while watching; check with \`baton get ${kind.toLowerCase()} ${metadata.name}\``,
      })
    }
    st = statusOf(latest, revision)
    await onStatus(latest, st)
    if (st.done) break
  }
  return st.done
}

const DATA_PLANE_POLL_MS = 500

/** Why the load balancer is not serving, or undefined when it is (or the daemon does not say). */
async function dataPlaneDown(client: ApiClient): Promise<string | undefined> {
  let items: Awaited<ReturnType<ApiClient['componentStatuses']>>
  try {
    items = await client.componentStatuses()
  } catch (err) {
    if (err instanceof ServerError && err.code === 'BATON_NOT_FOUND') return undefined
    throw err
  }
  const lb = items.find((cs) => cs.metadata.name === LOAD_BALANCER_COMPONENT)
  if (!lb || componentHealthy(lb)) return undefined
  return lb.conditions[0]?.error ?? lb.conditions[0]?.message ?? 'not healthy'
}

/** Resolves true once the load balancer serves, false if `signal` aborts first. */
async function waitForDataPlane(client: ApiClient, ctx: CliContext, signal: AbortSignal): Promise<boolean> {
  let said = ''
  for (;;) {
    const why = await dataPlaneDown(client)
    if (why === undefined) return true
    if (why !== said) ctx.io.out.write(`Waiting for the load balancer to serve again: ${why}\n`)
    said = why
    if (signal.aborted) return false
    await new Promise<void>((resolve) => {
      const t = ctx.clock.setTimeout(resolve, DATA_PLANE_POLL_MS)
      signal.addEventListener(
        'abort',
        () => {
          t.cancel()
          resolve()
        },
        { once: true },
      )
    })
    if (signal.aborted) return false
  }
}

export const rolloutStatusCommand = defineCommand<RolloutStatusOptions>({
  path: ['rollout', 'status'],
  summary: 'Show the status of the rollout',
  args: '[resource...]',
  usage: '(TYPE NAME | TYPE/NAME) [flags]',
  examples: [
    '  baton rollout status deployment/web',
    '  baton rollout status deploy/web --timeout=2m',
    '  baton rollout status deploy/web --watch=false',
  ].join('\n'),
  flags: [
    { flags: '-w, --watch <bool>', description: 'Watch the status of the rollout until it is done', default: 'true' },
    {
      flags: '--timeout <duration>',
      description: 'How long to wait before giving up, e.g. 30s, 5m (0: forever)',
      default: '0s',
    },
    { flags: '--revision <n>', description: 'Pin to a specific revision; fails when the running revision differs' },
  ],
  complete(args, flags, ctx) {
    const watch = String(flags.watch ?? 'true')
    if (watch !== 'true' && watch !== 'false')
      throw usageError(`invalid argument "${watch}" for "--watch" flag`, 'Use --watch=true or --watch=false')
    const revision = countFlag(flags.revision, 'revision')
    return {
      ref: parseSingleRef(args, ['Deployment', 'StatefulSet', 'Rollout']),
      watch: watch === 'true',
      timeoutMs: parseDuration(str(flags.timeout) ?? '0s'),
      ...(revision ? { revision } : {}),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    if (o.ref.kind === 'Rollout') {
      const { rolloutStatus } = await import('./rollout-argo.ts')
      return rolloutStatus(ctx, o.namespace, o.ref.name, o.watch, o.timeoutMs)
    }
    const client = ctx.client()
    const { kind, name } = o.ref
    let obj = (await client.get(kind, o.namespace, name)) as Rollable
    if (!o.watch) {
      const st = statusOf(obj, o.revision)
      const down = st.done ? await dataPlaneDown(client) : undefined
      ctx.io.out.write(down === undefined ? st.message : `Waiting for the load balancer to serve again: ${down}\n`)
      return 0
    }
    const live = ctx.io.isTTY && obj.kind === 'Deployment' ? new LiveView(ctx) : undefined
    let trouble: RolloutTrouble | undefined
    const redraw = async () => {
      if (!live || obj.kind !== 'Deployment') return
      const lines = renderRolloutProgress(obj, await newPods(client, obj), ctx.clock.now())
      live.draw(trouble ? [...lines, troubleLine(trouble)] : lines)
    }
    const show = async (st: RolloutStatus): Promise<void> => {
      if (live) {
        await redraw()
        if (st.done) ctx.io.out.write(st.message)
      } else ctx.io.out.write(st.message)
    }
    const abort = new AbortController()
    const troubleAbort = new AbortController()
    const troubleWatch = watchTrouble(
      client,
      ctx,
      () => obj,
      troubleAbort.signal,
      (t) => {
        trouble = t
        if (live) void redraw().catch(() => undefined)
        else if (t) ctx.io.out.write(`${troubleLine(t)}\n`)
      },
    )
    const onInterrupt = () => abort.abort()
    ctx.signal.addEventListener('abort', onInterrupt, { once: true })
    let timedOut = false
    let serving = true
    const timer =
      o.timeoutMs > 0
        ? ctx.clock.setTimeout(() => {
            timedOut = true
            abort.abort()
          }, o.timeoutMs)
        : undefined
    try {
      const done = await watchRollout(client, obj, o.revision, abort.signal, async (latest, st) => {
        obj = latest
        if (st.done) serving = await waitForDataPlane(client, ctx, abort.signal)
        if (serving) await show(st)
      })
      if (done && serving) return 0
    } finally {
      timer?.cancel()
      ctx.signal.removeEventListener('abort', onInterrupt)
      troubleAbort.abort()
      await troubleWatch
    }
    if (timedOut) {
      throw new BatonError('BATON_TIMEOUT', 'timed out waiting for the condition', {
        hint: trouble
          ? `the rollout is stuck (${trouble.reason}): ${trouble.next}`
          : `raise --timeout, or see what is stuck with \`baton describe ${kind.toLowerCase()}/${name}\``,
        exitCode: ROLLOUT_EXIT.timedOut,
      })
    }
    // Interrupted (Ctrl-C): the shell's convention for SIGINT.
    return ROLLOUT_EXIT.interrupted
  },
})
