/**
 * @module
 * `baton images` and `baton rmi NAME:TAG...`: the pushed artifacts as Docker users list and
 * remove images. `images` prints each tag with its digest, size, age, the objects that use it
 * (IN USE BY: a pod, a Deployment's template, a ReplicaSet with replicas) and the revisions
 * whose template names it. `rmi` removes a tag, and its content when no other tag names it;
 * the daemon refuses (BATON_ARTIFACT_IN_USE) while anything uses it.
 */
import { age } from '../../api/age.ts'
import { formatBytes } from '../../api/limits.ts'
import type { ArtifactListItem } from '../../client/api-client.ts'
import { defineCommand, usageError } from '../command.ts'
import { TABLE_TABS, tabulate } from '../printers/tabwriter.ts'

export function imagesTable(items: readonly ArtifactListItem[], now: number): string {
  let table = 'REPOSITORY\tTAG\tDIGEST\tSIZE\tCREATED\tIN USE BY\tREVISIONS\n'
  for (const a of items) {
    const digest = a.digest.slice(0, 'sha256:'.length + 12)
    const users = a.inUse.length > 0 ? a.inUse.join(',') : '<none>'
    const revisions = a.revisions.length > 0 ? a.revisions.join(',') : '<none>'
    table += `${a.name}\t${a.tag ?? '<none>'}\t${digest}\t${formatBytes(a.size)}\t${age(a.created, now)}\t${users}\t${revisions}\n`
  }
  return tabulate(table, TABLE_TABS)
}

export const imagesCommand = defineCommand<Record<string, never>>({
  path: ['images'],
  summary: 'List the pushed artifacts, their size and what uses them',
  usage: '[flags]',
  complete: () => ({}),
  async run(_o, ctx) {
    ctx.io.out.write(imagesTable(await ctx.client().artifacts(), ctx.clock.now()))
    return 0
  },
})

export const rmiCommand = defineCommand<{ refs: string[] }>({
  path: ['rmi'],
  summary: 'Remove pushed artifacts (refused while anything uses them)',
  args: '[refs...]',
  usage: 'NAME:TAG [NAME:TAG...] [flags]',
  examples: '  baton rmi web:v1',
  complete(args) {
    if (args.length === 0) throw usageError('rmi needs at least one NAME:TAG', 'e.g. baton rmi web:v1')
    return { refs: args }
  },
  async run(o, ctx) {
    for (const ref of o.refs) {
      const { removed, deleted } = await ctx.client().removeArtifact(ref)
      ctx.io.out.write(`Untagged: ${removed.name}:${removed.tag}\n`)
      if (deleted) ctx.io.out.write(`Deleted: ${removed.digest}\n`)
    }
    return 0
  },
})
