import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { create, Header } from 'tar'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { openArtifactStore, removeCheckout } from './artifact-store.ts'
import type { ArtifactStore } from './types.ts'

let sandbox: string
let storeDir: string
let store: ArtifactStore

beforeEach(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'baton-art-'))
  storeDir = path.join(sandbox, 'store')
  store = openArtifactStore(storeDir, { clock: new FakeClock(Date.parse('2026-11-21T20:00:00Z')) })
})

afterEach(async () => {
  await removeCheckout(sandbox)
})

function appDir(name: string, files: Record<string, string>, mode = 0o644): string {
  const dir = path.join(sandbox, name)
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    writeFileSync(path.join(dir, rel), body, { mode })
  }
  return dir
}

interface RawEntry {
  path: string
  type: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO'
  linkpath?: string
  body?: string
}

/** A .tar.gz written header by header, so it can hold what no honest archiver would write. */
function rawTarGz(name: string, entries: RawEntry[]): string {
  const blocks: Buffer[] = []
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '')
    const block = Buffer.alloc(512)
    new Header({
      path: e.path,
      type: e.type,
      linkpath: e.linkpath,
      size: body.length,
      mode: e.type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date(0),
    }).encode(block, 0)
    blocks.push(block)
    if (body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  const file = path.join(sandbox, name)
  writeFileSync(file, gzipSync(Buffer.concat(blocks)))
  return file
}

