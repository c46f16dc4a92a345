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
  if (isBatonError(err)) return err
  const message = err instanceof Error ? err.message : String(err)
  return new BatonError('BATON_INTERNAL', `internal error: ${message}`, {
    hint: 'This is a bug in Baton; the daemon log (<data-dir>/daemon.log) has the details',
    cause: err,
  })
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
