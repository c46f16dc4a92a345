/**
 * @module
 * Read-modify-write against a compare-and-swap API (client-go's retry.RetryOnConflict): `fn`
 * reads the object, changes it and writes it with the resourceVersion it read; when the write
 * answers BATON_CONFLICT (someone else, typically a controller writing status, wrote in
 * between), `fn` runs again from a fresh read. Any other error, or a conflict on the last
 * attempt, is thrown. Shared by the CLI and the dashboard: no `node:` import, no clock (the
 * copies it replaces retried at once, and a conflict with a controller clears at once).
 *
 * @example
 * const d = await retryOnConflict(async () => {
 *   const live = await client.get('Deployment', 'default', 'web')
 *   live.spec.replicas = 3
 *   return client.update(live)
 * })
 */

/** client-go's DefaultRetry.Steps. */
export const DEFAULT_CONFLICT_ATTEMPTS = 5

/** Whether `err` is the API's "the object changed since it was read" (any error class carrying the code). */
export function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'BATON_CONFLICT'
}

export async function retryOnConflict<T>(
  fn: (attempt: number) => Promise<T>,
  attempts = DEFAULT_CONFLICT_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      if (!isConflict(err) || attempt >= attempts) throw err
    }
  }
}
