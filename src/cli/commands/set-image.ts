/**
 * @module
 * `baton set image TYPE/NAME CONTAINER=IMAGE ...` (`*=IMAGE` for every container): a template
 * change, so a Deployment rolls out a new ReplicaSet.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { Container, Deployment, ReplicaSet, Rollout, StatefulSet } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { bool, defineCommand, usageError } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { recordChangeCause, updateWithRetry } from './mutate.ts'

export interface SetImageOptions {
  ref: ResourceRef
  images: Array<{ container: string; image: string }>
  record: boolean
  namespace: string
}

/** Sets the images on a template's containers (init containers too); throws for an unknown name. */
export function setImages(
  containers: Container[],
  initContainers: Container[] | undefined,
  images: SetImageOptions['images'],
): void {
  const all = [...containers, ...(initContainers ?? [])]
  for (const { container, image } of images) {
    const targets = container === '*' ? all : all.filter((c) => c.name === container)
    if (targets.length === 0) {
      throw new BatonError('BATON_NOT_FOUND', `unable to find container named "${container}"`, {
        hint: `The containers are: ${all.map((c) => c.name).join(', ')}`,
      })
    }
    for (const c of targets) c.image = image
  }
}

export const setImageCommand = defineCommand<SetImageOptions>({
  path: ['set', 'image'],
  summary: 'Update the image of a pod template',
  args: '[args...]',
  usage: '(TYPE NAME | TYPE/NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... [flags]',
  examples: ['  baton set image deployment/web web=web:v2', '  baton set image deploy/web *=web:v2 --record'].join(
    '\n',
  ),
  flags: [{ flags: '--record', description: 'Record the command in the kubernetes.io/change-cause annotation' }],
  complete(args, flags, ctx) {
    const pairs = args.filter((a) => a.includes('='))
    const resources = args.filter((a) => !a.includes('='))
    if (pairs.length === 0)
      throw usageError('at least one image update is required', 'e.g. baton set image deployment/web web=web:v2')
    const images = pairs.map((p) => {
      const i = p.indexOf('=')
      const container = p.slice(0, i)
      const image = p.slice(i + 1)
      if (!container || !image) throw usageError(`invalid image update "${p}"`, 'Write CONTAINER=IMAGE')
      return { container, image }
    })
    return {
      ref: parseSingleRef(resources, ['Deployment', 'ReplicaSet', 'StatefulSet', 'Rollout']),
      images,
      record: bool(flags.record),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    await updateWithRetry(ctx.client(), o.ref.kind, o.namespace, o.ref.name, (obj) => {
      const w = obj as Deployment | ReplicaSet | StatefulSet | Rollout
      setImages(w.spec.template.spec.containers, w.spec.template.spec.initContainers, o.images)
      recordChangeCause(w.metadata, ctx, o.record)
    })
    ctx.io.out.write(`${qualifiedSingular(o.ref.kind)}/${o.ref.name} image updated\n`)
    return 0
  },
})
