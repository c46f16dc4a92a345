import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { RawSpaceReclaimer } from './raw-space.ts'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

it('punches a hole below the offset, keeping the length and the bytes after it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-raw-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'web.stdout.raw')
  writeFileSync(file, `${'a'.repeat(64 * 1024)}tail\n`)
  const fd = openSync(file, 'r')
  cleanups.push(() => closeSync(fd))
  const reclaimer = new RawSpaceReclaimer()
  expect(await reclaimer.punch(fd, 64 * 1024)).toBe(true)
  const st = statSync(file)
  expect(st.size).toBe(64 * 1024 + 5)
  expect(st.blocks * 512).toBeLessThan(64 * 1024)
  expect(reclaimer.mode).toBe('punch')
})

it('falls back to truncate mode for good, reporting why once, when a punch fails', async () => {
  const reasons: string[] = []
  const reclaimer = new RawSpaceReclaimer('punch', (r) => reasons.push(r))
  const fd = openSync('/dev/null', 'r') // no holes in a device
  cleanups.push(() => closeSync(fd))
  expect(await reclaimer.punch(fd, 4096)).toBe(false)
  expect(await reclaimer.punch(fd, 4096)).toBe(false)
  expect(reclaimer.mode).toBe('truncate')
  expect(reasons).toHaveLength(1)
})
