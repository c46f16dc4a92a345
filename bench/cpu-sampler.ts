/**
 * CPU time per kind of process, every --every-ms, from /proc (Linux): who had the machine's
 * cores while a rollout ran. Kinds: the load balancer (main, workers), Baton's daemon, the
 * engine (dockerd, containerd, shims, runc, docker-proxy), the app replicas, the load
 * generator, and everything else on the machine (other users of the same cores). With --mine
 * REGEX, a process counts as this run's only when its command line matches (or one of its
 * ancestors' does); the rest is `other`, whatever it runs.
 *
 *   node bench/cpu-sampler.ts --out FILE.csv [--every-ms 200] [--mine REGEX]    # until SIGTERM
 *
 * FILE.csv: epoch_ms,kind,cpu_ms (CPU time used by that kind since the previous sample).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values: a } = parseArgs({
  options: { out: { type: 'string' }, 'every-ms': { type: 'string', default: '200' }, mine: { type: 'string' } },
})
const mineRe = a.mine ? new RegExp(a.mine) : undefined
const mine = new Map<string, boolean>() // pid → this run's
if (!a.out) throw new Error('--out FILE is required')
const TICK_MS = 10 // USER_HZ is 100 on Linux
const kinds = new Map<string, string>() // "pid starttime" → kind
const last = new Map<string, number>() // "pid starttime" → ticks
let out = ''

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

function isMine(pid: string, depth = 0): boolean {
  if (!mineRe) return true
  const known = mine.get(pid)
  if (known !== undefined) return known
  let yes = mineRe.test(cmdline(pid))
  if (!yes && depth < 12) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]!
      yes = ppid !== '0' && ppid !== '1' && isMine(ppid, depth + 1)
    } catch {}
  }
  mine.set(pid, yes)
  return yes
}

function kindOf(pid: string, comm: string): string {
  if (!isMine(pid)) return 'other'
  if (comm === 'dockerd' || comm === 'containerd' || comm === 'runc' || comm === 'docker-proxy') return comm
  if (comm.startsWith('containerd-shim')) return 'containerd-shim'
  if (comm === 'runc:[2:INIT]' || comm.startsWith('runc')) return 'runc'
  const cmd = cmdline(pid)
  if (/proxy\/main\.ts/.test(cmd)) return 'lb-main'
  if (/proxy\/worker\.ts/.test(cmd)) return 'lb-worker'
  if (/daemon\/main\.ts/.test(cmd)) return 'daemon'
  if (/traced-load|loadgen\.mjs/.test(cmd)) return 'loadgen'
  if (/\/app\/server\.js|main\.js/.test(cmd)) return 'app'
  if (/baton\.mjs/.test(cmd)) return 'baton-cli'
  if (/cpu-sampler/.test(cmd)) return 'sampler'
  return 'other'
}

function sample(): void {
  const t = Date.now()
  const sums = new Map<string, number>()
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    } catch {
      continue
    }
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const f = stat.slice(close + 2).split(' ')
    const ticks = Number(f[11]) + Number(f[12]) // utime, stime
    const key = `${pid} ${f[19]}`
    let kind = kinds.get(key)
    if (kind === undefined) {
      kind = kindOf(pid, comm)
      kinds.set(key, kind)
    }
    const before = last.get(key)
    last.set(key, ticks)
    // A process first seen counts from 0 only if it is young (its ticks are this window's).
    const d = before === undefined ? 0 : ticks - before
    if (d > 0) sums.set(kind, (sums.get(kind) ?? 0) + d * TICK_MS)
  }
  for (const [k, ms] of sums) out += `${t},${k},${ms}\n`
}

sample()
const timer = setInterval(sample, Number(a['every-ms']))
process.on('SIGTERM', () => {
  clearInterval(timer)
  sample()
  writeFileSync(a.out!, out)
  process.exit(0)
})