describe('push', () => {
  it('stores a folder under a content digest and tags it', async () => {
    const info = await store.push('web:v1', appDir('v1', { 'server.js': 'console.log(1)\n', 'lib/a.txt': 'a' }))
    expect(info).toMatchObject({ name: 'web', tag: 'v1', created: '2026-11-21T20:00:00.000Z' })
    expect(info.digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    const blob = path.join(storeDir, 'blobs', 'sha256', info.digest.slice(7))
    expect(statSync(blob).size).toBe(info.size)
    expect(JSON.parse(readFileSync(path.join(storeDir, 'tags.json'), 'utf8')).repositories.web.v1.digest).toBe(
      info.digest,
    )
    expect(readdirSync(path.join(storeDir, 'tmp'))).toEqual([])
  })

  it('gives the same digest for the same files, whatever their mtime, umask or archive form', async () => {
    const a = await store.push('web:a', appDir('a', { 'server.js': 'x', 'lib/b.js': 'y' }))
    const b = await store.push('web:b', appDir('b', { 'lib/b.js': 'y', 'server.js': 'x' }, 0o664))
    const tgz = path.join(sandbox, 'a.tgz')
    await create({ gzip: true, file: tgz, cwd: path.join(sandbox, 'a') }, ['lib', 'server.js'])
    const c = await store.push('web:c', tgz)
    expect(b.digest).toBe(a.digest)
    expect(c.digest).toBe(a.digest)
  })

  it('gives a different digest when one byte or the executable bit changes', async () => {
    const a = await store.push('web:a', appDir('a', { 'server.js': 'x' }))
    const b = await store.push('web:b', appDir('b', { 'server.js': 'y' }))
    const c = await store.push('web:c', appDir('c', { 'server.js': 'x' }, 0o755))
    expect(new Set([a.digest, b.digest, c.digest]).size).toBe(3)
  })

  it('is a no-op to push the same content under the same tag again', async () => {
    const dir = appDir('v1', { 'server.js': 'x' })
    const first = await store.push('web:v1', dir)
    expect(await store.push('web:v1', dir)).toEqual(first)
  })

  it('refuses to move a tag to other content unless forced', async () => {
    const v1 = await store.push('web:v1', appDir('a', { 'server.js': 'x' }))
    const other = appDir('b', { 'server.js': 'y' })
    await expect(store.push('web:v1', other)).rejects.toMatchObject({
      code: 'BATON_ARTIFACT_EXISTS',
      message: `artifact "web:v1" already exists with digest ${v1.digest}`,
      hint: 'push under a new tag, or pass --force to move it',
    })
    expect(store.resolve('web:v1')?.digest).toBe(v1.digest)
    const moved = await store.push('web:v1', other, { force: true })
    expect(moved.digest).not.toBe(v1.digest)
    expect(store.resolve('web:v1')?.digest).toBe(moved.digest)
  })

  it.each([
    { name: 'a bad reference', ref: 'Web:v1', source: 'v1', code: 'BATON_INVALID' },
    { name: 'a digest in the reference', ref: `web@sha256:${'a'.repeat(64)}`, source: 'v1', code: 'BATON_INVALID' },
    { name: 'a missing source', ref: 'web:v1', source: 'nope', code: 'BATON_USAGE' },
    { name: 'an empty folder', ref: 'web:v1', source: 'empty', code: 'BATON_INVALID' },
    { name: 'a file that is not a tar', ref: 'web:v1', source: 'junk.tgz', code: 'BATON_INVALID' },
  ])('refuses $name', async ({ ref, source, code }) => {
    appDir('v1', { 'server.js': 'x' })
    mkdirSync(path.join(sandbox, 'empty'))
    writeFileSync(path.join(sandbox, 'junk.tgz'), 'not a tarball')
    await expect(store.push(ref, path.join(sandbox, source))).rejects.toMatchObject({ code })
  })
})

describe('archive safety', () => {
  const cases: { name: string; entries: (outside: string) => RawEntry[]; entry: string }[] = [
    { name: 'absolute path', entries: (o) => [{ path: `${o}/abs`, type: 'File', body: 'x' }], entry: 'abs' },
    { name: 'parent path', entries: () => [{ path: '../../../../../escaped', type: 'File', body: 'x' }], entry: '..' },
    {
      name: 'parent inside a path',
      entries: () => [{ path: 'a/../../../../../../escaped', type: 'File', body: 'x' }],
      entry: 'a/..',
    },
    {
      name: 'symlink to an absolute path',
      entries: (o) => [
        { path: 'l', type: 'SymbolicLink', linkpath: o },
        { path: 'l/written', type: 'File', body: 'x' },
      ],
      entry: '"l"',
    },
    {
      name: 'symlink to a parent',
      entries: () => [{ path: 'sub/l', type: 'SymbolicLink', linkpath: '../../x' }],
      entry: '"sub/l"',
    },
    {
      name: 'hard link to an absolute path',
      entries: () => [{ path: 'h', type: 'Link', linkpath: '/etc/passwd' }],
      entry: '"h"',
    },
    { name: 'hard link to a parent', entries: () => [{ path: 'h', type: 'Link', linkpath: '../x' }], entry: '"h"' },
    { name: 'character device', entries: () => [{ path: 'dev', type: 'CharacterDevice' }], entry: '"dev"' },
    { name: 'block device', entries: () => [{ path: 'blk', type: 'BlockDevice' }], entry: '"blk"' },
    { name: 'FIFO', entries: () => [{ path: 'fifo', type: 'FIFO' }], entry: '"fifo"' },
    {
      // Each link looks inside on its own; together "b" resolves to root/.. = outside.
      name: 'symlink chain that escapes only when followed',
      entries: () => [
        { path: 'a', type: 'Directory' },
        { path: 'a/up', type: 'SymbolicLink', linkpath: '..' },
        { path: 'b', type: 'SymbolicLink', linkpath: 'a/up/..' },
      ],
      entry: '"b"',
    },
    {
      name: 'file written through a symlink the archive made',
      entries: () => [
        { path: 'd', type: 'SymbolicLink', linkpath: '.' },
        { path: 'd/l', type: 'SymbolicLink', linkpath: '../x' },
      ],
      entry: 'd',
    },
  ]

  it.each(cases)('refuses an archive with a $name and writes nothing outside tmp/', async ({ entries, entry }) => {
    const outside = path.join(sandbox, 'outside')
    mkdirSync(outside)
    const tgz = rawTarGz('evil.tgz', [{ path: 'server.js', type: 'File', body: 'ok' }, ...entries(outside)])
    const err = await store.push('web:evil', tgz).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'BATON_ARTIFACT_UNSAFE' })
    expect((err as Error).message).toContain(entry)
    expect(readdirSync(outside)).toEqual([])
    expect(readdirSync(sandbox).sort()).toEqual(['evil.tgz', 'outside', 'store'])
    expect(readdirSync(storeDir)).toEqual(['tmp'])
    expect(readdirSync(path.join(storeDir, 'tmp'))).toEqual([])
  })

  it('accepts symlinks and hard links that stay inside', async () => {
    const tgz = rawTarGz('ok.tgz', [
      { path: 'lib', type: 'Directory' },
      { path: 'lib/a.js', type: 'File', body: 'a' },
      { path: 'lib/self', type: 'SymbolicLink', linkpath: '../lib/a.js' },
      { path: 'copy.js', type: 'Link', linkpath: 'lib/a.js' },
    ])
    const info = await store.push('web:links', tgz)
    const dest = path.join(sandbox, 'pod')
    await store.checkout(info.digest, dest)
    expect(readFileSync(path.join(dest, 'lib/self'), 'utf8')).toBe('a')
    expect(readFileSync(path.join(dest, 'copy.js'), 'utf8')).toBe('a')
  })

  it('refuses a folder holding a symlink that leaves it', async () => {
    const dir = appDir('v1', { 'server.js': 'x' })
    symlinkSync('/etc', path.join(dir, 'etc'))
    await expect(store.push('web:v1', dir)).rejects.toMatchObject({ code: 'BATON_ARTIFACT_UNSAFE' })
  })
})

