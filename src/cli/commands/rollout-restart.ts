/**
 * @module
 * `baton rollout restart deployment/NAME|statefulset/NAME`: stamps kubectl.kubernetes.io/restartedAt
 * on the pod template, so every pod is replaced by a normal rolling update.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { Deployment, StatefulSet } from '../../api/types.ts'
import { restartedTemplate, restartTemplate } from '../../rollout/rollback.ts'
import { defineCommand } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { updateWithRetry } from './mutate.ts'

export const rolloutRestartCommand = defineCommand<{ ref: ResourceRef; namespace: string }>({
  path: ['rollout', 'restart'],
  summary: 'Restart a resource: replace every pod with a rolling update',
  args: '[resource...]',
  usage: '(TYPE NAME | TYPE/NAME) [flags]',
  examples: '  baton rollout restart deployment/web',
  complete: (args, _flags, ctx) => ({
    ref: parseSingleRef(args, ['Deployment', 'StatefulSet']),
    namespace: ctx.namespace,
  }),
  async run(o, ctx) {
    if (o.ref.kind === 'StatefulSet') {
      await updateWithRetry(ctx.client(), 'StatefulSet', o.namespace, o.ref.name, (set: StatefulSet) => {
        set.spec.template = restartedTemplate(set.spec.template, ctx.clock.now())
      })
    } else {
      await updateWithRetry(ctx.client(), 'Deployment', o.namespace, o.ref.name, (d: Deployment) => {
        d.spec.template = restartTemplate(d, ctx.clock.now())
      })
    }
    ctx.io.out.write(`${qualifiedSingular(o.ref.kind)}/${o.ref.name} restarted\n`)
    return 0
  },
})
