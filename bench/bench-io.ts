/**
 * @module
 * What several benchmarks do alike: run a measuring child process and collect the JSON
 * lines it prints, write a benchmark's section into docs/benchmarks.md, and run a Baton
 * daemon of the benchmark's own (its data directory, HOME and kubeconfig) and measure its CPU.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileCacheRoot } from '../src/platform/env.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BATON = join(ROOT, 'bin', 'baton.mjs')

/**
 * Runs `node ARGS` and returns each line of its output that is a JSON object, echoing it.
 * With the compile cache the daemon uses (platform/env.ts childNodeEnv): the child then does
 * not load Node's type stripper, whose ~25 MB would count in its peak RSS as in no daemon's.
 */
export function childResults<T>(args: string[]): T[] {
  const out = execFileSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    env: { ...process.env, NODE_COMPILE_CACHE: compileCacheRoot() },
  })
  const results: T[] = []
  for (const line of out.split('\n').filter((l) => l.startsWith('{'))) {
    console.log(line)
    results.push(JSON.parse(line) as T)
  }
  return results
}

/** Puts `section` (which starts with `heading`) in docs/benchmarks.md, in place of the old one. */
export function writeBenchmarkSection(heading: string, section: string): void {
  const path = join(ROOT, 'docs', 'benchmarks.md')
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const start = doc.indexOf(heading)
  let next: string
  if (start < 0) next = `${doc.trimEnd()}\n\n${section}`
  else {
    const end = doc.indexOf('\n## ', start + 1)
    next = doc.slice(0, start) + section + (end < 0 ? '' : `\n${doc.slice(end + 1)}`)
  }
  writeFileSync(path, next)
  console.log(`wrote ${path}`)
}

/** A command's stdout; throws with its stderr unless it exits 0. */
export function mustRun(
  argv: string[],
  env: NodeJS.ProcessEnv,
  limits: { maxBuffer?: number; timeout?: number } = {},
): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', ...limits })
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** The pid of the daemon of `dataDir` (its daemon.json). */
export function daemonPid(dataDir: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { pid: number }).pid
}

/**
 * `run` with a fresh data directory and the environment of a Baton of its own there (BATON_HOME,
 * HOME for kubectl's cache, KUBECONFIG the daemon's; no server or token of the caller's), then
 * `baton down --all` and the directory removed, whatever `run` did.
 */
export async function withOwnBaton(
  prefix: string,
  run: (dataDir: string, env: NodeJS.ProcessEnv) => Promise<void>,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BATON_HOME: dataDir,
    HOME: dataDir,
    KUBECONFIG: join(dataDir, 'kubeconfig'),
  }
  delete env.BATON_SERVER
  delete env.BATON_TOKEN
  try {
    await run(dataDir, env)
  } finally {
    spawnSync(process.execPath, [BATON, 'down', '--all'], { env, stdio: 'inherit' })
    rmSync(dataDir, { recursive: true, force: true })
  }
}