/** A .tar.gz of one file of `size` zero bytes: how a sparse file or a gzip bomb looks once archived. */
function zerosTarGz(name: string, size: number, entries = 1): string {
  const blocks: Buffer[] = []
  for (let i = 0; i < entries; i++) {
    const block = Buffer.alloc(512)
    new Header({ path: `f${i}`, type: 'File', size, mode: 0o644, mtime: new Date(0) }).encode(block, 0)
    blocks.push(block, Buffer.alloc(size + ((512 - (size % 512)) % 512)))
  }
  blocks.push(Buffer.alloc(1024))
  const file = path.join(sandbox, name)
  writeFileSync(file, gzipSync(Buffer.concat(blocks), { level: 9 }))
  return file
}

describe('limits', () => {
  const MiB = 1024 * 1024

  it('accepts a file of zeros that compresses a thousandfold (a sparse file), which node-tar alone refuses', async () => {
    const tgz = zerosTarGz('sparse.tgz', 64 * MiB)
    expect(statSync(tgz).size).toBeLessThan(MiB / 4)
    const info = await store.push('big:v1', tgz, { limits: { maxBytes: 128 * MiB, maxEntries: 10 } })
    expect(info.size).toBeGreaterThan(64 * MiB)
  })

  it.each([
    {
      name: 'expands beyond the byte limit (a gzip bomb)',
      tgz: () => zerosTarGz('bomb.tgz', 64 * MiB),
      says: 'the archive expands beyond the limit of 1048576 bytes',
    },
    {
      name: 'holds more entries than the limit',
      tgz: () => zerosTarGz('many.tgz', 1, 20),
      says: 'the archive holds more than 10 entries',
    },
  ])('refuses an archive that $name, with BATON_TOO_LARGE and nothing stored', async ({ tgz, says }) => {
    const err = await store
      .push('bomb:v1', tgz(), { limits: { maxBytes: MiB, maxEntries: 10 } })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'BATON_TOO_LARGE', httpStatus: 413 })
    expect((err as Error).message).toContain(says)
    expect((err as Error).message).not.toMatch(/not a readable tar archive/)
    expect((err as { hint?: string }).hint).toMatch(/--max-artifact-/)
    expect(readdirSync(path.join(storeDir, 'tmp'))).toEqual([])
    expect(store.list()).toEqual([])
  })

  it('still calls a file that is not a tar archive unreadable', async () => {
    const file = path.join(sandbox, 'junk.tgz')
    writeFileSync(file, gzipSync(Buffer.from('hello, not a tar\n'.repeat(100))))
    await expect(store.push('junk:v1', file)).rejects.toMatchObject({
      code: 'BATON_INVALID',
      message: expect.stringContaining('not a readable tar archive'),
    })
  })
})

describe('resolve', () => {
  it('finds a tag, the latest tag, a digest, and nothing for unknown names', async () => {
    const v1 = await store.push('web:v1', appDir('a', { 'server.js': 'x' }))
    const latest = await store.push('web', appDir('b', { 'server.js': 'y' }))
    expect(store.resolve('web:v1')).toEqual({ name: 'web', tag: 'v1', digest: v1.digest })
    expect(store.resolve('web')).toEqual({ name: 'web', tag: 'latest', digest: latest.digest })
    expect(store.resolve(`web@${v1.digest}`)).toEqual({ name: 'web', digest: v1.digest })
    expect(store.resolve(`web@sha256:${'0'.repeat(64)}`)).toBeUndefined()
    expect(store.resolve('web:v9')).toBeUndefined()
    expect(store.resolve('api')).toBeUndefined()
    expect(store.resolve('NOT A REF')).toBeUndefined()
    expect(store.list().map((a) => `${a.name}:${a.tag}`)).toEqual(['web:latest', 'web:v1'])
  })
})

