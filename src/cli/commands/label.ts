/**
 * @module
 * `baton label [--overwrite] (TYPE NAME | TYPE/NAME | TYPE -l SEL | TYPE --all) KEY=VAL ... KEY-`,
 * and `--list`: kubectl's label. Prints `deployment.apps/web labeled`, `unlabeled` when only
 * removals changed something, `not labeled` when nothing changed. Keys and values are checked
 * by the API server's validation, so an invalid label is refused there with its field path.
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

export interface LabelOptions {
  resources: string[]
  changes: MapChanges
  overwrite: boolean
  list: boolean
  selector?: string
  all: boolean
  resourceVersion?: string
}

export const labelCommand = defineCommand<LabelOptions>({
  path: ['label'],
  summary: 'Update the labels on a resource',
  args: '[args...]',
  usage:
    '[--overwrite] (TYPE NAME | TYPE/NAME | TYPE (-l SELECTOR | --all)) KEY_1=VAL_1 ... KEY_N=VAL_N | KEY- [flags]',
  examples: [
    '  baton label deployment web tier=front',
    '  baton label deploy/web tier=back --overwrite',
    '  baton label pods -l app=web canary=true',
    '  baton label deploy web tier-',
    '  baton label deploy web --list',
  ].join('\n'),
  flags: [
    { flags: '--overwrite', description: 'Replace a label that already exists (without it, that is refused)' },
    { flags: '--list', description: "Print the object's labels, one KEY=VALUE a line" },
    { flags: '-l, --selector <selector>', description: 'Label every object of the type that matches this selector' },
    { flags: '--all', description: 'Label every object of the type in the namespace' },
    {
      flags: '--resource-version <version>',
      description: 'Only if the object is still at this resourceVersion (else a conflict)',
    },
  ],
  complete(args, flags) {
    const { resources, changes } = splitChangeArgs(args, 'label')
    const list = bool(flags.list)
    if (!list && changes.set.length === 0 && changes.remove.length === 0)
      throw usageError('at least one label update is required', 'e.g. baton label deployment web tier=front')
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
      { ...(o.selector ? { selector: o.selector } : {}), all: o.all, verb: 'label' },
      ctx,
    )
    if (o.resourceVersion && targets.length > 1)
      throw usageError('--resource-version may only be used with a single resource')
    for (const t of targets) {
      const name = `${qualifiedSingular(t.kind)}/${t.name}`
      if (o.list && o.changes.set.length === 0 && o.changes.remove.length === 0) {
        const obj = await ctx.client().get(t.kind, ctx.namespace, t.name)
        const labels = obj.metadata.labels ?? {}
        for (const k of Object.keys(labels).sort()) ctx.io.out.write(`${k}=${labels[k]}\n`)
        continue
      }
      let before: Record<string, string> | undefined
      let missing: string[] = []
      const { obj, changed } = await updateWithRetry(
        ctx.client(),
        t.kind,
        ctx.namespace,
        t.name,
        (live) => {
          checkResourceVersion(live, o.resourceVersion)
          before = live.metadata.labels
          missing = o.changes.remove.filter((k) => before?.[k] === undefined)
          const after = applyMapChanges(before, o.changes, o.overwrite, { what: 'label', kind: t.kind, name: t.name })
          if (sameMap(before, after)) return false
          if (after) live.metadata.labels = after
          else delete live.metadata.labels
        },
        { retryConflicts: !o.resourceVersion },
      )
      for (const k of missing) ctx.io.out.write(`label "${k}" not found.\n`)
      // --list with changes prints the labels instead of the message, as kubectl does.
      if (o.list) {
        const labels = obj.metadata.labels ?? {}
        for (const k of Object.keys(labels).sort()) ctx.io.out.write(`${k}=${labels[k]}\n`)
        continue
      }
      const onlyRemoved =
        changed && Object.keys(obj.metadata.labels ?? {}).length < Object.keys(before ?? {}).length && !o.overwrite
      ctx.io.out.write(`${name} ${!changed ? 'not labeled' : onlyRemoved ? 'unlabeled' : 'labeled'}\n`)
    }
    return 0
  },
})
