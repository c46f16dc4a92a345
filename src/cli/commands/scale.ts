/**
 * @module
 * `baton scale --replicas=N TYPE NAME`: writes the /scale subresource, optionally only if the
 * current size is --current-replicas (kubectl's precondition).
 */
import { qualifiedSingular } from '../../api/resources.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { countFlag, defineCommand, usageError } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'

export interface ScaleOptions {
  ref: ResourceRef
  replicas: number
  currentReplicas?: number
  namespace: string
}

export const scaleCommand = defineCommand<ScaleOptions>({
  path: ['scale'],
  summary: 'Set a new size for a deployment, replica set or stateful set',
  args: '[resource...]',
  usage: '--replicas=COUNT (TYPE NAME | TYPE/NAME) [flags]',
  examples: [
    '  baton scale --replicas=5 deployment/web',
    '  baton scale deploy web --replicas=0 --current-replicas=2',
  ].join('\n'),
  flags: [
    { flags: '--replicas <count>', description: 'The new desired number of replicas' },
    { flags: '--current-replicas <count>', description: 'Precondition: scale only if the current size is this' },
  ],
  complete(args, flags, ctx) {
    const replicas = countFlag(flags.replicas, 'replicas')
    if (replicas === undefined) throw usageError('required flag(s) "replicas" not set')
    const current = countFlag(flags.currentReplicas, 'current-replicas')
    return {
      ref: parseSingleRef(args, ['Deployment', 'ReplicaSet', 'StatefulSet']),
      replicas,
      ...(current !== undefined ? { currentReplicas: current } : {}),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    const client = ctx.client()
    const scale = await client.getScale(o.ref.kind, o.namespace, o.ref.name)
    if (o.currentReplicas !== undefined && scale.spec.replicas !== o.currentReplicas) {
      throw new BatonError(
        'BATON_CONFLICT',
        `Expected replicas to be ${o.currentReplicas}, was ${scale.spec.replicas}`,
        {
          hint: 'Check the current size with `baton get`, then scale again',
        },
      )
    }
    await client.setScale(
      o.ref.kind,
      o.namespace,
      o.ref.name,
      o.replicas,
      o.currentReplicas !== undefined ? scale.metadata.resourceVersion : undefined,
    )
    ctx.io.out.write(`${qualifiedSingular(o.ref.kind)}/${o.ref.name} scaled\n`)
    return 0
  },
})
