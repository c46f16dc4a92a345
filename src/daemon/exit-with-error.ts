/**
 * @module
 * How the daemon's entry points end on an error: `error: CODE: message` and `hint: ...` on
 * stderr (the CLI reads both back: `baton up` shows the log's tail, `baton restore` the code),
 * then exit status 1.
 */
import { isBatonError } from '../errors/baton-error.ts'

export function exitWithError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`error: ${isBatonError(err) ? `${err.code}: ` : ''}${message}\n`)
  // Not a BatonError: an unexpected failure, whose stack says where.
  if (!isBatonError(err) && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`)
  if (isBatonError(err) && err.hint) process.stderr.write(`hint: ${err.hint}\n`)
  process.exit(1)
}
