import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from './index.ts'

// docs/cli.md documents every verb: a row of its Commands table starts with the command.
const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8')

describe('docs/cli.md', () => {
  it.each(COMMANDS.map((c) => c.path.join(' ')))('has a row for %s', (path) => {
    const words = path.split(' ')
    const first = words[0]!
    const last = words[words.length - 1]!
    const row =
      words.length === 1
        ? new RegExp(`^\\| \`${first}\\b`, 'm')
        : new RegExp(`^\\| \`${first} [^\`]*\\b${last}\\b`, 'm')
    expect(doc).toMatch(row)
  })
})
