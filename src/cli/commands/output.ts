/**
 * @module
 * `-o json|yaml|name|wide` for get and for mutations, as kubectl prints them: one object as
 * itself, several as a `v1 List`; `name` as TYPE/name lines. JSON and YAML leave out
 * `metadata.managedFields` unless asked (kubectl's OmitManagedFieldsPrinter, --show-managed-fields):
 * server-side apply's bookkeeping would bury the object.
 */
import { stringify } from 'yaml'
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject, KObject } from '../../api/types.ts'
import { usageError } from '../command.ts'

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name'

export function parseOutput(
  value: unknown,
  allowed: readonly OutputFormat[] = ['table', 'wide', 'json', 'yaml', 'name'],
): OutputFormat {
  if (value === undefined || value === '') return 'table'
  const v = String(value)
  if (!(allowed as readonly string[]).includes(v) || v === 'table') {
    throw usageError(
      `unable to match a printer suitable for the output format "${v}"`,
      `Allowed formats are: ${allowed.filter((a) => a !== 'table').join(', ')}`,
    )
  }
  return v as OutputFormat
}

export function nameOf(obj: KObject): string {
  return `${qualifiedSingular(obj.kind)}/${obj.metadata.name}`
}

/** What kubectl prints from: one object as itself when one was named, else a v1 List of them. */
export function outputDocument<T>(
  objects: readonly T[],
  single: boolean,
): T | { apiVersion: 'v1'; kind: 'List'; metadata: { resourceVersion: string }; items: readonly T[] } {
  return single && objects.length === 1
    ? objects[0]!
    : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects }
}

/** The object without metadata.managedFields (a shallow copy; the object itself is left as it is). */
export function withoutManagedFields<T extends KObject>(obj: T): T {
  if (obj.metadata?.managedFields === undefined) return obj
  const { managedFields: _, ...metadata } = obj.metadata
  return { ...obj, metadata }
}

/** Objects as JSON, YAML or names; undefined for the table formats. */
export function printObjects(
  objects: readonly AnyObject[],
  format: OutputFormat,
  single: boolean,
  showManagedFields = false,
): string | undefined {
  const doc = outputDocument(showManagedFields ? objects : objects.map(withoutManagedFields), single)
  switch (format) {
    case 'json':
      return `${JSON.stringify(doc, null, 4)}\n`
    case 'yaml':
      // An object built here may share a subtree (a generator's labels): print it in full, never as a YAML alias.
      return stringify(doc, { aliasDuplicateObjects: false })
    case 'name':
      return objects.map((o) => `${nameOf(o)}\n`).join('')
    default:
      return undefined
  }
}
