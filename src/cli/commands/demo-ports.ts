/**
 * @module
 * A free loopback port, for `baton demo` (and the benchmarks) to run a daemon and a Service
 * beside whatever else the machine runs. Not reserved: the kernel may hand it out again, so
 * use it at once.
 */
import { createServer, type AddressInfo } from 'node:net'

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => done(port))
    })
  })
}
