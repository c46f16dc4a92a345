/**
 * @module
 * What a rollback would change: the fields that differ between the current pod template and
 * a revision's, as paths a person can read ("spec.containers[app].image: web:v2 → web:v1").
 * Containers are matched by name, not position; the pod-template-hash label (which only
 * names the ReplicaSet) is left out, as the controller leaves it out when comparing.
 */
import type { PodTemplateSpec } from '../../api/types.ts'
import { POD_TEMPLATE_HASH_LABEL } from '../../rollout/template-hash.ts'

export interface FieldChange {
  path: string
  /** JSON text of the current value; undefined when the revision adds the field. */
  current?: string
  /** JSON text of the revision's value; undefined when the revision drops the field. */
  target?: string
}

const isNamedList = (v: unknown[]): boolean =>
  v.length > 0 &&
  v.every((x) => typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string')

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return
    if (isNamedList(value)) for (const x of value as Array<{ name: string }>) flatten(x, `${path}[${x.name}]`, out)
    else out.set(path, JSON.stringify(value))
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out)
  } else if (value !== undefined) {
    out.set(path, typeof value === 'string' ? value : JSON.stringify(value))
  }
}

function fields(t: PodTemplateSpec): Map<string, string> {
  const out = new Map<string, string>()
  flatten(t, '', out)
  out.delete(`metadata.labels.${POD_TEMPLATE_HASH_LABEL}`)
  return out
}

export function templateDiff(current: PodTemplateSpec, target: PodTemplateSpec): FieldChange[] {
  const a = fields(current)
  const b = fields(target)
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort()
  return paths
    .filter((p) => a.get(p) !== b.get(p))
    .map((path) => ({
      path,
      ...(a.has(path) ? { current: a.get(path)! } : {}),
      ...(b.has(path) ? { target: b.get(path)! } : {}),
    }))
}
