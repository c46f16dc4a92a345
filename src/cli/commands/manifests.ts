/**
 * @module
 * `-f` for apply, create and delete: every file, directory or "-" given, in order, with each
 * object's namespace settled as kubectl settles it (the manifest's, else -n, else "default";
 * a manifest naming another namespace than an explicit -n is refused). A cluster-scoped object
 * (a Namespace) has none: kubectl's builder neither sets nor checks one for it, and the server
 * drops it; stamping -n onto it made each apply with another -n look like a change.
 */
import { invalidObjectError } from '../../api/field-errors.ts'
import { nonFiniteFields } from '../../api/finite-numbers.ts'
import { loadManifests } from '../../api/manifest.ts'
import { isClusterScoped } from '../../api/resources.ts'
import type { AnyObject } from '../../api/types.ts'
import { assertServedKind } from '../../api/validate.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { type CliContext, usageError } from '../command.ts'

export function filenames(flags: Record<string, unknown>): string[] {
  const f = flags.filename
  return Array.isArray(f) ? (f as string[]) : typeof f === 'string' ? [f] : []
}

/**
 * @param use 'send' (apply, create): every object is checked as checkManifest does; 'name'
 *   (delete): only its kind, since only its kind and name are sent.
 */
export async function readManifests(
  files: readonly string[],
  ctx: CliContext,
  use: 'send' | 'name' = 'send',
): Promise<AnyObject[]> {
  if (files.length === 0)
    throw usageError('must specify one of -f and -k', 'e.g. baton apply -f deploy.yaml (or -f - for standard input)')
  const objects: AnyObject[] = []
  for (const file of files) {
    for (const obj of await loadManifests(file, () => ctx.io.readStdin())) {
      const o = use === 'send' ? checkManifest(obj as AnyObject) : (obj as AnyObject)
      if (use === 'name') assertServedKind(o)
      o.metadata = { ...o.metadata }
      if (isClusterScoped(o.kind)) {
        delete o.metadata.namespace
        objects.push(o)
        continue
      }
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
 * What the client must know before it sends a manifest: that Baton serves its kind (its API
 * path depends on it) and that every number survives JSON (NaN and Infinity would arrive as
 * null, i.e. "not set"). Everything else is the server's to judge.
 *
 * @throws BatonError BATON_UNKNOWN_KIND, or BATON_INVALID naming each non-finite field.
 */
export function checkManifest(o: AnyObject): AnyObject {
  const kind = assertServedKind(o)
  const bad = nonFiniteFields(o)
  if (bad.length > 0) {
    const name = typeof o.metadata?.name === 'string' ? o.metadata.name : ''
    throw invalidObjectError(
      kind,
      name,
      bad.map((e) => ({ ...e, hint: 'Write the number out (YAML .nan and .inf are not numbers Kubernetes accepts)' })),
    )
  }
  return o
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
