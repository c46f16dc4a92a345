/**
 * @module
 * `baton get`: kubectl's tables (or -o json|yaml|name|wide|jsonpath=…|custom-columns=…), by
 * type, by name, by label or field selector, across namespaces, sorted with --sort-by, with
 * label columns (-L, --show-labels), and `-w` to keep printing rows as objects change.
 */
import type { AnyObject, Kind } from '../../api/types.ts'
import { watchResuming } from '../client.ts'
import { bool, defineCommand, str, usageError, type CliContext } from '../command.ts'
import { sortObjects } from '../printers/sort-by.ts'
import { printTable, type TableOptions } from '../printers/tables.ts'
import { parseResourceArgs, type ResourceArgs } from '../resource-args.ts'
import { COMPONENT_STATUS_NAMES, printComponentStatuses } from './get-component-statuses.ts'
import { printRuntimeClasses, RUNTIME_CLASS_NAMES, selectRuntimeClasses } from './get-runtime-classes.ts'
import { parseTemplateOutput, printTemplate, type TemplateOutput } from './get-output.ts'
import { type OutputFormat, parseOutput, printObjects } from './output.ts'

export interface GetOptions {
  resources: ResourceArgs
  /** `get componentstatuses`: the daemon's parts, computed by the daemon, not stored objects. */
  components?: boolean
  /** `get runtimeclass [NAME…]`: the built-in RuntimeClasses (these names; all when empty). */
  runtimeClasses?: string[]
  output: OutputFormat
  template?: TemplateOutput
  selector?: string
  fieldSelector?: string
  allNamespaces: boolean
  watch: boolean
  noHeaders: boolean
  showLabels: boolean
  labelColumns: string[]
  sortBy?: string
  /** -o json|yaml keep metadata.managedFields (kubectl hides them by default). */
  showManagedFields: boolean
  namespace: string
}

