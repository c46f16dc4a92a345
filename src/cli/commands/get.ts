/**
 * @module
 * `baton get`: kubectl's tables (or -o json|yaml|name|wide), by type, by name, by label,
 * across namespaces, and `-w` to keep printing rows as objects change.
 */
import type { AnyObject, Kind } from '../../api/types.ts'
import { watchResuming } from '../client.ts'
import { bool, defineCommand, str, usageError, type CliContext } from '../command.ts'
import { printTable } from '../printers/tables.ts'
import { parseResourceArgs, type ResourceArgs } from '../resource-args.ts'
import { COMPONENT_STATUS_NAMES, printComponentStatuses } from './get-component-statuses.ts'
import { type OutputFormat, parseOutput, printObjects } from './output.ts'

export interface GetOptions {
  resources: ResourceArgs
  /** `get componentstatuses`: the daemon's parts, computed by the daemon, not stored objects. */
  components?: boolean
  output: OutputFormat
  selector?: string
  allNamespaces: boolean
  watch: boolean
  namespace: string
}

export const getCommand = defineCommand<GetOptions>({
  path: ['get'],
  summary: 'Display one or many resources',
  args: '[resources...]',
  usage: '[(-o|--output=)json|yaml|name|wide] (TYPE[,TYPE...] [NAME ...] | TYPE/NAME ...) [flags]',
  examples: [
    '  baton get deployments',
    '  baton get deploy web -o yaml',
    '  baton get pods -l app=web -o wide',
    '  baton get all -A',
    '  baton get deploy web -w',
    '  baton get componentstatuses',
  ].join('\n'),
  flags: [
    { flags: '-o, --output <format>', description: 'Output format: json|yaml|name|wide' },
    { flags: '-l, --selector <selector>', description: 'Label selector to filter on, e.g. -l app=web,tier!=db' },
    { flags: '-A, --all-namespaces', description: 'List the requested objects across all namespaces' },
    { flags: '-w, --watch', description: 'After listing, watch for changes' },
  ],
  complete: (args, flags, ctx) => ({
    ...(args.length === 1 && COMPONENT_STATUS_NAMES.includes(args[0]!)
      ? { resources: { kinds: [], refs: [] }, components: true }
      : { resources: parseResourceArgs(args) }),
    output: parseOutput(flags.output),
    ...(str(flags.selector) ? { selector: str(flags.selector)! } : {}),
    allNamespaces: bool(flags.allNamespaces),
    watch: bool(flags.watch),
    namespace: ctx.namespace,
  }),
  validate(o) {
    if (o.components && (o.watch || o.selector)) throw usageError('componentstatuses are computed on each read: -w and -l do not apply', 'Run `baton get componentstatuses` again')
    if (o.watch && o.resources.kinds.length + new Set(o.resources.refs.map((r) => r.kind)).size > 1) {
      throw usageError('watch is only supported on individual resources and resource collections', 'Watch one type at a time')
    }
    if (o.selector && o.resources.refs.length > 0) throw usageError('name cannot be provided when a selector is specified')
  },
  async run(o, ctx) {
    const client = ctx.client()
    if (o.components) {
      ctx.io.out.write(printComponentStatuses(await client.componentStatuses(), o.output))
      return 0
    }
    const groups: Array<{ kind: Kind; items: AnyObject[] }> = []
    // -w continues from what was listed, so no change is missed or printed twice.
    let resourceVersion = '0'
    const newer = (rv: string | undefined) => (Number(rv ?? 0) > Number(resourceVersion) ? (resourceVersion = rv ?? '0') : undefined)
    for (const kind of o.resources.kinds) {
      const list = await client.list(kind, {
        ...(o.allNamespaces ? {} : { namespace: o.namespace }),
        ...(o.selector ? { labelSelector: o.selector } : {}),
      })
      groups.push({ kind, items: list.items })
      newer(list.resourceVersion)
    }
    for (const ref of o.resources.refs) {
      const obj = await client.get(ref.kind, o.namespace, ref.name)
      newer(obj.metadata.resourceVersion)
      const group = groups.find((g) => g.kind === ref.kind)
      if (group) group.items.push(obj)
      else groups.push({ kind: ref.kind, items: [obj] })
    }
    const all = groups.flatMap((g) => g.items)
    const single = o.resources.refs.length === 1 && o.resources.kinds.length === 0
    const structured = printObjects(all, o.output, single)
    if (structured !== undefined) ctx.io.out.write(structured)
    else if (all.length === 0 && !o.watch) {
      ctx.io.err.write(o.allNamespaces ? 'No resources found\n' : `No resources found in ${o.namespace} namespace.\n`)
    } else {
      const withKind = groups.length > 1
      const tables = groups
        .filter((g) => g.items.length > 0)
        .map((g) => printTable(g.kind, g.items, { now: ctx.clock.now(), wide: o.output === 'wide', withNamespace: o.allNamespaces, withKind }))
      ctx.io.out.write(tables.join('\n'))
    }
    if (o.watch) await watchRows(o, ctx, groups[0]?.kind ?? o.resources.refs[0]!.kind, all.length > 0, resourceVersion)
    return 0
  },
})

/** -w: one row (or document) per change, without headers once a table has been printed. */
async function watchRows(o: GetOptions, ctx: CliContext, kind: Kind, headerPrinted: boolean, resourceVersion: string): Promise<void> {
  const names = new Set(o.resources.refs.map((r) => r.name))
  let printedHeader = headerPrinted
  const events = watchResuming(
    ctx.client(),
    kind,
    {
      ...(o.allNamespaces ? {} : { namespace: o.namespace }),
      ...(o.selector ? { labelSelector: o.selector } : {}),
      ...(names.size === 1 ? { fieldSelector: `metadata.name=${[...names][0]}` } : {}),
    },
    { resourceVersion, signal: ctx.signal },
  )
  try {
    for await (const ev of events) {
      if (names.size > 0 && !names.has(ev.object.metadata.name)) continue
      const structured = printObjects([ev.object], o.output, true)
      if (structured !== undefined) ctx.io.out.write(structured)
      else {
        const opts = { now: ctx.clock.now(), wide: o.output === 'wide', withNamespace: o.allNamespaces, noHeaders: printedHeader }
        ctx.io.out.write(printTable(kind, [ev.object], opts))
        printedHeader = true
      }
    }
  } catch (err) {
    if ((err as Error)?.name !== 'AbortError') throw err
  }
}
