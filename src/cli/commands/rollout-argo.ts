/**
 * @module
 * `baton rollout promote [--full] | abort | retry rollout/NAME`, and the Rollout side of
 * `baton rollout status` and `baton rollout undo`: the kubectl-argo-rollouts plugin's verbs.
 * The decisions are rollout/argo-verbs.ts's, the write client/rollout-verb.ts's (shared with the
 * dashboard's buttons).
 */
import type { ReplicaSet, Rollout } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { ApiClient } from '../client.ts'
import { bool, type CliContext, defineCommand } from '../command.ts'
import { rolloutStatusLine, statusIsCurrent } from '../../api/rollout-text.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { updateWithRetry } from './mutate.ts'
import { abort, analysisAbort, promote, retry, undoTemplate, type VerbResult } from '../../rollout/argo-verbs.ts'
import { writeRolloutVerb } from '../../client/rollout-verb.ts'
import { ROLLOUT_EXIT } from './rollout-status.ts'

interface VerbOptions {
  ref: ResourceRef
  namespace: string
  full: boolean
}

function verbCommand(
  name: 'promote' | 'abort' | 'retry',
  summary: string,
  verb: (r: Rollout, full: boolean) => VerbResult,
) {
  return defineCommand<VerbOptions>({
    path: ['rollout', name],
    summary,
    args: '[resource...]',
    usage: '(rollout NAME | rollout/NAME) [flags]',
    examples:
      name === 'promote'
        ? '  baton rollout promote rollout/web\n  baton rollout promote rollout/web --full'
        : `  baton rollout ${name} rollout/web`,
    flags: name === 'promote' ? [{ flags: '--full', description: 'Skip every remaining step and analysis' }] : [],
    complete: (args, flags, ctx) => ({
      ref: parseSingleRef(args, ['Rollout']),
      namespace: ctx.namespace,
      full: bool(flags.full),
    }),
    async run(o, ctx) {
      const message = await writeRolloutVerb(ctx.client(), o.namespace, o.ref.name, (r) => verb(r, o.full))
      ctx.io.out.write(`${message}\n`)
      return 0
    },
  })
}

export const rolloutPromoteCommand = verbCommand('promote', 'Promote a Rollout past its pause or current step', promote)
export const rolloutAbortCommand = verbCommand('abort', 'Abort a Rollout: all traffic back to stable at once', (r) =>
  abort(r),
)
export const rolloutRetryCommand = verbCommand('retry', 'Retry an aborted Rollout from its first step', (r) => retry(r))

/** `baton rollout undo rollout/NAME [--to-revision=N]`. */
export async function undoRollout(
  ctx: CliContext,
  namespace: string,
  name: string,
  toRevision: number,
): Promise<number> {
  const client = ctx.client()
  const r = await client.get('Rollout', namespace, name)
  const owned = await listOwned(client, namespace, r.metadata.uid)
  await updateWithRetry(client, 'Rollout', namespace, name, (latest: Rollout) => {
    latest.spec.template = undoTemplate(latest, owned, toRevision)
  })
  ctx.io.out.write(`rollout '${name}' undo\n`)
  return 0
}

async function listOwned(client: ApiClient, namespace: string, uid: string | undefined): Promise<ReplicaSet[]> {
  const { items } = await client.list('ReplicaSet', { namespace })
  return items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === uid))
}

/**
 * `baton rollout status rollout/NAME`: prints the phase whenever it changes; exits 0 once
 * Healthy, with BATON_ROLLOUT_ABORTED once Degraded (aborted), BATON_TIMEOUT at --timeout.
 * Paused is reported and waited through, as the plugin does.
 */
export async function rolloutStatus(
  ctx: CliContext,
  namespace: string,
  name: string,
  watch: boolean,
  timeoutMs: number,
): Promise<number> {
  const client = ctx.client()
  const deadline = timeoutMs > 0 ? ctx.clock.now() + timeoutMs : Number.POSITIVE_INFINITY
  let last = ''
  for (;;) {
    const r = await client.get('Rollout', namespace, name)
    const current = statusIsCurrent(r)
    const line = current ? rolloutStatusLine(r) : 'Progressing - waiting for the controller'
    if (line !== last) ctx.io.out.write(`${line}\n`)
    last = line
    if (current && r.status?.phase === 'Healthy') return 0
    const analysis = current && r.status?.phase === 'Degraded' ? analysisAbort(r) : undefined
    if (analysis !== undefined) {
      throw new BatonError('BATON_ANALYSIS_FAILED', `rollout '${name}' was aborted by its analysis: ${analysis}`, {
        hint: `All traffic is on the stable revision. See the measurements with baton get analysisruns -o yaml; fix the version and apply it, or run baton rollout retry rollout/${name}`,
        exitCode: ROLLOUT_EXIT.rolledBack,
      })
    }
    if (current && r.status?.phase === 'Degraded') {
      throw new BatonError('BATON_ROLLOUT_ABORTED', `rollout '${name}' was aborted: ${r.status.message ?? ''}`, {
        hint: `All traffic is on the stable revision. Fix the template and apply it, or run baton rollout retry rollout/${name}`,
      })
    }
    if (!watch) return 0
    if (ctx.clock.now() >= deadline) {
      throw new BatonError('BATON_TIMEOUT', 'timed out waiting for the condition', {
        hint: `raise --timeout, or see what is stuck with baton get rollout ${name}`,
      })
    }
    if (ctx.signal.aborted) return 130
    await new Promise<void>((resolve) => ctx.clock.setTimeout(resolve, 500))
  }
}
