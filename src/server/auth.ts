/**
 * @module
 * Every route sits behind the daemon's token: `Authorization: Bearer <token>`, checked by
 * Hono's bearerAuth with the one constant-time comparison (platform/constant-time.ts). Its
 * refusals answer as every API error does (BATON_UNAUTHORIZED, with a hint). The web
 * dashboard's browser session (src/dashboard) passes too, when `hasSession` says so.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bearerAuth as honoBearerAuth } from 'hono/bearer-auth'
import { BatonError } from '../errors/baton-error.ts'
import { constantTimeEqual } from '../platform/constant-time.ts'
import { errorResponse } from './errors.ts'

const HINT =
  'Send "Authorization: Bearer <token>"; the token is in <data-dir>/token on the daemon\'s machine ' +
  '(the CLI reads it by itself, or pass --token / BATON_TOKEN)'

const refuse = (message: string) => (c: Context) =>
  errorResponse(c, new BatonError('BATON_UNAUTHORIZED', message, { hint: HINT }))

export function bearerAuth(token: string, hasSession?: (req: Request) => boolean): MiddlewareHandler {
  const guard = honoBearerAuth({
    verifyToken: (given) => constantTimeEqual(given, token),
    noAuthenticationHeader: { message: refuse('the API token is missing') },
    // "Basic …", "Bearer" alone, or characters no token has: no bearer token was sent.
    invalidAuthenticationHeader: { message: refuse('the API token is missing') },
    invalidToken: { message: refuse('the API token is wrong') },
  })
  return async (c, next) => {
    if (hasSession?.(c.req.raw)) return next()
    return guard(c, next)
  }
}
