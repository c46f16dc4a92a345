/**
 * @module
 * Where the reference material the benchmarks compare against lives: `shared/` beside the main
 * checkout (its `peers/` holds the peers' harnesses). `<checkout>/../shared` finds it from the
 * main checkout only: a git worktree sits elsewhere on the disk, so the main checkout is also
 * found through git's common directory (`<main>/.git` from every worktree of it).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * `shared/<parts>` beside this checkout, or else beside the main checkout of its repository; the
 * first of those when neither exists, so that a "not found" names the usual place.
 */
export function sharedPath(checkout: string, ...parts: string[]): string {
  const candidates = [join(checkout, '..', 'shared', ...parts)]
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: checkout,
    encoding: 'utf8',
  })
  if (common.status === 0) candidates.push(join(dirname(common.stdout.trim()), '..', 'shared', ...parts))
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!
}
