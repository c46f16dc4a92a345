/**
 * @module
 * Server-side apply (PATCH with `application/apply-patch+yaml`), what Helm 4 sends for every
 * object it installs, upgrades or rolls back, and `kubectl apply --server-side`: the body is the
 * whole object as the manager wants it. Baton computes the result as kube-apiserver does, at
 * the granularity of fields:
 *
 * - absent object: created from the applied one;
 * - present object: the fields this manager applied last time and leaves out now are removed
 *   (unless another apply manager owns them), then the applied object is merged over the live
 *   one (lists with a merge key element by element, other lists replaced), so fields set by
 *   defaulting, controllers or other clients stay;
 * - a field another apply manager owns with a different value is a conflict (409, one cause per
 *   field) unless `force=true`, which takes the field over.
 *
 * The owners are kept in `metadata.managedFields` as FieldsV1 trees (`f:spec`, `k:{"name":"web"}`,
 * `.`), one entry per apply manager. Simplified against Kubernetes: writes that are not applies
 * (PUT, the other PATCH types, controllers) record no owner, so they never conflict with an
 * apply and the next apply of the field overwrites them (docs/helm.md).
 */
import { RESOURCES } from '../../api/resources.ts'
import type { AnyObject, ManagedFieldsEntry } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { badRequest } from '../errors.ts'
import { mergeKeyOf, strategicMergePatch } from './strategic-merge-patch.ts'

type Obj = Record<string, unknown>
/** A FieldsV1 tree: each key names a field (`f:`), a list element by its key (`k:`) or the element itself (`.`). */
export type Fields = { [key: string]: Fields }

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

export interface ApplyOptions {
  /** `?fieldManager=`: required, as kube-apiserver requires it for apply. */
  manager: string
  /** `?force=true`: take over the fields other managers own. */
  force: boolean
  /** The time the entry records (RFC 3339). */
  now: string
}

/** Metadata fields the server sets: never owned by an applier. */
const SERVER_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
])

/** The fields an applied object sets, as a FieldsV1 tree (apiVersion, kind, status and server metadata left out). */
export function fieldSet(obj: Obj): Fields {
  const out: Fields = {}
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status' || value === undefined) continue
    if (key === 'metadata' && isObj(value)) {
      const meta = fieldsOfMap(Object.fromEntries(Object.entries(value).filter(([k]) => !SERVER_META.has(k))))
      if (Object.keys(meta).length > 0) out['f:metadata'] = meta
      continue
    }
    out[`f:${key}`] = fieldsOf(key, value)
  }
  return out
}

function fieldsOfMap(map: Obj): Fields {
  const out: Fields = {}
  for (const [key, value] of Object.entries(map)) if (value !== undefined) out[`f:${key}`] = fieldsOf(key, value)
  return out
}

function fieldsOf(field: string, value: unknown): Fields {
  if (isObj(value)) return fieldsOfMap(value)
  if (Array.isArray(value)) {
    const key = keyedBy(field, value)
    if (!key) return {} // an atomic list: owned as one value
    const out: Fields = {}
    for (const item of value as Obj[]) out[elementKey(key, item)] = { '.': {}, ...fieldsOfMap(item) }
    return out
  }
  return {}
}

/** The merge key of a list whose every element carries it, else undefined (the list is atomic). */
function keyedBy(field: string, list: readonly unknown[]): string | undefined {
  const key = mergeKeyOf(field, list)
  return key && list.length > 0 && list.every((i) => isObj(i) && i[key] !== undefined) ? key : undefined
}

const elementKey = (key: string, item: Obj): string => `k:${JSON.stringify({ [key]: item[key] })}`

function findElement(list: unknown[], path: string): number {
  const want = JSON.parse(path.slice(2)) as Obj
  return list.findIndex(
    (i) => isObj(i) && Object.entries(want).every(([k, v]) => JSON.stringify(i[k]) === JSON.stringify(v)),
  )
}

/** The value at one step of a FieldsV1 path, or undefined. */
function step(container: unknown, key: string): unknown {
  if (key.startsWith('f:')) return isObj(container) ? container[key.slice(2)] : undefined
  if (key.startsWith('k:') && Array.isArray(container)) return container[findElement(container, key)]
  return undefined
}

function remove(container: unknown, key: string): void {
  if (key.startsWith('f:') && isObj(container)) delete container[key.slice(2)]
  if (key.startsWith('k:') && Array.isArray(container)) {
    const i = findElement(container, key)
    if (i >= 0) container.splice(i, 1)
  }
}

/**
 * Removes from `target` what `prev` owned and neither `next` nor any of `others` owns; descends
 * where something is still owned, so a dropped env entry goes while its container stays.
 */
function prune(target: unknown, prev: Fields, next: Fields | undefined, others: Fields[]): void {
  for (const [key, sub] of Object.entries(prev)) {
    if (key === '.') continue
    const nextSub = next?.[key]
    const otherSubs = others.map((o) => o[key]).filter((o): o is Fields => o !== undefined)
    if (nextSub === undefined && otherSubs.length === 0) remove(target, key)
    else if (Object.keys(sub).length > 0) prune(step(target, key), sub, nextSub, otherSubs)
  }
}

/** Each leaf path of a tree ('.' marks an element and is not a field of its own). */
function leaves(fields: Fields, prefix: string[] = []): string[][] {
  const out: string[][] = []
  for (const [key, sub] of Object.entries(fields)) {
    if (key === '.') continue
    const children = Object.keys(sub).filter((k) => k !== '.')
    if (children.length === 0) out.push([...prefix, key])
    else out.push(...leaves(sub, [...prefix, key]))
  }
  return out
}

