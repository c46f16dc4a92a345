/**
 * @module
 * `baton rollout undo deployment/NAME|statefulset/NAME [--to-revision=N]`: the previous (or the
 * given) revision's template and change-cause go back onto the Deployment, which then rolls
 * forward to that ReplicaSet (rollout/rollback.ts decides; this command only writes). A
 * StatefulSet gets the template of that ControllerRevision (rollout/statefulset-history.ts).
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { Deployment, StatefulSet } from '../../api/types.ts'
import { planUndo, type UndoPlan } from '../../rollout/rollback.ts'
import { planStatefulSetUndo, type StatefulSetUndo } from '../../rollout/statefulset-history.ts'
import { defineCommand, usageError } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { updateWithRetry } from './mutate.ts'
import { ownedReplicaSets } from './owned.ts'

export interface RolloutUndoOptions {
  ref: ResourceRef
  toRevision: number
  namespace: string
}

export const rolloutUndoCommand = defineCommand<RolloutUndoOptions>({
  path: ['rollout', 'undo'],
  summary: 'Undo a previous rollout',
  args: '[resource...]',
  usage: '(TYPE NAME | TYPE/NAME) [--to-revision=N] [flags]',
  examples: ['  baton rollout undo deployment/web', '  baton rollout undo deployment/web --to-revision=2'].join('\n'),
  flags: [
    {
      flags: '--to-revision <n>',
      description: 'The revision to roll back to (default 0: the previous one)',
      default: '0',
    },
  ],
  complete(args, flags, ctx) {
    const toRevision = Number(flags.toRevision ?? 0)
    if (!Number.isInteger(toRevision)) throw usageError('--to-revision must be an integer')
    return { ref: parseSingleRef(args, ['Deployment', 'StatefulSet', 'Rollout']), toRevision, namespace: ctx.namespace }
  },
  async run(o, ctx) {
    if (o.ref.kind === 'Rollout')
      return (await import('./rollout-argo.ts')).undoRollout(ctx, o.namespace, o.ref.name, o.toRevision)
    const client = ctx.client()
    if (o.ref.kind === 'StatefulSet') {
      const revisions = (await client.list('ControllerRevision', { namespace: o.namespace })).items
      let undo: StatefulSetUndo | undefined
      await updateWithRetry(client, 'StatefulSet', o.namespace, o.ref.name, (set: StatefulSet) => {
        undo = planStatefulSetUndo(set, revisions, o.toRevision)
        if (undo.kind === 'skipped') return false
        set.spec.template = undo.template
      })
      const ref = `${qualifiedSingular('StatefulSet')}/${o.ref.name}`
      ctx.io.out.write(undo?.kind === 'skipped' ? `${ref} ${undo.message}\n` : `${ref} rolled back\n`)
      return 0
    }
    const rss = await ownedReplicaSets(client, await client.get('Deployment', o.namespace, o.ref.name))
    let plan: UndoPlan | undefined
    await updateWithRetry(client, 'Deployment', o.namespace, o.ref.name, (d: Deployment) => {
      plan = planUndo(d, rss, o.toRevision)
      if (plan.kind === 'skipped') return false
      d.spec.template = plan.template
      d.metadata.annotations = plan.annotations
    })
    const ref = `${qualifiedSingular('Deployment')}/${o.ref.name}`
    ctx.io.out.write(plan?.kind === 'skipped' ? `${ref} ${plan.message}\n` : `${ref} rolled back\n`)
    return 0
  },
})
