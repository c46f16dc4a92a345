/**
 * `baton push` memory benchmark: the client's peak resident memory (`/usr/bin/time -v`) while
 * it packs and streams a directory of random (incompressible) files to a real daemon, next to
 * the same CLI pushing a one-file directory (the CLI's own floor). Bounded memory means the
 * first figure stays a few tens of MB above the second whatever the directory's size.
 *
 *   node bench/push-memory.ts                    # 200 MiB, 3 runs, writes docs/benchmarks.md
 *   node bench/push-memory.ts --mib 50 --runs 1 --no-write
 *
 * Exits 1 when a push peaks above --max-rss-mb (default 160: the CLI's floor is about 70-90 MB,
 * a push that buffered its archive would pass 300 MB for 200 MiB).
 */
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '../src/cli/commands/demo-ports.ts'
import { writeBenchmarkSection } from './bench-io.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BATON = join(ROOT, 'bin', 'baton.mjs')
const SECTION = '## Push memory'
const TIME = '/usr/bin/time'

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    'max-rss-mb': { type: 'string', default: '160' },
    'no-write': { type: 'boolean', default: false },
  },
})
const MIB = Number(values.mib)
const RUNS = Number(values.runs)
const MAX_RSS_MB = Number(values['max-rss-mb'])

/** `mib` MiB of random bytes in files of 4 MiB (the last one shorter), written 1 MiB at a time. */
function randomFolder(dir: string, mib: number): void {
  mkdirSync(dir, { recursive: true })
  for (let f = 0; f * 4 < mib; f++) {
    const fd = openSync(join(dir, `blob-${f}.bin`), 'w')
    for (let m = 0; m < Math.min(4, mib - f * 4); m++) writeSync(fd, randomBytes(2 ** 20))
    closeSync(fd)
  }
}

/** Peak RSS (MB) and wall time (s) of `baton ARGS`, which must exit 0. */
function measured(args: string[], env: NodeJS.ProcessEnv): { rssMb: number; seconds: number } {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(TIME, ['-v', process.execPath, BATON, ...args], { env, encoding: 'utf8' })
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  if (r.status !== 0) throw new Error(`baton ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1])
  return { rssMb: kb / 1024, seconds }
}

async function main(): Promise<void> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing (Debian: apt-get install time)`)
  const work = mkdtempSync(join(tmpdir(), 'baton-push-bench-'))
  const env: NodeJS.ProcessEnv = { ...process.env, BATON_HOME: join(work, 'data') }
  const load = loadavg()[0]!.toFixed(2)
  try {
    randomFolder(join(work, 'big'), MIB)
    mkdirSync(join(work, 'small'))
    writeFileSync(join(work, 'small', 'hello.txt'), 'hello\n')
    const up = spawnSync(process.execPath, [BATON, 'up', '-d', '--port', String(await freePort())], { env })
    if (up.status !== 0) throw new Error(`baton up failed: ${up.stderr}`)
    const floor = measured(['push', 'small:v1', join(work, 'small')], env)
    const runs = Array.from({ length: RUNS }, (_, i) => measured(['push', `big:v${i}`, join(work, 'big')], env))
    for (const r of [floor, ...runs]) console.log(JSON.stringify(r))
    const peak = Math.max(...runs.map((r) => r.rssMb))
    const row = (what: string, r: { rssMb: number; seconds: number }) =>
      `| ${what} | ${r.rssMb.toFixed(0)} MB | ${r.seconds.toFixed(1)} s |`
    const section = [
      SECTION,
      '',
      `Measured by \`node bench/push-memory.ts\`: the client's peak RSS (\`/usr/bin/time -v\`) for \`baton push\` of a directory of ${MIB} MiB of random files (${Math.ceil(MIB / 4)} files) to a real daemon over HTTPS on loopback, ${RUNS} runs, beside a push of one small file. Machine: 2 vCPU shared with other work, load average ${load} at start.`,
      '',
      '| push | peak RSS | wall time |',
      '|---|---:|---:|',
      row('one small file (the CLI floor)', floor),
      ...runs.map((r, i) => row(`${MIB} MiB, run ${i + 1}`, r)),
      '',
      `The archive is packed (tar, gzip) and sent as Node streams through \`node:http\`'s request with \`pipeline\` (src/cli/stream-upload.ts), so a chunk is read from disk only when the socket has taken the previous one: the peak is the CLI's floor plus a few tens of MB of buffers and garbage not yet collected, whatever the directory's size. Sent through Node's \`fetch\` instead (before 2026-12-04), the same 200 MiB push peaked at 318-359 MB: fetch too stops reading when the server stops reading, so the difference is what undici's own web stream of the body costs while it flows.`,
      '',
    ].join('\n')
    if (!values['no-write']) writeBenchmarkSection(SECTION, section)
    if (peak > MAX_RSS_MB) {
      console.error(`a push peaked at ${peak.toFixed(0)} MB, above --max-rss-mb ${MAX_RSS_MB}`)
      process.exitCode = 1
    }
  } finally {
    spawnSync(process.execPath, [BATON, 'down', '--all'], { env, stdio: 'inherit' })
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
