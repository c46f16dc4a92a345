import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deferDependencies } from './deferred-dependencies.ts'
import { connectEngine } from './engine.ts'

const root = mkdtempSync(join(tmpdir(), 'baton-deferred-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface Made {
  x: number
}
interface Dep {
  Made: { new (x: number): Made; of(x: number): Made }
  twice(n: number): number
  version: string
}
interface Pkg {
  dep: Dep
  Made: Dep['Made']
}

let packages = 0
/**
 * A package whose main file requires `dep` at its start and keeps `dep.Made` (as docker-modem
 * keeps ssh2's Client); `dep` counts its loads in a file beside it.
 */
function aPackage() {
  const dir = join(root, `pkg${++packages}`)
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true })
  const main = join(dir, 'index.js')
  writeFileSync(main, "const dep = require('dep')\nmodule.exports = { dep, Made: dep.Made }\n")
  const loads = join(dir, 'loads')
  writeFileSync(
    join(dir, 'node_modules', 'dep', 'index.js'),
    [
      `require('node:fs').appendFileSync(${JSON.stringify(loads)}, 'x')`,
      'class Made { constructor(x) { this.x = x } static of(x) { return new this(x) } }',
      "module.exports = { Made, twice(n) { return 2 * n }, version: '1' }",
    ].join('\n'),
  )
  const require = createRequire(main)
  return {
    main,
    require,
    load: () => require(main) as Pkg,
    real: () => require(require.resolve('dep')) as Dep,
    loads: () => {
      try {
        return require('node:fs').readFileSync(loads, 'utf8').length as number
      } catch {
        return 0
      }
    },
  }
}

describe('deferDependencies', () => {
  it.each([
    ['loading the package leaves the dependency unloaded', () => {}, 0],
    ['constructing a member read at load loads it', (p: Pkg) => expect(new p.Made(3).x).toBe(3), 1],
    ['calling a function member calls the real one', (p: Pkg) => expect(p.dep.twice(4)).toBe(8), 1],
    ['a static method keeps its class as this', (p: Pkg) => expect(p.Made.of(5).x).toBe(5), 1],
    ['a value read off a member is the real one', (p: Pkg) => expect(p.Made.name).toBe('Made'), 1],
  ] as const)('%s', (_name, use, loads) => {
    const p = aPackage()
    deferDependencies(p.main, ['dep'])
    const pkg = p.load()
    use(pkg as never)
    expect(p.loads()).toBe(loads)
  })

  it('hands out the real module and its members once loaded, loading it once', () => {
    const p = aPackage()
    deferDependencies(p.main, ['dep'])
    const pkg = p.load()
    const made = new pkg.Made(1)
    expect(made).toBeInstanceOf(pkg.dep.Made)
    expect(pkg.dep.Made).toBe(p.real().Made)
    expect(pkg.dep.version).toBe('1')
    expect(Object.keys(pkg.dep)).toEqual(['Made', 'twice', 'version'])
    expect(p.loads()).toBe(1)
  })

  it('skips a dependency the package cannot resolve', () => {
    const p = aPackage()
    deferDependencies(p.main, ['not-installed', 'dep'])
    p.load()
    expect(p.loads()).toBe(0)
    expect(() => p.require('not-installed')).toThrow(/Cannot find module/)
  })

  it('leaves a dependency loaded already as it is', () => {
    const p = aPackage()
    const real = p.require('dep') as Dep
    deferDependencies(p.main, ['dep'])
    expect(p.load().dep).toBe(real)
    expect(p.loads()).toBe(1)
  })
})

describe('the engine client', () => {
  it('loads dockerode without gRPC, protobufjs or ssh2', () => {
    connectEngine('unix:///nonexistent/docker.sock')
    const loaded = Object.keys(createRequire(import.meta.url).cache)
    expect(loaded.some((f) => f.includes('/node_modules/dockerode/'))).toBe(true)
    // The stand-in is one entry per package's main file; the real module would load its others.
    for (const pkg of ['@grpc/grpc-js', 'protobufjs', 'ssh2']) {
      expect(loaded.filter((f) => f.includes(`/node_modules/${pkg}/`)).length, pkg).toBeLessThanOrEqual(1)
    }
  })
})
