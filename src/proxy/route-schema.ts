/**
 * @module
 * Validation of a route table arriving at the proxy's control API: the proxy trusts its
 * daemon, but a malformed push must fail loudly instead of half-applying.
 */
import { z } from 'zod'
import type { ServiceRoute } from './types.ts'

const port = z.number().int().min(1).max(65535)

const backend = z.object({
  podUid: z.string().min(1),
  podName: z.string(),
  revision: z.string(),
  host: z.string().min(1),
  port,
})

const route = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  portName: z.string().optional(),
  listen: z.object({ host: z.string().min(1), port }),
  mode: z.enum(['http', 'tcp']),
  backends: z.array(backend),
  weights: z.record(z.string(), z.number().min(0)).optional(),
  headerRoutes: z
    .array(
      z.object({
        revision: z.string(),
        match: z.array(
          z.object({
            name: z.string().min(1),
            exact: z.string().optional(),
            prefix: z.string().optional(),
            regex: z.string().optional(),
          }),
        ),
      }),
    )
    .optional(),
})

export const routeTableSchema = z.object({ routes: z.array(route) })

export function parseRouteTable(body: unknown): ServiceRoute[] {
  return routeTableSchema.parse(body).routes as ServiceRoute[]
}
