import { describe, expect, it } from 'vitest'
import { configMapEntries, secretEntries, volumeFiles, type ProjectedSource } from './volume-files.ts'

const entries = new Map([
  ['b.txt', Buffer.from('B')],
  ['a.txt', Buffer.from('A')],
])
const base: ProjectedSource = { kind: 'configmap', name: 'cfg', entries }

const cases: { name: string; src: Partial<ProjectedSource>; want: unknown }[] = [
  {
    name: 'every key a file, named after it, mode 0644',
    src: {},
    want: {
      files: [
        { path: 'a.txt', content: Buffer.from('A'), mode: 0o644 },
        { path: 'b.txt', content: Buffer.from('B'), mode: 0o644 },
      ],
    },
  },
  {
    name: "items: only the keys named, at their paths, the item's mode over defaultMode",
    src: {
      items: [
        { key: 'b.txt', path: 'conf/b', mode: 0o600 },
        { key: 'a.txt', path: 'a' },
      ],
      defaultMode: 0o640,
    },
    want: {
      files: [
        { path: 'conf/b', content: Buffer.from('B'), mode: 0o600 },
        { path: 'a', content: Buffer.from('A'), mode: 0o640 },
      ],
    },
  },
  {
    name: 'a missing key',
    src: { items: [{ key: 'c', path: 'c' }] },
    want: { error: 'configmap "cfg" has no key "c"' },
  },
  {
    name: 'a missing key of an optional volume is left out',
    src: { items: [{ key: 'c', path: 'c' }], optional: true },
    want: { files: [] },
  },
  { name: 'a missing object', src: { entries: undefined }, want: { error: 'configmap "cfg" not found' } },
  {
    name: 'a missing optional object: an empty volume',
    src: { entries: undefined, optional: true },
    want: { files: [] },
  },
  {
    name: 'an item path leaving the volume',
    src: { items: [{ key: 'a.txt', path: '../a' }] },
    want: { error: 'configmap "cfg": item path "../a" is not a relative path inside the volume' },
  },
]

describe('volumeFiles', () => {
  it.each(cases)('$name', ({ src, want }) => {
    expect(volumeFiles({ ...base, ...src })).toEqual(want)
  })

  it("reads a ConfigMap's data as UTF-8 and its binaryData and a Secret's data from base64", () => {
    const cm = configMapEntries({ data: { t: 'é' }, binaryData: { b: Buffer.from([0, 255]).toString('base64') } })
    expect(cm.get('t')).toEqual(Buffer.from('é', 'utf8'))
    expect(cm.get('b')).toEqual(Buffer.from([0, 255]))
    expect(secretEntries({ data: { p: Buffer.from('pw').toString('base64') } }).get('p')).toEqual(Buffer.from('pw'))
  })
})
