// A tiny replicated store for Baton's StatefulSet example: each member knows its ordinal
// (HOSTNAME is web-0, web-1, …), keeps its data in ./data (its PersistentVolumeClaim, linked
// there by the process runtime), and answers through a Service.
//
//   GET  /         200 "<version> <hostname> <lines>\n": how many values this member holds
//   POST /?v=TEXT  appends TEXT to data/values, 200 "<hostname>\n"
//   GET  /values   the values this member holds, one per line
//   GET  /ready    200 once started
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

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x')
  const send = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', 'X-App-Version': VERSION })
    res.end(body)
  }
  if (url.pathname === '/ready') return send(200, 'ok\n')
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
