/**
 * @module
 * `baton rollout restart deployment/NAME`: stamps kubectl.kubernetes.io/restartedAt on the pod
 * template, so every pod is replaced by a normal rolling update.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { Deployment } from '../../api/types.ts'
import { restartTemplate } from '../../rollout/rollback.ts'
import { defineCommand } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { updateWithRetry } from './mutate.ts'

export const rolloutRestartCommand = defineCommand<{ ref: ResourceRef; namespace: string }>({
  path: ['rollout', 'restart'],
  summary: 'Restart a resource: replace every pod with a rolling update',
  args: '[resource...]',
  usage: '(TYPE NAME | TYPE/NAME) [flags]',
  examples: '  baton rollout restart deployment/web',
  complete: (args, _flags, ctx) => ({ ref: parseSingleRef(args, ['Deployment']), namespace: ctx.namespace }),
  async run(o, ctx) {
    await updateWithRetry(ctx.client(), 'Deployment', o.namespace, o.ref.name, (d: Deployment) => {
      d.spec.template = restartTemplate(d, ctx.clock.now())
    })
    ctx.io.out.write(`${qualifiedSingular('Deployment')}/${o.ref.name} restarted\n`)
    return 0
  },
})