describe('checkout', () => {
  it('unpacks the files with their exec bit and makes the copy read-only', async () => {
    const dir = appDir('v1', { 'server.js': 'console.log(1)\n', 'lib/a.txt': 'a' })
    chmodSync(path.join(dir, 'server.js'), 0o755)
    const info = await store.push('web:v1', dir)
    const dest = path.join(sandbox, 'pods', 'web-1', 'app')
    await store.checkout(info.digest, dest)
    expect(readFileSync(path.join(dest, 'server.js'), 'utf8')).toBe('console.log(1)\n')
    expect(statSync(path.join(dest, 'server.js')).mode & 0o777).toBe(0o555)
    expect(statSync(path.join(dest, 'lib/a.txt')).mode & 0o777).toBe(0o444)
    expect(statSync(path.join(dest, 'lib')).mode & 0o777).toBe(0o555)
    expect(statSync(dest).mode & 0o222).toBe(0)
    expect(readdirSync(path.dirname(dest))).toEqual(['app'])
    await removeCheckout(dest)
    expect(readdirSync(path.dirname(dest))).toEqual([])
  })

  it('fails with BATON_ARTIFACT_NOT_FOUND for an unknown digest', async () => {
    await expect(store.checkout(`sha256:${'0'.repeat(64)}`, path.join(sandbox, 'x'))).rejects.toMatchObject({
      code: 'BATON_ARTIFACT_NOT_FOUND',
    })
  })
})

afterEach(() => rmSync(sandbox, { recursive: true, force: true }))

describe('remove', () => {
  it('untags; the content goes with the last tag that names it', async () => {
    const dir = appDir('app', { 'server.js': 'v1' })
    const v1 = await store.push('web:v1', dir)
    await store.push('web:stable', dir)
    const blob = path.join(storeDir, 'blobs', 'sha256', v1.digest.slice('sha256:'.length))
    expect(store.remove!('web:v1')).toMatchObject({ removed: { name: 'web', tag: 'v1' }, deleted: false })
    expect(store.resolve('web:v1')).toBeUndefined()
    expect(statSync(blob).isFile()).toBe(true)
    expect(store.remove!('web:stable')).toMatchObject({ deleted: true })
    expect(store.list()).toEqual([])
    expect(() => statSync(blob)).toThrow()
  })

  it.each(['web:nope', 'nothing', `web@sha256:${'a'.repeat(64)}`])('refuses %s, which no tag names', (ref) => {
    expect(() => store.remove!(ref)).toThrow(expect.objectContaining({ code: 'BATON_ARTIFACT_NOT_FOUND' }))
  })
})

describe('default command', () => {
  it('is written into the artifact, so its digest covers it, and resolves with the tag and the digest', async () => {
    const dir = appDir('app', { 'server.js': 'x' })
    const plain = await store.push('web:plain', dir)
    const withCmd = await store.push('web:v1', dir, { cmd: ['node', 'server.js'] })
    expect(plain.cmd).toBeUndefined()
    expect(withCmd.cmd).toEqual(['node', 'server.js'])
    expect(withCmd.digest).not.toBe(plain.digest)
    expect(store.resolve('web:v1')?.cmd).toEqual(['node', 'server.js'])
    expect(store.resolve(`web@${withCmd.digest}`)?.cmd).toEqual(['node', 'server.js'])
    expect(store.resolve('web:plain')?.cmd).toBeUndefined()
    const out = path.join(sandbox, 'out')
    await store.checkout(withCmd.digest, out)
    expect(JSON.parse(readFileSync(path.join(out, '.baton', 'command.json'), 'utf8'))).toEqual(['node', 'server.js'])
  })

  it("is read from the pushed folder's own .baton/command.json", async () => {
    const info = await store.push('web:v1', appDir('app', { 'server.js': 'x', '.baton/command.json': '["./serve"]' }))
    expect(info.cmd).toEqual(['./serve'])
  })

  it.each([
    { name: 'an empty array', files: { '.baton/command.json': '[]' } },
    { name: 'not strings', files: { '.baton/command.json': '["node", 1]' } },
    { name: 'not JSON', files: { '.baton/command.json': 'node server.js' } },
  ])('refuses a malformed one ($name) and stores nothing', async ({ files }) => {
    await expect(store.push('web:v1', appDir('app', { 'server.js': 'x', ...files }))).rejects.toMatchObject({
      code: 'BATON_INVALID',
    })
    expect(store.list()).toEqual([])
  })
})
