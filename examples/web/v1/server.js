// The example app Baton deploys: tiny, dependency-free, fast to start, and honest about its
// lifecycle so a rollout's effect on traffic can be read from its log.
//
//   GET /         200 "<version>\n" with X-App-Version (503 "starting" before it is ready)
//                 ?delay=MS holds the answer MS milliseconds (to keep a request in flight)
//                 with ERROR_RATE, that share of answers is 500 "error" instead (evenly spread)
//   GET /healthz  200 "ok" while the process serves (liveness)
//   GET /ready    200 when ready; 503 while starting or draining (readiness)
//   GET /prestop  a preStop httpGet hook: logs "prestop" and answers 200
//
// Env: PORT (default 8080), HOST (default 127.0.0.1), APP_VERSION (default: version.txt
// beside this file, else "v0"), STARTUP_DELAY_MS (time before ready, default 0),
// SHUTDOWN=graceful|immediate|ignore (default graceful), DRAIN_TIMEOUT_MS (default 5000),
// ERROR_RATE (0 to 1, default 0: a broken version for failure-policy demos and tests).
//
// SIGTERM, graceful: not ready any more, stop accepting, close idle keep-alive connections,
// answer in-flight requests with Connection: close, exit once none is left or after
// DRAIN_TIMEOUT_MS. immediate: exit at once. ignore: carry on (the runtime SIGKILLs after
// the grace period).
//
// Log, one line per event on stdout: "<ISO time> <event> <details>", e.g.
//   2026-11-21T20:57:00.123Z request GET / 200 v1 0.4ms
//   2026-11-21T20:57:01.001Z sigterm received
//   2026-11-21T20:57:01.002Z exit 0
import { readFileSync } from 'node:fs'
import http from 'node:http'

const env = process.env
const PORT = Number(env.PORT || 8080)
const HOST = env.HOST || '127.0.0.1'
const STARTUP_DELAY_MS = Number(env.STARTUP_DELAY_MS || 0)
const SHUTDOWN = env.SHUTDOWN || 'graceful'
const DRAIN_TIMEOUT_MS = Number(env.DRAIN_TIMEOUT_MS || 5000)
const ERROR_RATE = Math.min(1, Math.max(0, Number(env.ERROR_RATE || 0)))
const MAX_DELAY_MS = 30_000
const VERSION = env.APP_VERSION || readVersionFile() || 'v0'

let state = STARTUP_DELAY_MS > 0 ? 'starting' : 'ready' // starting -> ready -> draining
let inFlight = 0
let answered = 0

/** Every 1/ERROR_RATE-th answer of / fails: exactly that share, with no randomness. */
function nextFails() {
  answered++
  return Math.floor(answered * ERROR_RATE) > Math.floor((answered - 1) * ERROR_RATE)
}

function readVersionFile() {
  try {
    return readFileSync(new URL('./version.txt', import.meta.url), 'utf8').trim()
  } catch {
    return undefined
  }
}

function log(event, details = '') {
  process.stdout.write(`${new Date().toISOString()} ${event}${details ? ` ${details}` : ''}\n`)
}

function exit(code) {
  log('exit', String(code))
  process.exit(code)
}

function answer(_req, res, status, body, headers = {}) {
  if (state === 'draining') headers.Connection = 'close'
  res.writeHead(status, { 'Content-Type': 'text/plain', 'X-App-Version': VERSION, ...headers })
  res.end(body)
}

const server = http.createServer((req, res) => {
  const started = performance.now()
  const url = new URL(req.url ?? '/', 'http://app')
  inFlight++
  res.on('close', () => {
    inFlight--
    log(
      'request',
      `${req.method} ${url.pathname} ${res.statusCode} ${VERSION} ${(performance.now() - started).toFixed(1)}ms`,
    )
    if (state === 'draining' && inFlight === 0) server.closeIdleConnections()
  })
  switch (url.pathname) {
    case '/healthz':
      return answer(req, res, 200, 'ok\n')
    case '/ready':
      return answer(req, res, state === 'ready' ? 200 : 503, `${state}\n`)
    case '/prestop':
      log('prestop')
      return answer(req, res, 200, 'ok\n')
    case '/': {
      if (state === 'starting') return answer(req, res, 503, 'starting\n')
      if (ERROR_RATE > 0 && nextFails()) return answer(req, res, 500, 'error\n')
      const delay = Math.min(MAX_DELAY_MS, Math.max(0, Number(url.searchParams.get('delay')) || 0))
      if (delay === 0) return answer(req, res, 200, `${VERSION}\n`)
      setTimeout(() => answer(req, res, 200, `${VERSION}\n`), delay)
      return
    }
    default:
      return answer(req, res, 404, 'not found\n')
  }
})
server.keepAliveTimeout = 5000

function onSigterm(signal) {
  log(`${signal.toLowerCase()} received`)
  if (SHUTDOWN === 'ignore') return
  if (SHUTDOWN === 'immediate' || state === 'draining') return exit(0)
  state = 'draining'
  log('draining', `in-flight ${inFlight}`)
  // close() stops accepting and calls back once every connection has ended; idle keep-alive
  // connections would otherwise hold it open until their timeout.
  server.close(() => {
    log('drained')
    exit(0)
  })
  server.closeIdleConnections()
  setTimeout(() => {
    log('drain timeout', `in-flight ${inFlight}`)
    exit(0)
  }, DRAIN_TIMEOUT_MS).unref()
}
process.on('SIGTERM', onSigterm)
process.on('SIGINT', onSigterm)

server.listen(PORT, HOST, () => {
  log('listening', `${HOST}:${server.address().port} ${VERSION} pid ${process.pid}`)
  if (state === 'ready') return log('ready')
  setTimeout(() => {
    if (state !== 'starting') return
    state = 'ready'
    log('ready')
  }, STARTUP_DELAY_MS)
})
