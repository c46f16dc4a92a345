/**
 * @module
 * Whether another program holds an address a Service is about to use: the daemon binds it for
 * an instant. Only addresses the Service did not have before are tried (the load balancer
 * already holds those), and only for the warning `baton apply` prints: the load balancer's own
 * bind, and the Service's `Listening` condition (service-status.ts), are what count.
 */
import net from 'node:net'
import { serviceListenAddresses } from '../api/service-listen.ts'
import type { Service } from '../api/types.ts'

/** The bind error code for host:port (EADDRINUSE, EACCES...), or undefined when it is free. */
export function bindError(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)))
  })
}

export function servicePortWarnings(serviceHost: string | undefined) {
  return async (svc: Service, previous: Service | undefined): Promise<string[]> => {
    const before = new Set(
      (previous ? serviceListenAddresses(previous, serviceHost) : []).map((a) => `${a.host}:${a.port}`),
    )
    const out: string[] = []
    for (const a of serviceListenAddresses(svc, serviceHost)) {
      if (before.has(`${a.host}:${a.port}`)) continue
      const code = await bindError(a.host, a.port)
      if (code === undefined) continue
      const why =
        code === 'EADDRINUSE'
          ? 'is in use by another program'
          : code === 'EACCES'
            ? 'needs privileges the daemon does not have (EACCES)'
            : `cannot be opened (${code})`
      out.push(
        `service/${svc.metadata.name}: ${a.field} ${a.port}: ${a.host}:${a.port} ${why}; the service will not answer there until that changes (see \`baton describe service ${svc.metadata.name}\`)`,
      )
    }
    return out
  }
}
