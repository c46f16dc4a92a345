/**
 * @module
 * `baton patch (TYPE NAME | TYPE/NAME) -p PATCH [--type strategic|merge|json]`: kubectl's patch.
 * The patch (JSON or YAML, or --patch-file) is applied to the live object and the result
 * written back with the resourceVersion that was read, so a concurrent write is retried on the
 * fresh object, never lost. Prints `deployment.apps/web patched`, or `patched (no change)`.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { qualifiedSingular } from '../../api/resources.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { defineCommand, str, usageError } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { applyJsonPatch } from './json-patch.ts'
import { updateWithRetry } from './mutate.ts'
import { type OutputFormat, parseOutput, printObjects } from './output.ts'
import { jsonMergePatch, strategicMerge } from './strategic-merge.ts'

export type PatchType = 'strategic' | 'merge' | 'json'

export interface PatchOptions {
  ref: ResourceRef
  type: PatchType
  patch: unknown
  output: OutputFormat
  namespace: string
}

/** `obj` with `patch` of `type` applied (a new object). */
export function applyPatch<T>(obj: T, patch: unknown, type: PatchType): T {
  if (type === 'json') return applyJsonPatch(obj, patch) as T
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new BatonError('BATON_USAGE', `a ${type} patch must be an object`, {
      hint: `e.g. -p '{"spec":{"replicas":3}}'`,
    })
  }
  return type === 'merge' ? jsonMergePatch(obj, patch) : strategicMerge(obj, patch)
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (typeof v !== 'object' || v === null) return v
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  )
}

export const patchCommand = defineCommand<PatchOptions>({
  path: ['patch'],
  summary: 'Update fields of a resource with a strategic merge, JSON merge or JSON patch',
  args: '[resource...]',
  usage: '(TYPE NAME | TYPE/NAME) (-p PATCH | --patch-file FILE) [--type strategic|merge|json] [flags]',
  examples: [
    `  baton patch deployment web -p '{"spec":{"replicas":5}}'`,
    `  baton patch deploy/web -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:v2"}]}}}}'`,
    `  baton patch deploy/web --type merge -p '{"metadata":{"labels":{"tier":null}}}'`,
    `  baton patch deploy/web --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:v2"}]'`,
  ].join('\n'),
  flags: [
    { flags: '-p, --patch <patch>', description: 'The patch, as JSON or YAML' },
    { flags: '--patch-file <file>', description: 'A file holding the patch' },
    {
      flags: '--type <type>',
      description: 'strategic (default), merge (RFC 7386) or json (RFC 6902)',
      default: 'strategic',
    },
    { flags: '-o, --output <format>', description: 'Print the patched object: json|yaml|name' },
  ],
  complete(args, flags, ctx) {
    const type = str(flags.type) ?? 'strategic'
    if (type !== 'strategic' && type !== 'merge' && type !== 'json') {
      throw usageError(`--type must be one of [json merge strategic], not "${type}"`)
    }
    const inline = str(flags.patch)
    const file = str(flags.patchFile)
    if (inline !== undefined && file !== undefined) throw usageError('--patch and --patch-file are mutually exclusive')
    if (inline === undefined && file === undefined)
      throw usageError('must specify --patch or --patch-file containing the contents of the patch')
    let text = inline ?? ''
    if (file !== undefined) {
      try {
        text = readFileSync(file, 'utf8')
      } catch (err) {
        throw new BatonError('BATON_USAGE', `unable to read patch file ${file}: ${(err as Error).message}`, {
          hint: 'Check the --patch-file path',
          cause: err,
        })
      }
    }
    let patch: unknown
    try {
      patch = parse(text)
    } catch (err) {
      throw new BatonError('BATON_USAGE', `unable to parse "${text}": ${(err as Error).message}`, {
        hint: 'Write the patch as JSON or YAML',
      })
    }
    return {
      ref: parseSingleRef(args),
      type,
      patch,
      output: parseOutput(flags.output, ['table', 'json', 'yaml', 'name']),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    const { obj, changed } = await updateWithRetry(ctx.client(), o.ref.kind, o.namespace, o.ref.name, (live) => {
      const patched = applyPatch(live, o.patch, o.type)
      if (deepEqual(patched, live)) return false
      for (const k of Object.keys(live)) delete (live as unknown as Record<string, unknown>)[k]
      Object.assign(live, patched)
    })
    const printed = printObjects([obj], o.output, true)
    ctx.io.out.write(
      printed ?? `${qualifiedSingular(o.ref.kind)}/${o.ref.name} patched${changed ? '' : ' (no change)'}\n`,
    )
    return 0
  },
})
