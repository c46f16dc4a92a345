import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { flowDepth, loadManifestText, loadManifests, parseManifests } from './manifest.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'

const names = (text: string) => parseManifests(text).map((o) => `${o.kind}/${o.metadata.name}`)

const parseFailure = (text: string, source?: string) => thrownBatonError(() => parseManifests(text, source))

describe('parseManifests', () => {
  const cases: Array<{ name: string; text: string; want: string[] }> = [
    { name: 'one YAML document', text: 'kind: Deployment\nmetadata: {name: a}\n', want: ['Deployment/a'] },
    {
      name: 'several documents with --- and comments',
      text: '# first\nkind: Deployment\nmetadata: {name: a}\n---\n# second\nkind: Service\nmetadata:\n  name: b # trailing\n',
      want: ['Deployment/a', 'Service/b'],
    },
    {
      name: 'leading --- and empty documents are skipped',
      text: '---\n---\n# only a comment\n---\nkind: Pod\nmetadata: {name: p}\n---\n',
      want: ['Pod/p'],
    },
    { name: 'document end marker ...', text: 'kind: Pod\nmetadata: {name: p}\n...\n', want: ['Pod/p'] },
    { name: 'tabs before comments', text: 'kind: Pod\t# the kind\nmetadata:\n  name: p\t# name\n', want: ['Pod/p'] },
    { name: 'JSON', text: '{"kind": "ConfigMap", "metadata": {"name": "c"}}', want: ['ConfigMap/c'] },
    {
      name: 'kind: List is flattened',
      text: 'apiVersion: v1\nkind: List\nitems:\n- {kind: Pod, metadata: {name: a}}\n- {kind: Pod, metadata: {name: b}}\n',
      want: ['Pod/a', 'Pod/b'],
    },
    { name: 'empty text', text: '', want: [] },
  ]
  it.each(cases)('$name', ({ text, want }) => {
    expect(names(text)).toEqual(want)
  })

  it('keeps YAML 1.2 scalars as Kubernetes expects (timestamps and yes/on stay strings)', () => {
    const [obj] = parseManifests(
      'kind: Pod\nmetadata:\n  name: p\n  creationTimestamp: 2018-08-19T02:42:56Z\n  labels: {on: yes}\n',
    )
    expect(obj?.metadata.creationTimestamp).toBe('2018-08-19T02:42:56Z')
    expect(obj?.metadata.labels).toEqual({ on: 'yes' })
  })

  const bad: Array<{ name: string; text: string; where: RegExp }> = [
    {
      name: 'unquoted percent (seed 002)',
      text: 'spec:\n  maxUnavailable: %25\n',
      where: /line 2, column 19: .*directive indicator/,
    },
    {
      name: 'tab indentation',
      text: 'kind: Pod\nmetadata:\n\tname: p\n',
      where: /line 3, column 1: Tabs are not allowed/,
    },
    { name: 'unclosed flow sequence', text: 'kind: Pod\ncommand: [a, b\n', where: /line \d+, column \d+/ },
    { name: 'duplicate key', text: 'kind: Pod\nkind: Service\n', where: /line 2, column 1: Map keys must be unique/ },
    { name: 'a list instead of an object', text: '- a\n- b\n', where: /the document is a list, not an object/ },
    {
      name: 'a scalar document among others',
      text: 'kind: Pod\n---\njust text\n',
      where: /document 2 is a string, not an object/,
    },
    { name: 'a List with a scalar item', text: 'kind: List\nitems: [3]\n', where: /items\[0\] is a number/ },
  ]
  it.each(bad)('rejects $name with source and position', ({ text, where }) => {
    const err = parseFailure(text, 'deploy.yaml')
    expect(err.code).toBe('BATON_MANIFEST_PARSE')
    expect(err.message).toMatch(/^error parsing deploy\.yaml: /)
    expect(err.message).toMatch(where)
    expect(err.hint).toBeTruthy()
  })
})

