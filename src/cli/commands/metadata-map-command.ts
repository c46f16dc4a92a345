/**
 * @module
 * The one implementation behind `baton label` and `baton annotate`: kubectl's two verbs that
 * set or remove keys of a metadata map (labels or annotations) on one object, several, or every
 * object of a type matching a selector, with `--overwrite`, `--list` and `--resource-version`.
 * Each verb supplies its words and its success message.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject } from '../../api/types.ts'
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

export interface MapCommandOptions {
  resources: string[]
  changes: MapChanges
  overwrite: boolean
  list: boolean
  selector?: string
  all: boolean
  resourceVersion?: string
}

/** What a change did, for the verb's message. */
export interface MapOutcome {
  changed: boolean
  before: Record<string, string> | undefined
  after: Record<string, string> | undefined
  overwrite: boolean
}

export interface MapVerb {
  /** The verb, e.g. `label`. */
  verb: string
  /** The map's field in metadata. */
  field: 'labels' | 'annotations'
  /** One entry of the map in messages, e.g. `annotation`. */
  what: 'label' | 'annotation'
  summary: string
  examples: string[]
  /** An example update for the "at least one update" refusal. */
  example: string
  overwrite: string
  /** The word of the selector and --all flag descriptions, e.g. `Label`. */
  Verb: string
  /** Lines printed before the result (e.g. label's `label "k" not found.`), from the keys to remove. */
  notes?: (remove: string[], before: Record<string, string> | undefined) => string[]
  /** The result word after `TYPE/NAME`, e.g. `labeled`. */
  result: (o: MapOutcome) => string
}

export function defineMapCommand(v: MapVerb) {
  return defineCommand<MapCommandOptions>({
    path: [v.verb],
    summary: v.summary,
    args: '[args...]',
    usage:
      '[--overwrite] (TYPE NAME | TYPE/NAME | TYPE (-l SELECTOR | --all)) KEY_1=VAL_1 ... KEY_N=VAL_N | KEY- [flags]',
    examples: v.examples.map((e) => `  ${e}`).join('\n'),
    flags: [
      { flags: '--overwrite', description: v.overwrite },
      { flags: '--list', description: `Print the object's ${v.field}, one KEY=VALUE a line` },
      {
        flags: '-l, --selector <selector>',
        description: `${v.Verb} every object of the type that matches this selector`,
      },
      { flags: '--all', description: `${v.Verb} every object of the type in the namespace` },
      {
        flags: '--resource-version <version>',
        description: 'Only if the object is still at this resourceVersion (else a conflict)',
      },
    ],
    complete(args, flags) {
      const { resources, changes } = splitChangeArgs(args, v.what)
      const list = bool(flags.list)
      if (!list && changes.set.length === 0 && changes.remove.length === 0)
        throw usageError(`at least one ${v.what} update is required`, `e.g. ${v.example}`)
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
        { ...(o.selector ? { selector: o.selector } : {}), all: o.all, verb: v.verb },
        ctx,
      )
      if (o.resourceVersion && targets.length > 1)
        throw usageError('--resource-version may only be used with a single resource')
      const print = (obj: AnyObject) => {
        const map = obj.metadata[v.field] ?? {}
        for (const k of Object.keys(map).sort()) ctx.io.out.write(`${k}=${map[k]}\n`)
      }
      for (const t of targets) {
        if (o.list && o.changes.set.length === 0 && o.changes.remove.length === 0) {
          print(await ctx.client().get(t.kind, ctx.namespace, t.name))
          continue
        }
        let before: Record<string, string> | undefined
        const { obj, changed } = await updateWithRetry(
          ctx.client(),
          t.kind,
          ctx.namespace,
          t.name,
          (live) => {
            checkResourceVersion(live, o.resourceVersion)
            before = live.metadata[v.field]
            const after = applyMapChanges(before, o.changes, o.overwrite, { what: v.what, kind: t.kind, name: t.name })
            if (sameMap(before, after)) return false
            if (after) live.metadata[v.field] = after
            else delete live.metadata[v.field]
          },
          { retryConflicts: !o.resourceVersion },
        )
        for (const line of v.notes?.(o.changes.remove, before) ?? []) ctx.io.out.write(`${line}\n`)
        // --list with changes prints the map instead of the message, as kubectl does.
        if (o.list) print(obj)
        else {
          const result = v.result({ changed, before, after: obj.metadata[v.field], overwrite: o.overwrite })
          ctx.io.out.write(`${qualifiedSingular(t.kind)}/${t.name} ${result}\n`)
        }
      }
      return 0
    },
  })
}
