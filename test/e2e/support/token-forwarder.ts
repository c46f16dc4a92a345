/**
 * @module
 * A loopback HTTP forwarder that adds the daemon's bearer token to each request, so the real
 * kubectl can reach a daemon that serves plain HTTP: kubectl sends no bearer token over plain
 * HTTP. Once the daemon serves HTTPS and writes `<data-dir>/kubeconfig` (issue 16 item 1),
 * `kubectl.test.ts` uses that kubeconfig instead and this forwarder is not started.
 */
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Forwarder {
  url: string
  close(): Promise<void>
}

export async function tokenForwarder(targetPort: number, token: string): Promise<Forwarder> {
  const server = createServer((req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, authorization: `Bearer ${token}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
