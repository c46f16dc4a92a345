import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { SpaceReserve } from './space-reserve.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-reserve-'))
  dirs.push(d)
  return d
}

it('writes its bytes (blocks, not a hole), gives them back, and writes them again', () => {
  const r = new SpaceReserve(join(newDir(), 'state.db.reserve'), 256 * 1024)
  expect(r.ensure()).toBe(true)
  const st = statSync(r.path)
  expect(st.size).toBe(256 * 1024)
  expect(st.blocks * 512).toBeGreaterThanOrEqual(256 * 1024)
  expect(r.release()).toBe(true)
  expect(r.exists()).toBe(false)
  expect(r.release()).toBe(false)
  expect(r.ensure()).toBe(true)
  expect(r.exists()).toBe(true)
})

it('room to resume: the reserve and as much again must fit', () => {
  const dir = newDir()
  const st = statfsSync(dir)
  const free = st.bavail * st.bsize
  expect(new SpaceReserve(join(dir, 'small'), 1024).roomToResume()).toBe(true)
  expect(new SpaceReserve(join(dir, 'huge'), free).roomToResume()).toBe(false)
})

it('a reserve of 0 bytes is no reserve', () => {
  const r = new SpaceReserve(join(newDir(), 'none'), 0)
  expect(r.ensure()).toBe(true)
  expect(r.exists()).toBe(false)
  expect(r.release()).toBe(false)
})
