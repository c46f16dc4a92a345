import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { lockDataDir } from './data-dir-lock.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-lock-unit-'))
  dirs.push(d)
  return d
}

it('refuses a second holder with BATON_DATA_DIR_LOCKED naming the first one, until it lets go', () => {
  const dir = newDir()
  const first = lockDataDir(dir, 'start the daemon')
  expect(readFileSync(join(dir, 'daemon.pid'), 'utf8').trim()).toBe(String(process.pid))
  expect(() => lockDataDir(dir, 'restore')).toThrow(
    expect.objectContaining({
      code: 'BATON_DATA_DIR_LOCKED',
      message: expect.stringContaining(
        `cannot restore: the data directory ${dir} is locked by another Baton process (pid ${process.pid})`,
      ),
    }),
  )
  first.release()
  const second = lockDataDir(dir, 'start the daemon')
  second.release()
})

it('never names a pid that does not hold the lock (a killed holder leaves daemon.pid behind)', () => {
  const dir = newDir()
  const holder = lockDataDir(dir, 'start the daemon')
  writeFileSync(join(dir, 'daemon.pid'), '1\n')
  try {
    lockDataDir(dir, 'start the daemon')
    expect.unreachable()
  } catch (err) {
    expect((err as Error).message).toMatch(/locked by another Baton process$/)
  } finally {
    holder.release()
  }
})

it('is BATON_STORE, not a lock held by someone, when the lock file cannot be opened', () => {
  const dir = join(newDir(), 'missing', 'dir')
  expect(() => lockDataDir(dir, 'start the daemon')).toThrow(expect.objectContaining({ code: 'BATON_STORE' }))
})
