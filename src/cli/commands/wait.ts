/**
 * @module
 * `baton wait --for=condition=Available|delete|create|jsonpath='{.status.x}'=value` on named
 * objects or on a type with -l / --all: kubectl's wait. It watches each object (no polling) until
 * the condition holds, then prints `deployment.apps/web condition met`; after --timeout (default
 * 30s; 0 checks once) it fails with `timed out waiting for the condition on deployments/web`.
 *
 *   condition=NAME[=VALUE]  status.conditions[type=NAME].status equals VALUE (default True),
 *                           both case-insensitive, and the condition is not older than the spec
 *                           (its observedGeneration, else status.observedGeneration, has caught
 *                           up with metadata.generation), as kubectl checks
 *   delete                  the object is gone (already gone counts)
 *   create                  the object exists
 *   jsonpath=TEMPLATE[=VALUE] the template has one value, equal to VALUE as text (any value
 *                           when VALUE is left out)
 */
import { RESOURCES, qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject, Kind } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { bool, defineCommand, str, usageError, type CliContext } from '../command.ts'
import { parseDuration } from '../../api/go-duration.ts'
import { goValue, parseJsonPath, relaxedJsonPath, type JsonPath } from '../printers/jsonpath.ts'
import { parseResourceArgs } from '../resource-args.ts'

export type WaitCondition =
  | { kind: 'condition'; type: string; status: string }
  | { kind: 'delete' }
  | { kind: 'create' }
  | { kind: 'jsonpath'; path: JsonPath; value?: string }

export interface WaitOptions {
  resources: string[]
  condition: WaitCondition
  timeoutMs: number
  selector?: string
  all: boolean
  namespace: string
}

const FOR_HINT =
  "Use --for=condition=Available, --for=delete, --for=create or --for=jsonpath='{.status.readyReplicas}'=3"

