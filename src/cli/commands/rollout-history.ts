/**
 * @module
 * `baton rollout history deployment/NAME|statefulset/NAME|rollout/NAME [--revision=N]`: the
 * revisions with their CHANGE-CAUSE (seed 004), or one revision's pod template. A StatefulSet's
 * revisions are its ControllerRevisions; a Rollout's, its ReplicaSets by Argo's revision annotation.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { Deployment, PodTemplateSpec, ReplicaSet, Rollout, Secret, StatefulSet } from '../../api/types.ts'
import { argoRevisionTemplate, argoRolloutHistory } from '../../rollout/argo-history.ts'
import { formatRolloutHistory, previousRevision, revisionTemplate, rolloutHistory } from '../../rollout/history.ts'
import { formatConfigSection, type RevisionConfig } from '../../rollout/config-revision.ts'
import { CONFIG_SNAPSHOT_ANNOTATION, configRefs, decodeSnapshot } from '../../api/config-snapshot.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import type { ApiClient } from '../client.ts'
import { statefulSetHistory, statefulSetTemplateAt } from '../../rollout/statefulset-history.ts'
import { countFlag, defineCommand } from '../command.ts'
import { podTemplateSection } from '../printers/describe-containers.ts'
import { DescribeWriter } from '../printers/describe-writer.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { ownedReplicaSets } from './owned.ts'

export interface RolloutHistoryOptions {
  ref: ResourceRef
  revision?: number
  namespace: string
}

export const rolloutHistoryCommand = defineCommand<RolloutHistoryOptions>({
  path: ['rollout', 'history'],
  summary: 'View rollout history',
  args: '[resource...]',
  usage: '(TYPE NAME | TYPE/NAME) [--revision=N] [flags]',
  examples: [
    '  baton rollout history deployment/web',
    '  baton rollout history deployment/web --revision=3',
    '  baton rollout history rollout/web',
  ].join('\n'),
  flags: [{ flags: '--revision <n>', description: 'See the details, including the pod template, of this revision' }],
  complete(args, flags, ctx) {
    const revision = countFlag(flags.revision, 'revision')
    return {
      ref: parseSingleRef(args, ['Deployment', 'StatefulSet', 'Rollout']),
      ...(revision ? { revision } : {}),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    const client = ctx.client()
    if (o.ref.kind === 'StatefulSet') {
      const set = (await client.get('StatefulSet', o.namespace, o.ref.name)) as StatefulSet
      const revisions = (await client.list('ControllerRevision', { namespace: o.namespace })).items
      const ref = `${qualifiedSingular('StatefulSet')}/${set.metadata.name}`
      if (o.revision !== undefined) {
        const w = new DescribeWriter()
        podTemplateSection(w, statefulSetTemplateAt(set, revisions, o.revision))
        ctx.io.out.write(`${ref} with revision #${o.revision}\n${w.toString()}\n`)
        return 0
      }
      const table = formatRolloutHistory(statefulSetHistory(set, revisions))
      ctx.io.out.write(`${ref}\n${table.endsWith('\n') ? table : `${table}\n`}\n`)
      return 0
    }
    if (o.ref.kind === 'Rollout') {
      const r = (await client.get('Rollout', o.namespace, o.ref.name)) as Rollout
      const rss: ReplicaSet[] = (await client.list('ReplicaSet', { namespace: o.namespace })).items
      const ref = `${qualifiedSingular('Rollout')}/${r.metadata.name}`
      if (o.revision !== undefined) {
        const w = new DescribeWriter()
        podTemplateSection(w, argoRevisionTemplate(r, rss, o.revision))
        ctx.io.out.write(`${ref} with revision #${o.revision}\n${w.toString()}\n`)
        return 0
      }
      const table = formatRolloutHistory(argoRolloutHistory(r, rss))
      ctx.io.out.write(`${ref}\n${table.endsWith('\n') ? table : `${table}\n`}\n`)
      return 0
    }
    const d = (await client.get(o.ref.kind, o.namespace, o.ref.name)) as Deployment
    const rss = await ownedReplicaSets(client, d)
    const ref = `${qualifiedSingular('Deployment')}/${d.metadata.name}`
    if (o.revision !== undefined) {
      const w = new DescribeWriter()
      const template = revisionTemplate(rss, o.revision)
      podTemplateSection(w, template)
      const before = previousRevision(rss, o.revision)
      const config = formatConfigSection(
        await revisionConfig(client, o.namespace, template),
        before && { revision: before.revision, config: await revisionConfig(client, o.namespace, before.template) },
      )
      ctx.io.out.write(`${ref} with revision #${o.revision}\n${w.toString()}\n${config}`)
      return 0
    }
    const table = formatRolloutHistory(rolloutHistory(d, rss))
    ctx.io.out.write(`${ref}\n${table.endsWith('\n') ? table : `${table}\n`}\n`)
    return 0
  },
})

/** The config a revision's template ran with: its references and the snapshot it names (docs/config-revisions.md). */
async function revisionConfig(
  client: ApiClient,
  namespace: string,
  template: PodTemplateSpec,
): Promise<RevisionConfig> {
  const refs = configRefs(template)
  const name = template.metadata?.annotations?.[CONFIG_SNAPSHOT_ANNOTATION]
  if (refs.length === 0 || name === undefined) return { refs }
  try {
    const snapshot = decodeSnapshot((await client.get('Secret', namespace, name)) as Secret)
    return { refs, snapshotName: name, ...(snapshot ? { snapshot } : {}) }
  } catch (err) {
    if (isBatonError(err) && err.code === 'BATON_NOT_FOUND') return { refs, snapshotName: name }
    throw err
  }
}
