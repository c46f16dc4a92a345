import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createHarness } from '../testing/harness.ts'
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

/**
 * The long names of the flags that open `lines` (`--server`, `-n, --namespace`); a line indented
 * deeper is a wrapped description, which may name a flag too.
 */
const longFlags = (lines: readonly string[]) =>
  lines.flatMap((l) => [...l.matchAll(/^ {0,2}(?:-\w, )?(--[a-z-]+)/g)].map((m) => m[1]!)).sort()

describe("docs/cli.md's Global flags", () => {
  it('lists exactly the flags baton --help lists', async () => {
    const h = createHarness()
    const help = await h.run('--help')
    h.close()
    const options = help.out.slice(help.out.indexOf('Options:\n'), help.out.indexOf('\nCommands:'))
    const section = doc.slice(doc.indexOf('## Global flags'), doc.indexOf('\n## ', doc.indexOf('## Global flags')))
    const rows = section.split('\n').filter((l) => l.startsWith('| `-'))
    const fromHelp = longFlags(options.split('\n'))
    expect(fromHelp).toContain('--kubeconfig')
    expect(longFlags(rows.map((r) => r.slice(3)))).toEqual(fromHelp)
  })
})