function has(fields: Fields, path: readonly string[]): boolean {
  let node: Fields | undefined = fields
  for (const key of path) {
    node = node?.[key]
    if (node === undefined) return false
  }
  return true
}

function without(fields: Fields, path: readonly string[]): Fields {
  const [head, ...rest] = path
  if (head === undefined || fields[head] === undefined) return fields
  const out = { ...fields }
  if (rest.length === 0) delete out[head]
  else {
    const sub = without(fields[head], rest)
    if (Object.keys(sub).filter((k) => k !== '.').length === 0) delete out[head]
    else out[head] = sub
  }
  return out
}

function valueAt(obj: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => step(v, key), obj)
}

/** `.spec.template.spec.containers[name="web"].image`, as kube-apiserver names a conflicting field. */
export function pathText(path: readonly string[]): string {
  return path
    .map((key) => {
      if (key.startsWith('f:')) return `.${key.slice(2)}`
      const entries = Object.entries(JSON.parse(key.slice(2)) as Obj)
      return `[${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`
    })
    .join('')
}

function applyEntries(obj: AnyObject | Obj | undefined): ManagedFieldsEntry[] {
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : undefined
  const entries = meta && Array.isArray(meta.managedFields) ? (meta.managedFields as ManagedFieldsEntry[]) : []
  return entries.filter((e) => isObj(e) && e.operation === 'Apply' && isObj(e.fieldsV1))
}

/** The checks kube-apiserver makes of an apply request before it looks at the object. */
export function checkApplyRequest(applied: unknown, manager: string | undefined): Obj {
  if (!manager)
    throw badRequest(
      'fieldManager is required for apply requests',
      'Pass ?fieldManager=<name> (kubectl and Helm send their own names)',
    )
  if (!isObj(applied)) throw badRequest('an apply patch must be one object', 'Send the whole object as YAML or JSON')
  const meta = isObj(applied.metadata) ? applied.metadata : {}
  if (meta.managedFields !== undefined)
    throw new BatonError('BATON_BAD_REQUEST', 'metadata.managedFields must be nil in an apply request', {
      hint: 'Leave managedFields out of the applied object; the server keeps them',
      causes: [{ field: 'metadata.managedFields', message: 'must be nil' }],
    })
  return applied
}

/**
 * The object an apply makes of `live` (undefined: it does not exist yet), with this manager's
 * managedFields entry; the caller admits and stores it.
 *
 * @throws BatonError BATON_APPLY_CONFLICT naming each field another manager owns with another value.
 */
export function serverSideApply(live: AnyObject | undefined, applied: Obj, opts: ApplyOptions): Obj {
  const next = fieldSet(applied)
  const entry: ManagedFieldsEntry = {
    manager: opts.manager,
    operation: 'Apply',
    apiVersion: String(applied.apiVersion ?? ''),
    time: opts.now,
    fieldsType: 'FieldsV1',
    fieldsV1: next,
  }
  const body = structuredClone(applied)
  const appliedMeta = isObj(body.metadata) ? body.metadata : {}
  if (!live) {
    delete appliedMeta.resourceVersion
    return { ...body, metadata: { ...appliedMeta, managedFields: [entry] } }
  }
  const mine = applyEntries(live).find((e) => e.manager === opts.manager)
  let others = applyEntries(live).filter((e) => e.manager !== opts.manager)
  const conflicts: Array<{ manager: string; path: string[] }> = []
  for (const path of leaves(next)) {
    for (const other of others) {
      if (!has(other.fieldsV1 as Fields, path)) continue
      if (JSON.stringify(valueAt(live, path)) !== JSON.stringify(valueAt(applied, path)))
        conflicts.push({ manager: other.manager, path })
    }
  }
  if (conflicts.length > 0 && !opts.force) throw applyConflict(live, conflicts)
  for (const { manager, path } of conflicts)
    others = others.map((e) => (e.manager === manager ? { ...e, fieldsV1: without(e.fieldsV1 as Fields, path) } : e))
  const base = structuredClone(live) as unknown as Obj
  delete (base.metadata as Obj).managedFields
  if (mine)
    prune(
      base,
      mine.fieldsV1 as Fields,
      next,
      others.map((e) => e.fieldsV1 as Fields),
    )
  const merged = strategicMergePatch(base, { ...body, metadata: { ...appliedMeta } })
  const mergedMeta = merged.metadata as Obj
  // An applied resourceVersion is a precondition; without one the apply is unconditional
  // against what was read here, and the store's compare-and-swap catches a write in between.
  mergedMeta.resourceVersion = appliedMeta.resourceVersion ?? live.metadata.resourceVersion
  mergedMeta.managedFields = [...others.filter((e) => leaves(e.fieldsV1 as Fields).length > 0), entry]
  return merged
}

function applyConflict(live: AnyObject, conflicts: Array<{ manager: string; path: string[] }>): BatonError {
  const lines = conflicts.map((c) => `conflict with "${c.manager}": ${pathText(c.path)}`)
  return new BatonError(
    'BATON_APPLY_CONFLICT',
    `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${lines.join('; ')}`,
    {
      hint: 'Another manager owns these fields. Apply again with force (kubectl apply --server-side --force-conflicts, helm upgrade --force-conflicts) to take them over, or leave them out of your object',
      causes: conflicts.map((c) => ({ field: pathText(c.path), message: `conflict with "${c.manager}"` })),
      subject: {
        name: live.metadata.name,
        kind: RESOURCES[live.kind].plural,
        ...(RESOURCES[live.kind].group ? { group: RESOURCES[live.kind].group } : {}),
      },
    },
  )
}
