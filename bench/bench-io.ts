/**
 * @module
 * What several benchmarks do alike: run a measuring child process and collect the JSON
 * lines it prints, and write a benchmark's section into docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileCacheRoot } from '../src/platform/env.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

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
