/**
 * @module
 * What `label` and `annotate` share, as kubectl's: arguments split into resources and changes
 * (`KEY=VALUE` sets, `KEY-` removes), the objects they name (TYPE NAME, TYPE/NAME, or a type with
 * -l / --all), and the change itself on a fresh copy of each object: an existing key is only
 * replaced with --overwrite, a removed key that is not there is no error.
 */
import { labelValueErrors } from '../../api/names.ts'
import { qualifiedResource } from '../../api/resources.ts'
import { CHANGE_CAUSE_ANNOTATION } from '../../rollout/annotations.ts'
import type { Kind } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { CliContext } from '../command.ts'
import { usageError } from '../command.ts'
import { parseResourceArgs } from '../resource-args.ts'

export interface MapChanges {
  set: Array<{ key: string; value: string }>
  remove: string[]
}

/** A change argument: contains `=`, or ends in `-` (and is not TYPE/NAME). */
const isChange = (a: string): boolean => a.includes('=') || (a.endsWith('-') && !a.includes('/'))

export function splitChangeArgs(
  args: readonly string[],
  what: 'label' | 'annotation',
): { resources: string[]; changes: MapChanges } {
  const changes: MapChanges = { set: [], remove: [] }
  const resources: string[] = []
  for (const a of args) {
    if (!isChange(a)) {
      resources.push(a)
      continue
    }
    const eq = a.indexOf('=')
    if (eq < 0) changes.remove.push(a.slice(0, -1))
    else changes.set.push({ key: a.slice(0, eq), value: a.slice(eq + 1) })
  }
  const bad = [...changes.set.map((s) => s.key), ...changes.remove].find((k) => k === '')
  if (bad !== undefined)
    throw usageError(`invalid ${what} spec: a key is empty`, `Write ${what}s as KEY=VALUE, or KEY- to remove one`)
  if (changes.set.some((s) => changes.remove.includes(s.key)))
    throw usageError(
      `can not both modify and remove ${what === 'label' ? 'a label' : 'an annotation'} in the same command`,
    )
  if (what === 'label') {
    for (const { key, value } of changes.set) {
      if (value.includes('=')) throw usageError(`invalid label spec: ${key}=${value}`, 'Write labels as KEY=VALUE')
      const errs = labelValueErrors(value)
      if (errs.length > 0) throw usageError(`invalid label value: "${key}=${value}": ${errs.join(';')}`)
    }
  }
  return { resources, changes }
}

export interface Target {
  kind: Kind
  name: string
}

/** The objects named by TYPE NAME / TYPE/NAME, or by a type with a selector or --all. */
export async function resolveTargets(
  resources: readonly string[],
  o: { selector?: string; all: boolean; verb: string },
  ctx: CliContext,
): Promise<Target[]> {
  if (resources.length === 0)
    throw usageError('one or more resources must be specified as <resource> <name> or <resource>/<name>')
  const { kinds, refs } = parseResourceArgs(resources)
  if (refs.length > 0 && (o.selector || o.all))
    throw usageError('name cannot be provided when a selector or --all is specified')
  if (kinds.length > 0 && !o.selector && !o.all) {
    throw usageError(
      'resource(s) were provided, but no name was specified',
      `Name the objects, or pass -l SELECTOR or --all, e.g. baton ${o.verb} deployment web ...`,
    )
  }
  const targets: Target[] = [...refs]
  for (const kind of kinds) {
    const list = await ctx
      .client()
      .list(kind, { namespace: ctx.namespace, ...(o.selector ? { labelSelector: o.selector } : {}) })
    targets.push(...list.items.map((i) => ({ kind, name: i.metadata.name })))
  }
  if (kinds.length > 0 && targets.length === 0)
    throw new BatonError('BATON_NOT_FOUND', `no objects passed to ${o.verb}`, {
      hint: `Check the selector with \`baton get ${resources.join(' ')} -l ...\``,
    })
  return targets
}

/**
 * Applies `changes` to `map` (labels or annotations); returns the new map or undefined when it
 * ends empty. Without `overwrite` kubectl refuses a label that exists at all, and an annotation
 * that has another value (except the change-cause, which is always rewritten).
 */
export function applyMapChanges(
  current: Record<string, string> | undefined,
  changes: MapChanges,
  overwrite: boolean,
  describe: { what: 'label' | 'annotation'; kind: Kind; name: string },
): Record<string, string> | undefined {
  const map = { ...current }
  if (!overwrite) {
    const hint = {
      hint: `Pass --overwrite to replace the value on ${qualifiedResource(describe.kind)} "${describe.name}"`,
    }
    if (describe.what === 'label') {
      const clashes = changes.set
        .filter((s) => map[s.key] !== undefined)
        .map((c) => `'${c.key}' already has a value (${map[c.key]}), and --overwrite is false`)
      // kubectl aggregates several errors as [a, b].
      if (clashes.length > 0)
        throw new BatonError('BATON_CONFLICT', clashes.length === 1 ? clashes[0]! : `[${clashes.join(', ')}]`, hint)
    } else {
      const clashes = changes.set.filter(
        (s) => s.key !== CHANGE_CAUSE_ANNOTATION && map[s.key] !== undefined && map[s.key] !== s.value,
      )
      if (clashes.length > 0) {
        const list = clashes.map((c) => `'${c.key}' already has a value (${map[c.key]})`).join('; ')
        throw new BatonError(
          'BATON_CONFLICT',
          `--overwrite is false but found the following declared annotation(s): ${list}`,
          hint,
        )
      }
    }
  }
  for (const { key, value } of changes.set) map[key] = value
  for (const key of changes.remove) delete map[key]
  return Object.keys(map).length > 0 ? map : undefined
}

/** --resource-version: the change applies only to the object at that version. */
export function checkResourceVersion(
  live: { kind: Kind; metadata: { name: string; resourceVersion?: string } },
  wanted: string | undefined,
): void {
  if (wanted === undefined || live.metadata.resourceVersion === wanted) return
  throw new BatonError(
    'BATON_CONFLICT',
    `Operation cannot be fulfilled on ${qualifiedResource(live.kind)} "${live.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
    {
      hint: `It is at resourceVersion ${live.metadata.resourceVersion}, not ${wanted}: read it again with \`baton get\``,
    },
  )
}

/** Equal as maps (order aside). */
export function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {})
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => b?.[k] === a?.[k])
}
