/**
 * @module
 * `baton get runtimeclass [NAME…]`: the built-in RuntimeClasses (node.k8s.io/v1), process and
 * docker, as `kubectl get runtimeclass` prints them (NAME HANDLER AGE). Built in by the daemon,
 * not stored objects, so they are read from their own endpoint.
 */
import { stringify } from 'yaml'
import { age } from '../../api/age.ts'
import type { RuntimeClass } from '../../api/runtime-class.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { table } from '../printers/tabwriter.ts'
import type { OutputFormat } from './output.ts'

export const RUNTIME_CLASS_NAMES: readonly string[] = [
  'runtimeclasses',
  'runtimeclass',
  'runtimeclasses.node.k8s.io',
  'runtimeclass.node.k8s.io',
]

/** The named ones (all when `names` is empty); a name that is not one is BATON_NOT_FOUND, as kubectl says it. */
export function selectRuntimeClasses(items: readonly RuntimeClass[], names: readonly string[]): RuntimeClass[] {
  if (names.length === 0) return [...items]
  return names.map((n) => {
    const found = items.find((rc) => rc.metadata.name === n)
    if (!found) {
      throw new BatonError('BATON_NOT_FOUND', `runtimeclasses.node.k8s.io "${n}" not found`, {
        hint: `Baton's RuntimeClasses are ${items.map((rc) => rc.metadata.name).join(' and ')}`,
      })
    }
    return found
  })
}

export function printRuntimeClasses(
  items: readonly RuntimeClass[],
  format: OutputFormat,
  opts: { now: number; single: boolean; noHeaders?: boolean },
): string {
  const only = opts.single && items.length === 1 ? items[0] : undefined
  const doc = only ?? { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }
  switch (format) {
    case 'json':
      return `${JSON.stringify(doc, null, 4)}\n`
    case 'yaml':
      return stringify(doc)
    case 'name':
      return items.map((rc) => `runtimeclass.node.k8s.io/${rc.metadata.name}\n`).join('')
  }
  const rows = items.map((rc) => [rc.metadata.name, rc.handler, age(rc.metadata.creationTimestamp, opts.now)])
  return table(opts.noHeaders ? rows : [['NAME', 'HANDLER', 'AGE'], ...rows])
}
