import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeVersionProblem, REQUIRED_NODE_MAJOR } from '../../bin/node-version.mjs'

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'baton.mjs')

describe('the CLI checks the Node.js version before loading TypeScript', () => {
  it.each([
    [
      'Node 20 is refused with the version and the fix',
      '20.20.2',
      /needs Node\.js 24 or newer; this is Node\.js 20\.20\.2 \(\/x\/node\)\nhint: .*\.ci\/node\.sh/,
    ],
    ['Node 22 is refused', '22.11.0', /this is Node\.js 22\.11\.0/],
    ['Node 24 runs', '24.21.0', undefined],
    ['Node 25 runs', '25.0.0', undefined],
  ])('%s', (_name, version, expected) => {
    const problem = nodeVersionProblem(version, '/x/node')
    if (expected === undefined) expect(problem).toBeUndefined()
    else expect(problem).toMatch(expected)
  })

  it('requires the major version package.json declares', async () => {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
      engines: { node: string }
    }
    expect(pkg.engines.node).toBe(`>=${REQUIRED_NODE_MAJOR}`)
  })

  // The machines ship an older Node in /usr/bin; where one is there, the real binary must print
  // the message instead of a SyntaxError.
  it.runIf(
    existsSync('/usr/bin/node') &&
      nodeVersionProblem(
        spawnSync('/usr/bin/node', ['-p', 'process.versions.node']).stdout?.toString().trim() ?? '24',
        '',
      ) !== undefined,
  )('an older real node prints the message and exits 1', () => {
    const r = spawnSync('/usr/bin/node', [BIN, 'version', '--client'], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error: baton needs Node\.js 24 or newer/)
  })
})
