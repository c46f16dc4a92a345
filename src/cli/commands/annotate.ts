/**
 * @module
 * `baton annotate [--overwrite] (TYPE NAME | TYPE/NAME | TYPE -l SEL | TYPE --all) KEY=VAL ... KEY-`:
 * kubectl's annotate. Prints `deployment.apps/web annotated`.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import { bool, defineCommand, str, usageError } from '../command.ts'
import {
  applyMapChanges,
  checkResourceVersion,
  type MapChanges,
  resolveTargets,
  sameMap,
  splitChangeArgs,
} from './metadata-map.ts'
import { updateWithRetry } from './mutate.ts'

export interface AnnotateOptions {
  resources: string[]
  changes: MapChanges
  overwrite: boolean
  list: boolean
  selector?: string
  all: boolean
  resourceVersion?: string
}

export const annotateCommand = defineCommand<AnnotateOptions>({
  path: ['annotate'],
  summary: 'Update the annotations on a resource',
  args: '[args...]',
  usage:
    '[--overwrite] (TYPE NAME | TYPE/NAME | TYPE (-l SELECTOR | --all)) KEY_1=VAL_1 ... KEY_N=VAL_N | KEY- [flags]',
  examples: [
    "  baton annotate deployment web kubernetes.io/change-cause='web v2: faster start'",
    '  baton annotate deploy/web owner=team-a --overwrite',
    '  baton annotate deploy web owner-',
  ].join('\n'),
  flags: [
    { flags: '--overwrite', description: 'Replace an annotation that already has another value' },
    { flags: '--list', description: "Print the object's annotations, one KEY=VALUE a line" },
    { flags: '-l, --selector <selector>', description: 'Annotate every object of the type that matches this selector' },
    { flags: '--all', description: 'Annotate every object of the type in the namespace' },
    {
      flags: '--resource-version <version>',
      description: 'Only if the object is still at this resourceVersion (else a conflict)',
    },
  ],
  complete(args, flags) {
    const { resources, changes } = splitChangeArgs(args, 'annotation')
    const list = bool(flags.list)
    if (!list && changes.set.length === 0 && changes.remove.length === 0) {
      throw usageError('at least one annotation update is required', 'e.g. baton annotate deployment web owner=team-a')
    }
    return {
      resources,
      changes,
      overwrite: bool(flags.overwrite),
      list,
      ...(str(flags.selector) ? { selector: str(flags.selector)! } : {}),
      all: bool(flags.all),
      ...(str(flags.resourceVersion) ? { resourceVersion: str(flags.resourceVersion)! } : {}),
    }
  },
  async run(o, ctx) {
    const targets = await resolveTargets(
      o.resources,
      { ...(o.selector ? { selector: o.selector } : {}), all: o.all, verb: 'annotate' },
      ctx,
    )
    if (o.resourceVersion && targets.length > 1)
      throw usageError('--resource-version may only be used with a single resource')
    const list = (annotations: Record<string, string> | undefined) => {
      for (const k of Object.keys(annotations ?? {}).sort()) ctx.io.out.write(`${k}=${annotations![k]}\n`)
    }
    for (const t of targets) {
      if (o.list && o.changes.set.length === 0 && o.changes.remove.length === 0) {
        list((await ctx.client().get(t.kind, ctx.namespace, t.name)).metadata.annotations)
        continue
      }
      const { obj } = await updateWithRetry(
        ctx.client(),
        t.kind,
        ctx.namespace,
        t.name,
        (live) => {
          checkResourceVersion(live, o.resourceVersion)
          const after = applyMapChanges(live.metadata.annotations, o.changes, o.overwrite, {
            what: 'annotation',
            kind: t.kind,
            name: t.name,
          })
          if (sameMap(live.metadata.annotations, after)) return false
          if (after) live.metadata.annotations = after
          else delete live.metadata.annotations
        },
        { retryConflicts: !o.resourceVersion },
      )
      if (o.list) list(obj.metadata.annotations)
      else ctx.io.out.write(`${qualifiedSingular(t.kind)}/${t.name} annotated\n`)
    }
    return 0
  },
})
