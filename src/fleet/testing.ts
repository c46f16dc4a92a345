/**
 * @module
 * The fleet unit tests' Fleet: three targets a, b, c (daemons at 127.0.0.1:7000–7002, their
 * Services on ports 8000–8002) behind a front balancer on 9000, with the rest of the spec the
 * test's, read by validateFleet as `baton fleet` reads a manifest.
 */
import { validateFleet } from './spec.ts'
import type { Fleet } from './types.ts'

export function threeTargetFleet(spec: Record<string, unknown>): Fleet {
  return validateFleet({
    apiVersion: 'baton.dev/v1',
    kind: 'Fleet',
    metadata: { name: 'web' },
    spec: {
      manifests: ['d.yaml'],
      targets: ['a', 'b', 'c'].map((name, i) => ({
        name,
        connection: { server: `http://127.0.0.1:${7000 + i}` },
        service: { port: 8000 + i },
      })),
      frontLoadBalancer: { listen: { port: 9000 } },
      ...spec,
    },
  })
}
