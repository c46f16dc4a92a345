/**
 * @module
 * The API's one error mapper (P12): a BatonError answers with its HTTP status and
 * `{code, message, hint, details}`; anything else is an internal error whose message is
 * kept (this is a local, single-user daemon: hiding it would only slow debugging).
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { BatonError, isBatonError } from '../errors/baton-error.ts'

export function toBatonError(err: unknown): BatonError {
  // A full disk shows through whatever the failing part made of it (an unpack failure, an
  // internal error): the client is told the disk is full, not that its input was bad.
  const full = noSpaceCause(err)
  if (full && !(isBatonError(err) && err.code === 'BATON_NO_SPACE')) {
    return new BatonError('BATON_NO_SPACE', `the daemon's disk is full: ${full}`, {
      hint: 'Free space on the disk holding the data directory; nothing was changed, and the request can be retried as it is',
      cause: err,
    })
  }
  if (isBatonError(err)) return err
  const message = err instanceof Error ? err.message : String(err)
  return new BatonError('BATON_INTERNAL', `internal error: ${message}`, {
    hint: 'This is a bug in Baton; the daemon log (<data-dir>/daemon.log) has the details',
    cause: err,
  })
}

/** The message of the ENOSPC error in `err`'s cause chain, if there is one. */
function noSpaceCause(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return (e as Error).message
  }
  return undefined
}

export function errorResponse(c: Context, err: unknown): Response {
  // A Hono middleware's refusal (bearerAuth's) carries the response it already built.
  if (err instanceof HTTPException) return err.getResponse()
  const e = toBatonError(err)
  return c.json(e.toJSON(), e.httpStatus as ContentfulStatusCode)
}

export function badRequest(message: string, hint: string): BatonError {
  return new BatonError('BATON_BAD_REQUEST', message, { hint })
}
