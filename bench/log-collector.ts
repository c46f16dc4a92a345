/**
 * Log collector benchmark: what the node agent's LogCollector (src/logs/) costs the agent
 * for C containers whose apps print L lines a second each. A separate writer process appends
 * the lines (~60 bytes, like examples/web's request log) to the containers' raw stdout files
 * every 100 ms, as the apps would; this process only collects, so its CPU is the collector's.
 *
 *   node bench/log-collector.ts                        # 100 containers at 0, 10 and 100 lines/s
 *   node bench/log-collector.ts --containers 200 --rates 50 --window 20
 *
 * Prints one JSON line per rate, then markdown rows for docs/benchmarks.md ("Process runtime").
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LogCollector } from '../src/logs/log-collector.ts'
import { rawLogFile } from '../src/logs/log-files.ts'
import { systemClock } from '../src/platform/clock.ts'

const { values: args } = parseArgs({
  options: {
    containers: { type: 'string', default: '100' },
    rates: { type: 'string', default: '0,10,100' },
    window: { type: 'string', default: '10' },
  },
})
const CONTAINERS = Number(args.containers)
const WINDOW_S = Number(args.window)

const rows: string[] = []
for (const rate of args.rates.split(',').map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-logs-'))
  const logs = new LogCollector({ clock: systemClock })
  const files: string[] = []
  for (let i = 0; i < CONTAINERS; i++) {
    const podDir = join(dir, `pod-${i}`)
    logs.startInstance(podDir, 'web', { previous: false }).release()
    files.push(rawLogFile(podDir, 'web', 'stdout'))
  }
  const writer = `const fs = require('node:fs'); const fds = ${JSON.stringify(files)}.map((f) => fs.openSync(f, 'a')); let n = 0
    setInterval(() => { for (const fd of fds) for (let k = 0; k < ${rate / 10}; k++)
      fs.writeSync(fd, new Date().toISOString() + ' request GET / 200 v1 0.4ms ' + n++ + '\\n') }, 100)`
  const child = spawn(process.execPath, ['-e', writer], { stdio: 'inherit' })
  try {
    await new Promise((r) => setTimeout(r, 2000))
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000))
    const cpu = process.cpuUsage(cpu0)
    const wall = performance.now() - t0
    const stored = readFileSync(join(dir, 'pod-0', 'logs', 'web.log'), 'utf8').split('\n').length - 1
    const result = {
      bench: 'log-collector',
      containers: CONTAINERS,
      linesPerSecondEach: rate,
      cpuPercentOfCore: Number(((100 * (cpu.user + cpu.system)) / 1000 / wall).toFixed(2)),
      rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
      linesStoredForPod0: stored,
    }
    console.log(JSON.stringify(result))
    rows.push(`| ${CONTAINERS} | ${rate} | ${result.cpuPercentOfCore} % |`)
  } finally {
    child.kill('SIGKILL')
    logs.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
console.log(`\n| containers | lines/s each | collector CPU |\n| ---: | ---: | ---: |\n${rows.join('\n')}`)
