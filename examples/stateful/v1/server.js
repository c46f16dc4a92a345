// A tiny replicated store for Baton's StatefulSet example: each member knows its ordinal
// (HOSTNAME is web-0, web-1, …), keeps its data in ./data (its PersistentVolumeClaim, linked
// there by the process runtime), answers through a Service, and reaches its peers by stable
// name (kv-1.kv) through the peers file of its headless Service (BATON_PEERS_FILE).
//
//   GET  /         200 "<version> <hostname> <lines>\n": how many values this member holds
//   POST /?v=TEXT  appends TEXT to data/values, 200 "<hostname>\n"
//   GET  /values   the values this member holds, one per line
//   GET  /ready    200 once started
//   GET  /peers    the peers this member sees: "<stable name> <ip>:<port>" per line
//   GET  /peer?name=kv-1.kv[&path=/]  asks that peer, found by its stable name, and relays its answer
import { appendFileSync, readFileSync } from 'node:fs'
import http from 'node:http'

const VERSION = readFileSync(new URL('./version.txt', import.meta.url), 'utf8').trim()
const HOST = process.env.HOSTNAME ?? 'unknown'
const FILE = new URL('./data/values', import.meta.url)

const values = () => {
  try {
    return readFileSync(FILE, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

// Read on every use: the runtime rewrites the file when a peer is replaced (its port changes).
const peers = () => {
  try {
    return JSON.parse(readFileSync(process.env.BATON_PEERS_FILE ?? '', 'utf8')).members
  } catch {
    return []
  }
}

const askPeer = async (name, path, send) => {
  const peer = peers().find((m) => m.name === name)
  if (!peer) return send(404, `no peer ${name}\n`)
  try {
    const r = await fetch(`http://${peer.ip}:${peer.ports.http}${path}`, { signal: AbortSignal.timeout(5000) })
    return send(r.status, await r.text())
  } catch (err) {
    return send(502, `${name}: ${err.message}\n`)
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x')
  const send = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', 'X-App-Version': VERSION })
    res.end(body)
  }
  if (url.pathname === '/ready') return send(200, 'ok\n')
  if (url.pathname === '/peers')
    return send(
      200,
      peers()
        .map((m) => `${m.name} ${m.ip}:${m.ports.http}\n`)
        .join(''),
    )
  if (url.pathname === '/peer')
    return void askPeer(url.searchParams.get('name') ?? '', url.searchParams.get('path') ?? '/', send)
  if (url.pathname === '/values')
    return send(
      200,
      values()
        .map((v) => `${v}\n`)
        .join(''),
    )
  if (req.method === 'POST') {
    appendFileSync(FILE, `${url.searchParams.get('v') ?? ''}\n`)
    return send(200, `${HOST}\n`)
  }
  return send(200, `${VERSION} ${HOST} ${values().length}\n`)
})
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