export const getCommand = defineCommand<GetOptions>({
  path: ['get'],
  summary: 'Display one or many resources',
  args: '[resources...]',
  usage:
    '[(-o|--output=)json|yaml|name|wide|jsonpath=...|jsonpath-file=...|custom-columns=...|custom-columns-file=...] (TYPE[,TYPE...] [NAME ...] | TYPE/NAME ...) [flags]',
  examples: [
    '  baton get deployments',
    '  baton get deploy web -o yaml',
    '  baton get pods -l app=web -o wide --show-labels',
    '  baton get pods -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}\'',
    '  baton get deploy -o custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[*].image',
    '  baton get pods --sort-by=.metadata.creationTimestamp --field-selector status.phase=Running',
    '  baton get all -A',
    '  baton get deploy web -w',
    '  baton get componentstatuses',
    '  baton get runtimeclass',
  ].join('\n'),
  flags: [
    {
      flags: '-o, --output <format>',
      description:
        'Output format: json|yaml|name|wide|jsonpath=TEMPLATE|jsonpath-file=FILE|jsonpath-as-json=TEMPLATE|custom-columns=SPEC|custom-columns-file=FILE',
    },
    { flags: '-l, --selector <selector>', description: 'Label selector to filter on, e.g. -l app=web,tier!=db' },
    {
      flags: '--field-selector <selector>',
      description:
        'Field selector to filter on (=, ==, != on any field path), e.g. --field-selector status.phase=Running',
    },
    { flags: '-A, --all-namespaces', description: 'List the requested objects across all namespaces' },
    { flags: '-w, --watch', description: 'After listing, watch for changes' },
    { flags: '--no-headers', description: 'Print tables and custom columns without their header row' },
    { flags: '--show-labels', description: "Add a LABELS column with each object's labels" },
    {
      flags: '-L, --label-columns <keys>',
      description: 'Add a column per label key (comma-separated or repeated), e.g. -L app,tier',
      repeatable: true,
    },
    { flags: '--sort-by <jsonpath>', description: 'Sort by a field (a JSONPath), e.g. --sort-by=.metadata.name' },
    {
      flags: '--show-managed-fields',
      description:
        'Keep metadata.managedFields when printing objects as JSON or YAML (hidden by default, as kubectl does)',
    },
    {
      flags: '--allow-missing-template-keys <bool>',
      description: 'false: a jsonpath key missing from an object is an error (default true: it prints nothing)',
    },
  ],
  complete: (args, flags, ctx) => {
    const allow = str(flags.allowMissingTemplateKeys) ?? 'true'
    if (allow !== 'true' && allow !== 'false')
      throw usageError(`invalid argument "${allow}" for "--allow-missing-template-keys" flag`, 'Use true or false')
    const template = parseTemplateOutput(flags.output, allow === 'true')
    return {
      ...(args.length === 1 && COMPONENT_STATUS_NAMES.includes(args[0]!)
        ? { resources: { kinds: [], refs: [] }, components: true }
        : args.length >= 1 && RUNTIME_CLASS_NAMES.includes(args[0]!)
          ? { resources: { kinds: [], refs: [] }, runtimeClasses: args.slice(1) }
          : { resources: parseResourceArgs(args) }),
      output: template ? 'table' : parseOutput(flags.output, ['table', 'wide', 'json', 'yaml', 'name']),
      ...(template ? { template } : {}),
      ...(str(flags.selector) ? { selector: str(flags.selector)! } : {}),
      ...(str(flags.fieldSelector) ? { fieldSelector: str(flags.fieldSelector)! } : {}),
      allNamespaces: bool(flags.allNamespaces),
      watch: bool(flags.watch),
      // commander turns --no-headers into headers: false.
      noHeaders: flags.headers === false,
      showLabels: bool(flags.showLabels),
      labelColumns: ((flags.labelColumns as string[] | undefined) ?? []).flatMap((v) => v.split(',')).filter(Boolean),
      ...(str(flags.sortBy) ? { sortBy: str(flags.sortBy)! } : {}),
      showManagedFields: bool(flags.showManagedFields),
      namespace: ctx.namespace,
    }
  },
  validate(o) {
    if (o.components && (o.watch || o.selector))
      throw usageError(
        'componentstatuses are computed on each read: -w and -l do not apply',
        'Run `baton get componentstatuses` again',
      )
    if (o.runtimeClasses && (o.watch || o.selector || o.fieldSelector || o.template))
      throw usageError(
        'runtimeclasses are built in: -w, -l, --field-selector and templates do not apply',
        'Run `baton get runtimeclass [-o json|yaml|name]`',
      )
    if (o.watch && o.resources.kinds.length + new Set(o.resources.refs.map((r) => r.kind)).size > 1) {
      throw usageError(
        'watch is only supported on individual resources and resource collections',
        'Watch one type at a time',
      )
    }
    if ((o.selector || o.fieldSelector) && o.resources.refs.length > 0)
      throw usageError('name cannot be provided when a selector is specified')
    const table = o.template === undefined && (o.output === 'table' || o.output === 'wide')
    const format = o.template ? o.template.kind : o.output
    if (o.showLabels && !table)
      throw usageError(
        `--show-labels option cannot be used with ${format} printer`,
        'Print labels in a table (the default or -o wide), or select them with jsonpath',
      )
    if (o.labelColumns.length > 0 && !table)
      throw usageError(
        `--label-columns option cannot be used with ${format} printer`,
        'Use -L with a table (the default or -o wide)',
      )
    if (o.sortBy && o.watch)
      throw usageError('--sort-by cannot be combined with --watch', 'Sort a listing, or watch without sorting')
  },
  async run(o, ctx) {
    const client = ctx.client()
    if (o.components) {
      ctx.io.out.write(printComponentStatuses(await client.componentStatuses(), o.output))
      return 0
    }
    if (o.runtimeClasses) {
      const items = selectRuntimeClasses(await client.runtimeClasses(), o.runtimeClasses)
      const opts = { now: ctx.clock.now(), single: o.runtimeClasses.length === 1, noHeaders: o.noHeaders }
      ctx.io.out.write(printRuntimeClasses(items, o.output, opts))
      return 0
    }
    let all: AnyObject[] = []
    // -w continues from what was listed, so no change is missed or printed twice.
    let resourceVersion = '0'
    const newer = (rv: string | undefined) =>
      Number(rv ?? 0) > Number(resourceVersion) ? (resourceVersion = rv ?? '0') : undefined
    for (const kind of o.resources.kinds) {
      const list = await client.list(kind, {
        ...(o.allNamespaces ? {} : { namespace: o.namespace }),
        ...(o.selector ? { labelSelector: o.selector } : {}),
        ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}),
      })
      all.push(...list.items)
      newer(list.resourceVersion)
    }
    for (const ref of o.resources.refs) {
      const obj = await client.get(ref.kind, o.namespace, ref.name)
      newer(obj.metadata.resourceVersion)
      all.push(obj)
    }
    // Named objects of one type print in one table with that type's listing (`get deploy,svc web`).
    all = groupByKind(all)
    if (o.sortBy) all = sortObjects(all, o.sortBy)
    const single = o.resources.refs.length === 1 && o.resources.kinds.length === 0
    const structured = o.template
      ? printTemplate(all, o.template, single, o.noHeaders)
      : printObjects(all, o.output, single, o.showManagedFields)
    if (structured !== undefined) ctx.io.out.write(structured)
    else if (all.length === 0 && !o.watch) {
      ctx.io.err.write(o.allNamespaces ? 'No resources found\n' : `No resources found in ${o.namespace} namespace.\n`)
    } else {
      // kubectl's multipleGVKsRequested: TYPE/name rows when what was found is of several kinds.
      const withKind = new Set(all.map((obj) => obj.kind)).size > 1
      // kubectl starts a new table (and, with headers, a blank line) where the kind changes.
      const tables = runs(all).map((run) => printTable(run[0]!.kind, run, { ...tableOptions(o, ctx), withKind }))
      ctx.io.out.write(tables.join(o.noHeaders ? '' : '\n'))
    }
    if (o.watch)
      await watchRows(
        o,
        ctx,
        o.resources.kinds[0] ?? o.resources.refs[0]!.kind,
        all.length > 0 || o.noHeaders || o.template !== undefined,
        resourceVersion,
      )
    return 0
  },
})

