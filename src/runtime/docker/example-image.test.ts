import { describe, expect, it } from 'vitest'
import { buildExampleImages, INPUTS_LABEL, linkedLibraries } from './example-image.ts'
import { exampleImages, NO_ENGINE, SKIP_REASON, testEngine } from './testing.ts'

describe('linkedLibraries', () => {
  it.each([
    [
      'a library found by name',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2e8481e000)',
      ['/lib/x86_64-linux-gnu/libc.so.6'],
    ],
    ['the loader', '\t/lib64/ld-linux-x86-64.so.2 (0x00007f2e84dd4000)', ['/lib64/ld-linux-x86-64.so.2']],
    ['the vDSO, which has no file', '\tlinux-vdso.so.1 (0x00007f2e84dd2000)', []],
    ['a library not found', '\tlibfoo.so.1 => not found', []],
  ])('%s', (_name, output, expected) => {
    expect(linkedLibraries(output)).toEqual(expected)
  })
})

describe.skipIf(NO_ENGINE)(`the example images, built through the engine${SKIP_REASON}`, () => {
  it('builds web:v1 and web:v2 FROM scratch, each with its own version and content digest', async () => {
    const engine = testEngine()
    const built = await exampleImages(engine)
    expect(built.map((b) => b.tag)).toEqual(['web:v1', 'web:v2'])
    for (const b of built) expect(b.id).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(built[0]?.id).not.toBe(built[1]?.id)
    const v2 = await engine.getImage('web:v2').inspect()
    expect(v2.Config.Entrypoint).toEqual(['/usr/local/bin/node'])
    expect(v2.Config.Cmd).toEqual(['server.js'])
    expect(v2.Config.Env).toContain('HOST=0.0.0.0')
    expect(v2.Config.Labels?.[INPUTS_LABEL]).toMatch(/^[0-9a-f]{64}$/)
  }, 180_000)

  it('does not build again from the same inputs, and does when they change', async () => {
    const engine = testEngine()
    const [v1] = await exampleImages(engine)
    const again = await buildExampleImages(engine, {
      versions: ['v1'],
      nodeBinary: process.execPath,
      nodeVersion: process.version,
    })
    expect(again).toEqual([v1])
    const other = await buildExampleImages(engine, {
      versions: ['v1'],
      nodeBinary: process.execPath,
      nodeVersion: 'v0.0.0-test',
      repository: 'baton-test-web',
    })
    expect(other[0]?.id).not.toBe(v1?.id)
    await engine.getImage('baton-test-web:v1').remove()
  }, 180_000)
})