describe('parseManifests bounds what one document can cost', () => {
  const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    .concat(
      ['b', 'c', 'd', 'e', 'f', 'g', 'h'].map(
        (k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`,
      ),
    )
    .join('\n')
  const nestedBlock = (depth: number) =>
    `${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`
  const cases: Array<{ name: string; text: string; want: RegExp }> = [
    {
      name: 'billion laughs (aliases of aliases)',
      text: laughs,
      want: /the document expands aliases beyond the limit of 100$/,
    },
    {
      name: 'deep flow nesting that would overflow the parser',
      text: '['.repeat(100_000) + ']'.repeat(100_000),
      want: /nests deeper than 100 levels$/,
    },
    {
      name: 'deep flow mappings',
      text: `a: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`,
      want: /nests deeper than 100 levels$/,
    },
    {
      name: 'deep block nesting just past the limit',
      text: nestedBlock(101),
      want: /the document nests deeper than 100 levels$/,
    },
    {
      name: 'the second document of several',
      text: `kind: Pod\n---\n${nestedBlock(150)}`,
      want: /document 2 nests deeper than 100 levels$/,
    },
  ]
  it.each(cases)('refuses $name with a 400 parse error', ({ text, want }) => {
    const err = parseFailure(text, 'bomb.yaml')
    expect(err.code).toBe('BATON_MANIFEST_PARSE')
    expect(err.httpStatus).toBe(400)
    expect(err.message).toMatch(/^error parsing bomb\.yaml: /)
    expect(err.message).toMatch(want)
    expect(err.hint).toBeTruthy()
  })

  it.each([
    { name: 'block YAML', text: 'a:\n  b: [1, {c: [2]}]\n', depth: 3 },
    { name: 'JSON', text: '{"a": [{"b": {}}]}', depth: 4 },
    { name: 'brackets inside quotes', text: "a: \"[[[[\"\nb: '{{{{''{{'\n", depth: 0 },
    { name: 'brackets inside a plain scalar', text: 'command: echo [[[[ a{{{{\n', depth: 0 },
    { name: 'brackets in a comment', text: 'a: 1 # [[[[\n', depth: 0 },
    { name: 'a list item', text: '- [[1]]\n', depth: 2 },
  ])('flowDepth: $name → $depth', ({ text, depth }) => {
    expect(flowDepth(text)).toBe(depth)
  })

  it('accepts nesting at the limit and a few aliases', () => {
    expect(parseManifests(nestedBlock(100))).toHaveLength(1)
    expect(parseManifests('kind: Pod\nx: &x [1, 2]\ny: *x\nz: *x\n')[0]).toMatchObject({ y: [1, 2], z: [1, 2] })
  })
})

describe('loadManifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-manifest-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'b.yaml'), 'kind: Service\nmetadata: {name: b}\n')
  writeFileSync(join(dir, 'a.yml'), 'kind: Deployment\nmetadata: {name: a}\n')
  writeFileSync(join(dir, 'c.json'), '{"kind": "ConfigMap", "metadata": {"name": "c"}}')
  writeFileSync(join(dir, 'notes.txt'), 'not a manifest: [')
  mkdirSync(join(dir, 'nested'))
  writeFileSync(join(dir, 'nested', 'd.yaml'), 'kind: Pod\nmetadata: {name: d}\n')

  it('reads a directory: manifest files only, sorted by name, not recursing', async () => {
    const objs = await loadManifests(dir)
    expect(objs.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c'])
  })
  it('reads one file', async () => {
    expect((await loadManifests(join(dir, 'b.yaml'))).map((o) => o.kind)).toEqual(['Service'])
  })
  it('names the file in parse errors', async () => {
    const file = join(dir, 'nested', 'broken.yaml')
    writeFileSync(file, 'kind: [\n')
    await expect(loadManifests(file)).rejects.toThrow(`error parsing ${file}: line`)
  })
  it('reads "-" from the given stdin reader', async () => {
    const objs = await loadManifests('-', async () => 'kind: Pod\nmetadata: {name: s}\n')
    expect(objs.map((o) => o.metadata.name)).toEqual(['s'])
  })
  it('names STDIN in errors of stdin text', () => {
    expect(() => loadManifestText('a: [')).toThrow(/^error parsing STDIN: line 1/)
  })
  it('rejects a missing path with a usage error', async () => {
    await expect(loadManifests(join(dir, 'nope.yaml'))).rejects.toMatchObject({
      code: 'BATON_USAGE',
      message: expect.stringContaining('does not exist'),
    })
  })
})
