import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedPath } from './shared-dir.ts'

// A real repository on disk: <root>/main (the main checkout) with <root>/shared/peers beside
// it, a worktree at <root>/wt/x (where <checkout>/../shared does not exist), and a directory
// that is no checkout at all.
let root: string

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'baton-shared-dir-')))
  mkdirSync(join(root, 'main'))
  mkdirSync(join(root, 'shared', 'peers'), { recursive: true })
  mkdirSync(join(root, 'wt'))
  mkdirSync(join(root, 'plain', 'checkout'), { recursive: true })
  const main = join(root, 'main')
  git(main, 'init', '-q', '-b', 'main')
  git(main, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'first')
  git(main, 'worktree', 'add', '-q', '-b', 'x', join(root, 'wt', 'x'))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('sharedPath', () => {
  it.each([
    { name: 'from the main checkout: beside it', checkout: 'main', want: 'shared/peers' },
    { name: 'from a worktree elsewhere: beside the main checkout', checkout: 'wt/x', want: 'shared/peers' },
    {
      name: 'outside git, nothing beside it: the usual place, for the error to name',
      checkout: 'plain/checkout',
      want: 'plain/shared/peers',
    },
  ])('$name', ({ checkout, want }) => {
    expect(sharedPath(join(root, checkout), 'peers')).toBe(join(root, want))
  })
})
