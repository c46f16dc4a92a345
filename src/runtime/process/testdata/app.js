// The replica the process-runtime tests run. Behaviour comes from the environment:
//   PORT              listen port (from Baton)
//   READY_AFTER_MS    GET /healthz answers 503 until then, 200 after
//   LISTEN_AFTER_MS   listen only after this long (an app with a slow start)
//   LIVE_FOR_MS       GET /live answers 200 until then, 500 after
//   EXIT_AFTER_MS     exit with EXIT_CODE (default 1) after this long
//   ON_SIGTERM        "exit" (default: exit 0 at once) or "ignore"
//   EVENTS_FILE       appends "<epoch ms> <what>" lines (start, prestop, sigterm, exit) here
//   SPAWN_CHILD       "1": start a long-lived child process in the same process group
//   ALLOC_MB          after listening, keep this many MiB allocated and touched
//   LOG_EVERY_MS      print "tick 0", "tick 1", … on stdout this often
// It prints "listening on <port>" on stdout and "exit <code>" on stderr when EXIT_AFTER_MS ends it.
const http = require('node:http')
const fs = require('node:fs')
const { spawn } = require('node:child_process')

const started = Date.now()
const env = process.env
const note = (what) => env.EVENTS_FILE && fs.appendFileSync(env.EVENTS_FILE, `${Date.now()} ${what}\n`)

// First of all, so that no SIGTERM can arrive before the handler.
process.on('SIGTERM', () => {
  note('sigterm')
  console.log('got SIGTERM')
  if (env.ON_SIGTERM === 'ignore') return
  note('exit')
  process.exit(0)
})
note('start')

if (env.SPAWN_CHILD === '1') spawn('sleep', ['300'], { stdio: 'ignore' })

const server = http.createServer((req, res) => {
  const age = Date.now() - started
  if (req.url === '/healthz') return void res.writeHead(age >= Number(env.READY_AFTER_MS || 0) ? 200 : 503).end()
  if (req.url === '/live') return void res.writeHead(age < Number(env.LIVE_FOR_MS || 1e9) ? 200 : 500).end()
  if (req.url === '/prestop') {
    note('prestop')
    return void res.writeHead(200).end()
  }
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(
    JSON.stringify({
      pod: env.POD_NAME,
      namespace: env.POD_NAMESPACE,
      port: env.PORT,
      http: env.BATON_PORT_HTTP,
      cwd: process.cwd(),
    }),
  )
})
const hoard = []
setTimeout(
  () => {
    server.listen(Number(env.PORT), '127.0.0.1', () => {
      console.log(`listening on ${env.PORT}`)
      if (env.ALLOC_MB) hoard.push(Buffer.alloc(Number(env.ALLOC_MB) * 1024 * 1024, 1))
    })
  },
  Number(env.LISTEN_AFTER_MS || 0),
)

if (env.EXIT_AFTER_MS) {
  setTimeout(() => {
    note('exit')
    const code = Number(env.EXIT_CODE || 1)
    console.error(`exit ${code}`)
    process.exit(code)
  }, Number(env.EXIT_AFTER_MS))
}

if (env.LOG_EVERY_MS) {
  let tick = 0
  setInterval(() => console.log(`tick ${tick++}`), Number(env.LOG_EVERY_MS))
}
