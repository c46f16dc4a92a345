/**
 * @module
 * Free loopback ports for end-to-end tests: ask the kernel for one, then let it go. A port
 * handed out here is not reserved, so each test file also keeps its own range of service
 * ports (see SERVICE_PORTS) to stay clear of other files running at the same time.
 */
import net from 'node:net'

/** A port nothing listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** True when nothing listens on 127.0.0.1:port (and we may bind it). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * The file's own service port when it is free, else any free port: the same file run twice at
 * once (two checkouts on one machine) must not send its load to the other run's load balancer,
 * which is what a taken port would silently do (Baton's proxy logs EADDRINUSE and carries on).
 */
export async function servicePort(preferred: number | undefined): Promise<number> {
  if (preferred !== undefined && (await portFree(preferred))) return preferred
  return freePort()
}

/**
 * Service ports, one per e2e test file, so files that do run side by side never open the
 * same listener. Add a row for a new file.
 */
export const SERVICE_PORTS = {
  zeroDowntimeRolling: 18911,
  zeroDowntimeFailures: 18912,
  smoke: 18913,
  planMatchesRollout: 18914,
  implicitReadiness: 18915,
  rolloutCanary: 18916,
  rolloutAnalysis: 18927,
  rolloutBlueGreen: 18928,
  configRevisions: 18929,
  instantRollback: 18941,
  rolloutHeaderRoute: 18942,
  rolloutAnalysisJob: 18943,
  rolloutDashboard: 18957,
  rolloutAnalysisJobRestarts: 18961,
  rolloutAnalysisSecret: 18983,
} as const
