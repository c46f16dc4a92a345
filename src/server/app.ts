/**
 * @module
 * The daemon's HTTP API as a Hono app: Kubernetes-shaped object routes, watch streams,
 * /status and /scale, and Baton's own endpoints (artifacts, logs, traffic, shutdown), all
 * behind the daemon's bearer token. Testable in-process with `app.request()`, no socket (P10);
 * the daemon serves it with @hono/node-server.
 *
 * @example
 * const app = createApiApp({ store, token, clock: systemClock, version: '0.1.0' })
 * const res = await app.request('/apis/apps/v1/namespaces/default/deployments', {
 *   headers: { authorization: `Bearer ${token}` },
 * })
 */
import { Hono } from 'hono'
import { DEFAULT_LIMITS, type Limits } from '../api/limits.ts'
import { BatonError } from '../errors/baton-error.ts'
import { createLogger, type Logger } from '../platform/logger.ts'
import { bearerAuth } from './auth.ts'
import { ARTIFACT_PUSH_PATH, type BatonRouteDeps, registerBatonRoutes } from './baton-routes.ts'
import { requestBodyLimit } from './body-limit.ts'
import { errorResponse, toBatonError } from './errors.ts'
import { registerDiscoveryRoutes } from './kube/discovery.ts'
import { registerEndpointSliceRoutes } from './kube/endpoint-slices.ts'
import { registerEventsV1Routes } from './kube/events-v1.ts'
import { registerOpenApiRoutes } from './kube/openapi.ts'
import { registerOpenApiV2Routes } from './kube/openapi-v2.ts'
import { type ObjectRouteDeps, registerObjectRoutes } from './object-routes.ts'

/** The web dashboard (src/dashboard/mount.ts), as the API sees it. */
export interface DashboardMount {
  /** Routes answered before the token guard: sign-in, sign-out, and the pages (which check their own session). */
  mountPublic(app: Hono): void
  /** Routes behind the guard: minting a one-time login code. */
  mountGuarded(app: Hono): void
  /** True when the request carries a live dashboard session, accepted in place of the token. */
  hasSession(req: Request): boolean
}

/** The store, clock, version and optional daemon parts the routes serve, plus the token guarding them. */
export interface ApiDeps
  extends Omit<BatonRouteDeps, 'limits'>,
    Pick<ObjectRouteDeps, 'reservedPorts' | 'serviceHost' | 'portWarnings' | 'runtimes'> {
  token: string
  dashboard?: DashboardMount
  /** Where a 5xx answer's error goes, with its stack and cause (default: JSON lines on stderr). */
  logger?: Logger
  /** Bounds on bodies, replicas and pods; api/limits.ts DEFAULT_LIMITS for any not given. */
  limits?: Partial<Limits>
}

export function createApiApp(apiDeps: ApiDeps): Hono {
  const deps = { ...apiDeps, limits: { ...DEFAULT_LIMITS, ...apiDeps.limits } }
  const app = new Hono()
  deps.dashboard?.mountPublic(app)
  app.use('*', bearerAuth(deps.token, deps.dashboard?.hasSession))
  // An artifact push streams to disk under its own, larger bounds (baton-routes.ts).
  app.use(
    '*',
    requestBodyLimit(
      deps.limits.maxRequestBodyBytes,
      (path, method) => method === 'POST' && path === ARTIFACT_PUSH_PATH,
    ),
  )
  // A write is acknowledged only once it is durable: the SQLite store commits in batches
  // (store/sqlite/sqlite-store.ts), so every answer to a request that may have written waits
  // for the commit of what came before it.
  app.use('*', async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') deps.store.flush()
  })
  deps.dashboard?.mountGuarded(app)
  registerBatonRoutes(app, deps)
  registerDiscoveryRoutes(app)
  registerOpenApiRoutes(app)
  registerOpenApiV2Routes(app)
  registerEventsV1Routes(app, deps.store, deps.clock)
  registerEndpointSliceRoutes(app, deps.store, deps.clock)
  registerObjectRoutes(app, deps)
  app.notFound((c) =>
    errorResponse(
      c,
      new BatonError(
        'BATON_NOT_FOUND',
        `the server could not find the requested resource (${c.req.method} ${c.req.path})`,
        {
          hint: 'Paths look like /apis/apps/v1/namespaces/default/deployments/web or /api/v1/namespaces/default/pods',
        },
      ),
    ),
  )
  const logger = deps.logger ?? createLogger()
  app.onError((err, c) => {
    const res = errorResponse(c, err)
    // The answer's hint sends the user to the daemon log: the error must be there, stack and all.
    if (res.status >= 500)
      logger.error('api request failed', {
        method: c.req.method,
        path: c.req.path,
        status: res.status,
        err: toBatonError(err),
      })
    return res
  })
  return app
}
