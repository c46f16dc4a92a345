// Preloaded into Baton's own node processes by bench/rollout-trace.ts (NODE_OPTIONS=--import):
// every 100 ms, the longest event-loop delay of that window (perf_hooks.monitorEventLoopDelay)
// the CPU time the process used in it, and how long its main thread waited on a run queue for
// a core (/proc/thread-self/schedstat, Linux), appended once a second to
// $BATON_ELD_DIR/<role>-<pid>.csv as `epoch_ms,max_delay_ms,cpu_ms,runqueue_wait_ms`. A long
// delay with a long wait is a process the machine did not run; with as much CPU, a loop
// blocked by its own work.
// Plain JS and outside src/: it must load in any node process, before that process's code.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const dir = process.env.BATON_ELD_DIR
const script = process.argv[1] ?? ''
const role = /proxy[/\\]main\.ts$/.test(script)
  ? 'lb-main'
  : /proxy[/\\]worker\.ts$/.test(script)
    ? 'lb-worker'
    : /daemon[/\\]main\.ts$/.test(script)
      ? 'daemon'
      : ''
if (dir && role) {
  const h = monitorEventLoopDelay({ resolution: 2 })
  h.enable()
  let lines = ''
  let n = 0
  let cpu = process.cpuUsage()
  const waited = () => Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[1]) / 1e6
  let wait = waited()
  setInterval(() => {
    const used = process.cpuUsage(cpu)
    cpu = process.cpuUsage()
    const w = waited()
    lines += `${Date.now()},${(h.max / 1e6).toFixed(2)},${((used.user + used.system) / 1000).toFixed(1)},${(w - wait).toFixed(1)}\n`
    wait = w
    h.reset()
    if (++n % 10 === 0) {
      appendFileSync(`${dir}/${role}-${process.pid}.csv`, lines)
      lines = ''
    }
  }, 100).unref()
  // BATON_PROF_MS: also a CPU profile of each load-balancer worker over its first that many ms,
  // with the epoch and monotonic times of its start so samples can be put on the run's timeline.
  const profMs = Number(process.env.BATON_PROF_MS ?? 0)
  if (profMs > 0 && role === 'lb-worker') {
    const session = new Session()
    session.connect()
    session.post('Profiler.setSamplingInterval', { interval: 500 })
    session.post('Profiler.enable')
    session.post('Profiler.start')
    setTimeout(() => {
      const clock = { epochMs: Date.now(), monoUs: Number(process.hrtime.bigint() / 1000n) }
      session.post('Profiler.stop', (err, r) => {
        if (!err) writeFileSync(`${dir}/${role}-${process.pid}.cpuprofile`, JSON.stringify({ clock, ...r.profile }))
        session.disconnect()
      })
    }, profMs).unref()
  }
}
