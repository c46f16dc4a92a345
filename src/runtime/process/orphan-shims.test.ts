import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isRunning } from '../../platform/proc-stat.ts'
import { killShimGroups, unknownShims } from './orphan-shims.ts'
import { SHIM_NAME } from './replica-process.ts'

// Real processes that look like a replica's shim (sh -c SCRIPT baton-shim EXIT_CODE_FILE CMD), detached as launches are.
const started: number[] = []
const dirs: string[] = []
function fakeShim(podsDir: string): number {
  const child = spawn(
    '/bin/sh',
    ['-c', 'f=$1; shift; "$@"', SHIM_NAME, join(podsDir, 'u1/containers/web/exit-code'), 'sleep', '60'],
    {
      detached: true,
      stdio: 'ignore',
    },
  )
  child.unref()
  started.push(child.pid!)
  return child.pid!
}
afterEach(() => {
  killShimGroups(started.splice(0))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('unknownShims and killShimGroups', () => {
  it('finds the shims of this pods directory that no pod state names, and only those; killing one ends its group', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-orphans-'))
    const other = mkdtempSync(join(tmpdir(), 'baton-orphans-other-'))
    dirs.push(dataDir, other)
    const orphan = fakeShim(join(dataDir, 'pods'))
    const adopted = fakeShim(join(dataDir, 'pods'))
    const elsewhere = fakeShim(join(other, 'pods'))
    await vi.waitFor(() => expect(unknownShims(join(dataDir, 'pods'), new Set())).toHaveLength(2), { timeout: 5_000 })

    const found = unknownShims(join(dataDir, 'pods'), new Set([adopted]))
    expect(found).toEqual([orphan])
    killShimGroups(found)
    await vi.waitFor(() => expect(isRunning(orphan)).toBe(false), { timeout: 5_000 })
    expect(isRunning(adopted)).toBe(true)
    expect(isRunning(elsewhere)).toBe(true)
  })
})
