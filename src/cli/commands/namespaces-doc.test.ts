import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { aNamespace } from '../../../test/support/builders.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

// docs/cli.md's Namespaces section: its console block, run command by command, prints what the
// block shows; `team.yaml` is the section's YAML block.
const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8')
const section = doc.slice(doc.indexOf('## Namespaces'), doc.indexOf('\n## ', doc.indexOf('## Namespaces') + 1))
const block = (lang: string) => {
  const m = section.match(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``))
  if (!m) throw new Error(`docs/cli.md's Namespaces section has no ${lang} block`)
  return m[1]!
}

/** The block's steps: each `$ baton …` line and the lines it prints up to the next one. */
function steps(console: string): Array<{ command: string; output: string }> {
  const out: Array<{ command: string; output: string }> = []
  for (const line of console.split('\n')) {
    if (line.startsWith('$ baton ')) out.push({ command: line.slice('$ baton '.length), output: '' })
    else if (line !== '' && out.length > 0) out[out.length - 1]!.output += `${line}\n`
  }
  return out
}

/** An AGE cell (a table's last column) as kubectl prints it, the one thing a doc cannot hold still. */
const ages = (text: string) => text.replace(/ {2,}\d+[smhd](\d+[smh])?$/gm, '   <age>')

let h: Harness | undefined
let dir: string | undefined
afterEach(() => {
  h?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('docs/cli.md Namespaces', () => {
  it('prints what the console block shows, command by command', async () => {
    h = createHarness()
    // The daemon starts with `default` (server/kube/namespace-lifecycle.ts ensureNamespaces).
    h.store.create(aNamespace('default'))
    dir = mkdtempSync(join(tmpdir(), 'baton-ns-doc-'))
    writeFileSync(join(dir, 'team.yaml'), block('yaml'))
    const run = steps(block('console'))
    expect(run.length).toBeGreaterThan(5)
    for (const { command, output } of run) {
      const r = await h.run(command.replace(/\bteam\.yaml\b/, join(dir, 'team.yaml')))
      expect({ command, printed: ages(r.out + r.err) }).toEqual({ command, printed: ages(output) })
    }
  })
})
