/**
 * @module
 * `baton delete`: by TYPE NAME, TYPE/NAME, -f, or -l / --all within a type. Owned objects go
 * too (ReplicaSets and Pods of a Deployment) unless --cascade=orphan.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject, Kind } from '../../api/types.ts'
import { bool, defineCommand, str, usageError } from '../command.ts'
import { parseResourceArgs } from '../resource-args.ts'
import { filenames, forEachObject, readManifests } from './manifests.ts'

export interface DeleteOptions {
  args: string[]
  files: string[]
  selector?: string
  all: boolean
  propagationPolicy: 'Background' | 'Foreground' | 'Orphan'
  gracePeriodSeconds?: number
  ignoreNotFound: boolean
}

const CASCADE = {
  background: 'Background',
  foreground: 'Foreground',
  orphan: 'Orphan',
  true: 'Background',
  false: 'Orphan',
} as const

export const deleteCommand = defineCommand<DeleteOptions>({
  path: ['delete'],
  summary: 'Delete resources by file names, stdin, resources and names, or by resources and label selector',
  args: '[resources...]',
  usage: '([-f FILENAME] | TYPE [(NAME | -l label | --all)] | TYPE/NAME) [flags]',
  examples: [
    '  baton delete deployment web',
    '  baton delete -f deploy.yaml',
    '  baton delete pods -l app=web',
    '  baton delete deploy/web --cascade=orphan',
  ].join('\n'),
  flags: [
    {
      flags: '-f, --filename <file>',
      description: 'File, directory or - (stdin) naming the objects to delete',
      repeatable: true,
    },
    {
      flags: '-l, --selector <selector>',
      description: 'Delete the objects of the type that match this label selector',
    },
    { flags: '--all', description: 'Delete every object of the type in the namespace' },
    { flags: '--cascade <policy>', description: 'background (default), foreground or orphan (keep owned objects)' },
    { flags: '--grace-period <seconds>', description: 'Seconds a pod gets to terminate (default: the pod spec)' },
    { flags: '--ignore-not-found', description: 'Treat "resource not found" as a successful delete' },
  ],
  complete(args, flags) {
    const cascade = str(flags.cascade) ?? 'background'
    const policy = (CASCADE as Record<string, DeleteOptions['propagationPolicy']>)[cascade]
    if (!policy)
      throw usageError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan".`)
    const grace = flags.gracePeriod === undefined ? undefined : Number(flags.gracePeriod)
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 0))
      throw usageError('--grace-period must be a non-negative integer')
    return {
      args,
      files: filenames(flags),
      ...(str(flags.selector) ? { selector: str(flags.selector)! } : {}),
      all: bool(flags.all),
      propagationPolicy: policy,
      ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
      ignoreNotFound: bool(flags.ignoreNotFound),
    }
  },
  validate(o) {
    if (o.files.length > 0 && o.args.length > 0) throw usageError('cannot specify both a resource and -f')
    if (o.files.length === 0 && o.args.length === 0)
      throw usageError('you must specify the type of resource to delete, or -f', 'e.g. baton delete deployment web')
  },
  async run(o, ctx) {
    const client = ctx.client()
    let targets: Array<{ kind: Kind; namespace: string; name: string }>
    if (o.files.length > 0) {
      targets = (await readManifests(o.files, ctx, 'name')).map((m: AnyObject) => ({
        kind: m.kind,
        namespace: m.metadata.namespace ?? ctx.namespace,
        name: m.metadata.name,
      }))
    } else {
      const { kinds, refs } = parseResourceArgs(o.args)
      if (kinds.length > 0 && !o.selector && !o.all) {
        throw usageError(
          'resource(s) were provided, but no name was specified',
          'Name the objects, or pass -l SELECTOR or --all',
        )
      }
      targets = refs.map((r) => ({ ...r, namespace: ctx.namespace }))
      for (const kind of kinds) {
        const list = await client.list(kind, {
          namespace: ctx.namespace,
          ...(o.selector ? { labelSelector: o.selector } : {}),
        })
        targets.push(...list.items.map((i) => ({ kind, namespace: ctx.namespace, name: i.metadata.name })))
      }
      if (kinds.length > 0 && targets.length === 0) ctx.io.err.write(`No resources found\n`)
    }
    await forEachObject(targets, async (target) => {
      try {
        await client.delete(target.kind, target.namespace, target.name, {
          propagationPolicy: o.propagationPolicy,
          ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
        })
      } catch (err) {
        if (o.ignoreNotFound && (err as { code?: string }).code === 'BATON_NOT_FOUND') return
        throw err
      }
      ctx.io.out.write(`${qualifiedSingular(target.kind)} "${target.name}" deleted\n`)
    })
    return 0
  },
})
