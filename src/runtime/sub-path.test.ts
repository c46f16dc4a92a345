import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { T0 } from '../../test/support/builders.ts'
import { writeVolumeAtomically } from './atomic-volume-writer.ts'
import { subPathSource } from './sub-path.ts'

let dir: string
let volume: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-sub-path-test-'))
  volume = join(dir, 'volume')
  mkdirSync(volume)
  chmodSync(volume, 0o777)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('subPathSource: the path inside the volume to bind', () => {
  it.each<[string, (v: string) => void, string, boolean, string | RegExp]>([
    ['a file in the volume', (v) => writeFileSync(join(v, 'app.conf'), 'x'), 'app.conf', false, 'app.conf'],
    ['a missing directory, created', () => {}, 'logs/web', true, 'logs/web'],
    ['the volume itself', () => {}, '.', false, ''],
    [
      'a symlink that stays inside',
      (v) => {
        mkdirSync(join(v, 'real'))
        symlinkSync('real', join(v, 'link'))
      },
      'link',
      false,
      'real',
    ],
    [
      'a symlink out of the volume',
      (v) => symlinkSync('/etc', join(v, 'escape')),
      'escape/passwd',
      true,
      /resolves through a symlink to \/etc, outside the volume/,
    ],
    [
      'a relative symlink climbing out',
      (v) => {
        mkdirSync(join(v, 'a'))
        symlinkSync('../../', join(v, 'a', 'up'))
      },
      'a/up',
      true,
      /outside the volume/,
    ],
    [
      'a link inside pointing at a link out',
      (v) => {
        symlinkSync('/tmp', join(v, 'out'))
        symlinkSync('out', join(v, 'hop'))
      },
      'hop',
      false,
      /to \/tmp, outside the volume/,
    ],
    ['a missing key of a configMap', () => {}, 'app.conf', false, /"app.conf" does not exist in the volume/],
    ['an absolute path', () => {}, '/etc', true, /must be a relative path that does not contain '\.\.'/],
    ['a step up', () => {}, 'a/../../b', true, /must be a relative path/],
    ['a file where a directory is needed', (v) => writeFileSync(join(v, 'f'), ''), 'f/x', true, /is not a directory/],
  ])('%s', (_name, arrange, subPath, create, want) => {
    arrange(volume)
    const got = subPathSource(volume, subPath, create)
    if (typeof want === 'string') expect(got).toEqual({ path: want === '' ? volume : join(volume, want) })
    else expect('error' in got ? got.error : got.path).toMatch(want)
  })

  it("gives a created directory the volume's mode, whatever the umask", () => {
    const got = subPathSource(volume, 'a/b', true)
    expect(got).toEqual({ path: join(volume, 'a', 'b') })
    expect(statSync(join(volume, 'a')).mode & 0o777).toBe(0o777)
    expect(statSync(join(volume, 'a', 'b')).mode & 0o777).toBe(0o777)
  })

  it("binds a configMap key's file in its versioned directory: a later version is not seen through it", () => {
    writeVolumeAtomically(volume, [{ path: 'app.conf', content: Buffer.from('one'), mode: 0o644 }], T0)
    const got = subPathSource(volume, 'app.conf', false)
    if ('error' in got) throw new Error(got.error)
    expect(got.path).not.toBe(join(volume, 'app.conf'))
    expect(readFileSync(got.path, 'utf8')).toBe('one')
    expect(got.path.startsWith(`${volume}/..`)).toBe(true)
  })
})