export function parseWaitFor(value: string | undefined): WaitCondition {
  if (!value) throw usageError('--for must be specified', FOR_HINT)
  if (value.toLowerCase() === 'delete') return { kind: 'delete' }
  if (value.toLowerCase() === 'create') return { kind: 'create' }
  if (value.startsWith('condition=')) {
    const rest = value.slice('condition='.length)
    const eq = rest.indexOf('=')
    const type = eq < 0 ? rest : rest.slice(0, eq)
    if (!type) throw usageError(`unrecognized condition: "${value}"`, FOR_HINT)
    return { kind: 'condition', type, status: eq < 0 ? 'True' : rest.slice(eq + 1) }
  }
  if (value.startsWith('jsonpath=')) {
    const rest = value.slice('jsonpath='.length)
    // The value follows the `=` after the template's closing brace (a filter may hold `==`).
    const close = rest.startsWith('{') ? rest.lastIndexOf('}') : -1
    const eq = rest.indexOf('=', close + 1)
    const expr = eq < 0 ? rest : rest.slice(0, eq)
    if (!expr) throw usageError('jsonpath expression cannot be empty', FOR_HINT)
    const path = parseJsonPath(relaxedJsonPath(expr))
    if (eq < 0) return { kind: 'jsonpath', path }
    const v = rest.slice(eq + 1).replace(/^['"]|['"]$/g, '')
    if (v === '')
      throw usageError(
        'jsonpath wait has to have a value after equal sign',
        `e.g. --for=jsonpath='{.status.phase}'=Running`,
      )
    return { kind: 'jsonpath', path, value: v }
  }
  throw usageError(`unrecognized condition: "${value}"`, FOR_HINT)
}

/** Whether `obj` meets a condition or jsonpath wait (pure; the delete/create waits need no object test). */
export function conditionMet(obj: AnyObject, c: WaitCondition): boolean {
  if (c.kind === 'create') return true
  if (c.kind === 'delete') return false
  if (c.kind === 'condition') {
    const status = (
      obj as {
        status?: {
          conditions?: Array<{ type?: string; status?: string; observedGeneration?: number }>
          observedGeneration?: number
        }
      }
    ).status
    const cond = status?.conditions?.find((x) => x.type?.toLowerCase() === c.type.toLowerCase())
    if (!cond || cond.status === undefined) return false
    const generation = obj.metadata.generation
    const observed = cond.observedGeneration ?? status?.observedGeneration
    if (generation !== undefined && observed !== undefined && observed < generation) return false
    return cond.status.toLowerCase() === c.status.toLowerCase()
  }
  const results = c.path.findResults(obj)
  if (results.length === 0 || results[0]!.length === 0) return false
  if (results.length > 1)
    throw new BatonError('BATON_USAGE', 'given jsonpath expression matches more than one list', {
      hint: 'Point the template at one field',
    })
  if (results[0]!.length > 1)
    throw new BatonError('BATON_USAGE', 'given jsonpath expression matches more than one value', {
      hint: 'Point the template at one field, e.g. with a filter',
    })
  const v = results[0]![0]
  if (c.value === undefined) return true
  if (typeof v === 'object' && v !== null) {
    throw new BatonError('BATON_USAGE', 'jsonpath leads to a nested object or list which is not supported', {
      hint: 'Point the template at a string, number or boolean field',
    })
  }
  return goValue(v).trim() === c.value.trim()
}

const notFound = (err: unknown): boolean => (err as { code?: string }).code === 'BATON_NOT_FOUND'

/** Waits for one object; resolves true when met, false when `signal` aborted first. */
async function waitOne(
  ctx: CliContext,
  kind: Kind,
  namespace: string,
  name: string,
  c: WaitCondition,
  signal: AbortSignal,
): Promise<boolean> {
  const client = ctx.client()
  // A condition wait on an object that is missing at the start fails (kubectl's builder finds
  // nothing); one deleted while waiting goes on waiting for it to come back, as kubectl does.
  let first = true
  while (!signal.aborted) {
    let rv: string
    try {
      const obj = await client.get(kind, namespace, name)
      if (conditionMet(obj, c)) return true
      rv = obj.metadata.resourceVersion ?? '0'
    } catch (err) {
      if (!notFound(err)) throw err
      if (c.kind === 'delete') return true
      if (c.kind !== 'create' && first) throw err
      rv = (await client.list(kind, { namespace, fieldSelector: `metadata.name=${name}` })).resourceVersion
    }
    first = false
    try {
      for await (const ev of client.watch(
        kind,
        { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: rv },
        signal,
      )) {
        if (ev.object.metadata.name !== name) continue
        if (ev.type === 'DELETED') {
          if (c.kind === 'delete') return true
          continue
        }
        if (conditionMet(ev.object, c)) return true
      }
    } catch (err) {
      if ((err as Error)?.name === 'AbortError' || signal.aborted) return false
      // The watch's history is gone (a daemon restart): read the object again.
      if ((err as { code?: string }).code !== 'BATON_GONE') throw err
    }
  }
  return false
}

export const waitCommand = defineCommand<WaitOptions>({
  path: ['wait'],
  summary: 'Wait for a condition on one or many resources',
  args: '[resources...]',
  usage:
    "(TYPE NAME | TYPE/NAME | TYPE (-l SELECTOR | --all)) --for=(condition=NAME[=VALUE] | delete | create | jsonpath='{...}'[=VALUE]) [--timeout=30s] [flags]",
  examples: [
    '  baton wait --for=condition=Available deployment/web --timeout=2m',
    '  baton wait --for=condition=Ready pods -l app=web',
    "  baton wait --for=jsonpath='{.status.readyReplicas}'=3 deploy/web",
    '  baton wait --for=delete pod/web-5d8f7c9b4-abcde --timeout=60s',
  ].join('\n'),
  flags: [
    { flags: '--for <condition>', description: "condition=NAME[=VALUE], delete, create or jsonpath='{...}'[=VALUE]" },
    {
      flags: '--timeout <duration>',
      description: 'How long to wait for each object (0: check once), e.g. 30s, 5m',
      default: '30s',
    },
    { flags: '-l, --selector <selector>', description: 'Wait for every object of the type that matches this selector' },
    { flags: '--all', description: 'Wait for every object of the type in the namespace' },
  ],
  complete(args, flags, ctx) {
    if (args.length === 0)
      throw usageError('one or more resources must be specified as <resource> <name> or <resource>/<name>')
    return {
      resources: args,
      condition: parseWaitFor(str(flags.for)),
      timeoutMs: parseDuration(str(flags.timeout) ?? '30s'),
      ...(str(flags.selector) ? { selector: str(flags.selector)! } : {}),
      all: bool(flags.all),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    const { kinds, refs } = parseResourceArgs(o.resources)
    if (refs.length > 0 && (o.selector || o.all))
      throw usageError('name cannot be provided when a selector or --all is specified')
    if (kinds.length > 0 && !o.selector && !o.all)
      throw usageError(
        'resource(s) were provided, but no name was specified',
        'Name the objects, or pass -l SELECTOR or --all',
      )
    const targets = [...refs]
    for (const kind of kinds) {
      const list = await ctx
        .client()
        .list(kind, { namespace: o.namespace, ...(o.selector ? { labelSelector: o.selector } : {}) })
      targets.push(...list.items.map((i) => ({ kind, name: i.metadata.name })))
    }
    if (targets.length === 0)
      throw new BatonError('BATON_NOT_FOUND', 'no matching resources found', {
        hint: `Check the selector with \`baton get ${o.resources.join(' ')}\``,
      })
    for (const t of targets) {
      const abort = new AbortController()
      const onInterrupt = () => abort.abort()
      ctx.signal.addEventListener('abort', onInterrupt, { once: true })
      const timer = o.timeoutMs > 0 ? ctx.clock.setTimeout(() => abort.abort(), o.timeoutMs) : undefined
      let met: boolean
      try {
        // --timeout=0: one look, no watch.
        met =
          o.timeoutMs === 0
            ? await checkOnce(ctx, t.kind, o.namespace, t.name, o.condition)
            : await waitOne(ctx, t.kind, o.namespace, t.name, o.condition, abort.signal)
      } finally {
        timer?.cancel()
        ctx.signal.removeEventListener('abort', onInterrupt)
      }
      if (!met && ctx.signal.aborted) return 130
      if (!met) {
        throw new BatonError(
          'BATON_TIMEOUT',
          `timed out waiting for the condition on ${RESOURCES[t.kind].plural}/${t.name}`,
          {
            hint: `raise --timeout, or see what is stuck with \`baton describe ${RESOURCES[t.kind].singular} ${t.name}\``,
          },
        )
      }
      ctx.io.out.write(`${qualifiedSingular(t.kind)}/${t.name} condition met\n`)
    }
    return 0
  },
})

async function checkOnce(
  ctx: CliContext,
  kind: Kind,
  namespace: string,
  name: string,
  c: WaitCondition,
): Promise<boolean> {
  try {
    return conditionMet(await ctx.client().get(kind, namespace, name), c)
  } catch (err) {
    if (notFound(err) && c.kind === 'delete') return true
    if (notFound(err) && c.kind === 'create') return false
    throw err
  }
}
