/**
 * A pooled keep-alive connection that the replica closes just as the proxy reuses it: the
 * replica's keep-alive timeout, or its graceful shutdown closing idle connections, races
 * the proxy's next request on that connection. Nothing about the replica is wrong, so a
 * request that may be replayed goes again on a fresh connection, to the same replica if it
 * is the only one, and the replica is not charged with a failed connection. These replicas
 * are raw loopback servers that close a connection at its second request, each in one of
 * the ways the race can end (EOF without RST, RST, the close landing after the write).
 */
import type net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, keepAliveAgent, rawExchange, request, startPlane, startRawServer } from './testing.ts'

afterEach(closeAll)

const ANSWER = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

/** How a replica ends a keep-alive connection at its second request. */
const closings: Array<{ name: string; onSecond: (s: net.Socket) => void; afterFirst?: (s: net.Socket) => void }> = [
  { name: 'EOF without RST after reading the request', onSecond: (s) => s.end() },
  { name: 'RST after reading the request', onSecond: (s) => s.resetAndDestroy() },
  // The replica closes the idle connection right after its answer; the proxy's next request
  // is written before it has seen the EOF (both requests were pipelined by the client).
  { name: 'EOF sent with the first answer, before the next request', onSecond: () => {}, afterFirst: (s) => s.end() },
]

/** A replica answering the first request of every connection, closing it at the second. */
async function closingReplica(c: (typeof closings)[number]) {
  let connections = 0
  const server = await startRawServer((s) => {
    connections++
    let requests = 0
    s.on('data', () => {
      requests++
      if (requests > 1) return c.onSecond(s)
      s.write(ANSWER)
      c.afterFirst?.(s)
    })
  })
  return { port: server.port, connections: () => connections }
}

describe('HTTP proxy: a reused connection the replica has just closed', () => {
  it.each(closings)('a GET is retried on a fresh connection to the only replica: $name', async (c) => {
    const replica = await closingReplica(c)
    const { url, dp } = await startPlane([
      { podUid: 'only', podName: 'only', revision: 'r1', host: '127.0.0.1', port: replica.port },
    ])
    const agent = keepAliveAgent()
    const answers = []
    for (let i = 0; i < 4; i++) answers.push(await request(url, { agent }))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200])
    const m = dp.metrics()
    expect(m.services[0]!.totals.errors).toBe(0)
    // Stale connections are not the replica's failures.
    expect(m.pods[0]!.counters.failedConnections).toBe(0)
    expect(replica.connections()).toBeGreaterThanOrEqual(3)
  })

  it('two pipelined GETs: the second goes out on the connection the replica closed with its first answer', async () => {
    // Answer and EOF arrive in one read; the proxy takes the pooled connection for the
    // pipelined request before it has processed the EOF: the write-then-close race, every time.
    const replica = await closingReplica(closings[2]!)
    const { port, dp } = await startPlane([
      { podUid: 'only', podName: 'only', revision: 'r1', host: '127.0.0.1', port: replica.port },
    ])
    const out = await rawExchange(
      port,
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    )
    expect(out.match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200'])
    expect(dp.metrics().pods[0]!.counters.failedConnections).toBe(0)
  })

  it('a POST on such a connection is not replayed: the replica may have processed it', async () => {
    const replica = await closingReplica(closings[0]!)
    const { url } = await startPlane([
      { podUid: 'only', podName: 'only', revision: 'r1', host: '127.0.0.1', port: replica.port },
    ])
    const agent = keepAliveAgent()
    expect((await request(url, { agent })).status).toBe(200)
    const post = await request(url, { agent, method: 'POST', body: 'x' })
    expect(post.status).toBe(502)
    expect(post.body).toMatch(/closed the connection before answering/)
  })
})
