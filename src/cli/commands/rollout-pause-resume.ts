/**
 * @module
 * `baton rollout pause|resume deployment/NAME`: while paused, template changes wait and
 * replica changes still apply (the controller's rules); the checks are rollout/rollback.ts's.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { Deployment } from '../../api/types.ts'
import { pauseDeployment, resumeDeployment } from '../../rollout/rollback.ts'
import { defineCommand } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { updateWithRetry } from './mutate.ts'

interface PauseOptions {
  ref: ResourceRef
  namespace: string
}

function pauseVerb(verb: 'pause' | 'resume', change: (d: Deployment) => Deployment, done: string) {
  return defineCommand<PauseOptions>({
    path: ['rollout', verb],
    summary: verb === 'pause' ? 'Mark the provided resource as paused' : 'Resume a paused resource',
    args: '[resource...]',
    usage: '(TYPE NAME | TYPE/NAME) [flags]',
    examples: `  baton rollout ${verb} deployment/web`,
    complete: (args, _flags, ctx) => ({ ref: parseSingleRef(args, ['Deployment']), namespace: ctx.namespace }),
    async run(o, ctx) {
      await updateWithRetry(ctx.client(), 'Deployment', o.namespace, o.ref.name, (d: Deployment) => {
        d.spec = change(d).spec
      })
      ctx.io.out.write(`${qualifiedSingular('Deployment')}/${o.ref.name} ${done}\n`)
      return 0
    },
  })
}

export const rolloutPauseCommand = pauseVerb('pause', pauseDeployment, 'paused')
export const rolloutResumeCommand = pauseVerb('resume', resumeDeployment, 'resumed')
