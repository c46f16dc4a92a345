/**
 * @module
 * `-f` for apply, create and delete: every file, directory or "-" given, in order, with each
 * object's namespace settled as kubectl settles it (the manifest's, else -n, else "default";
 * a manifest naming another namespace than an explicit -n is refused).
 */
import { loadManifests } from '../../api/manifest.ts'
import type { AnyObject } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { type CliContext, usageError } from '../command.ts'

export function filenames(flags: Record<string, unknown>): string[] {
  const f = flags.filename
  return Array.isArray(f) ? (f as string[]) : typeof f === 'string' ? [f] : []
}

export async function readManifests(files: readonly string[], ctx: CliContext): Promise<AnyObject[]> {
  if (files.length === 0) throw usageError('must specify one of -f and -k', 'e.g. baton apply -f deploy.yaml (or -f - for standard input)')
  const objects: AnyObject[] = []
  for (const file of files) {
    for (const obj of await loadManifests(file, () => ctx.io.readStdin())) {
      const o = obj as AnyObject
      o.metadata = { ...o.metadata }
      const own = o.metadata.namespace
      if (own && ctx.namespaceExplicit && own !== ctx.namespace) {
        throw new BatonError(
          'BATON_USAGE',
          `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
          { hint: 'Drop -n, or make the manifest name the same namespace' },
        )
      }
      o.metadata.namespace = own || ctx.namespace
      objects.push(o)
    }
  }
  return objects
}

/**
 * Runs `each` over every object, like kubectl going on past a failed object; afterwards the
 * first failure is thrown (with a count of the others), so the exit code is 1.
 */
export async function forEachObject<T>(objects: readonly T[], each: (o: T) => Promise<void>): Promise<void> {
  const failures: unknown[] = []
  for (const o of objects) {
    try {
      await each(o)
    } catch (err) {
      // Without a daemon (or its token) every other object would fail the same way.
      const code = (err as { code?: string }).code
      if (code === 'BATON_DAEMON_UNREACHABLE' || code === 'BATON_UNAUTHORIZED') throw err
      failures.push(err)
    }
  }
  if (failures.length === 0) return
  const first = failures[0]
  if (failures.length > 1 && first instanceof BatonError) {
    first.message += ` (and ${failures.length - 1} more error${failures.length > 2 ? 's' : ''})`
  }
  throw first
}