function tableOptions(o: GetOptions, ctx: CliContext): TableOptions {
  return {
    now: ctx.clock.now(),
    wide: o.output === 'wide',
    withNamespace: o.allNamespaces,
    labelColumns: o.labelColumns,
    showLabels: o.showLabels,
    headerless: o.noHeaders,
  }
}

/** Objects of a kind together, kinds in the order first seen. */
function groupByKind(objects: readonly AnyObject[]): AnyObject[] {
  const order: Kind[] = []
  for (const obj of objects) if (!order.includes(obj.kind)) order.push(obj.kind)
  return order.flatMap((kind) => objects.filter((obj) => obj.kind === kind))
}

/** Consecutive objects of one kind. */
function runs(objects: readonly AnyObject[]): AnyObject[][] {
  const out: AnyObject[][] = []
  for (const obj of objects) {
    const last = out[out.length - 1]
    if (last && last[0]!.kind === obj.kind) last.push(obj)
    else out.push([obj])
  }
  return out
}

/** -w: one row (or document) per change, without headers once a table has been printed. */
async function watchRows(
  o: GetOptions,
  ctx: CliContext,
  kind: Kind,
  headerPrinted: boolean,
  resourceVersion: string,
): Promise<void> {
  const names = new Set(o.resources.refs.map((r) => r.name))
  const fields = [
    ...(o.fieldSelector ? [o.fieldSelector] : []),
    ...(names.size === 1 ? [`metadata.name=${[...names][0]}`] : []),
  ]
  let printedHeader = headerPrinted
  const events = watchResuming(
    ctx.client(),
    kind,
    {
      ...(o.allNamespaces ? {} : { namespace: o.namespace }),
      ...(o.selector ? { labelSelector: o.selector } : {}),
      ...(fields.length > 0 ? { fieldSelector: fields.join(',') } : {}),
    },
    { resourceVersion, signal: ctx.signal },
  )
  try {
    for await (const ev of events) {
      if (names.size > 0 && !names.has(ev.object.metadata.name)) continue
      const structured = o.template
        ? printTemplate([ev.object], o.template, true, printedHeader)
        : printObjects([ev.object], o.output, true, o.showManagedFields)
      if (structured !== undefined) {
        ctx.io.out.write(structured)
        printedHeader = true
      } else {
        ctx.io.out.write(printTable(kind, [ev.object], { ...tableOptions(o, ctx), noHeaders: printedHeader }))
        printedHeader = true
      }
    }
  } catch (err) {
    if ((err as Error)?.name !== 'AbortError') throw err
  }
}
