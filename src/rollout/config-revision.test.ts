import { describe, expect, it } from 'vitest'
import type { ConfigSnapshot } from '../api/config-snapshot.ts'
import { configDiff, formatConfigSection, snapshotHash, snapshotName } from './config-revision.ts'

const blue: ConfigSnapshot = {
  'configmap/web': { data: { version: 'blue', color: '#00f' } },
  'secret/db': { data: { password: btoa('hunter2') } },
}

describe('snapshotHash', () => {
  it('ignores key order and tells a missing object from an empty one', () => {
    const reordered: ConfigSnapshot = {
      'secret/db': { data: { password: btoa('hunter2') } },
      'configmap/web': { data: { color: '#00f', version: 'blue' } },
    }
    expect(snapshotHash(reordered)).toBe(snapshotHash(blue))
    expect(snapshotHash({ 'configmap/a': null })).not.toBe(snapshotHash({ 'configmap/a': { data: {} } }))
    expect(snapshotHash({ 'configmap/a': { data: { k: 'v' } } })).not.toBe(
      snapshotHash({ 'configmap/a': { data: { k: 'w' } } }),
    )
  })

  it('names the snapshot after the Deployment, in the template hash alphabet', () => {
    expect(snapshotName('web', snapshotHash(blue))).toMatch(/^web-config-[bcdfghjklmnpqrstvwxz2456789]+$/)
  })
})

describe('configDiff: ConfigMap values shown, Secret values masked', () => {
  const cases: Array<{ name: string; before: ConfigSnapshot | undefined; after: ConfigSnapshot; lines: string[] }> = [
    { name: 'nothing changed', before: blue, after: structuredClone(blue), lines: [] },
    {
      name: 'a ConfigMap value changed',
      before: blue,
      after: { ...blue, 'configmap/web': { data: { version: 'green', color: '#00f' } } },
      lines: ['  configmap/web:', '    - version: "blue"', '    + version: "green"'],
    },
    {
      name: 'a Secret value changed, added and removed: never printed',
      before: { 'secret/db': { data: { password: btoa('hunter2'), old: btoa('x') } } },
      after: { 'secret/db': { data: { password: btoa('swordfish'), user: btoa('admin') } } },
      lines: ['  secret/db:', '    - old: <masked>', '    ~ password: <masked> (changed)', '    + user: <masked>'],
    },
    {
      name: 'an object created, and one that opted out',
      before: { 'configmap/web': null, 'configmap/flags': { data: { a: '1' } } },
      after: { 'configmap/web': { data: { version: 'blue' } } },
      lines: [
        '  configmap/flags:',
        '    - no longer in the snapshot (read live)',
        '    - a: "1"',
        '  configmap/web:',
        '    + created',
        '    + version: "blue"',
      ],
    },
  ]
  for (const c of cases) it(c.name, () => expect(configDiff(c.before, c.after)).toEqual(c.lines))
})

describe('formatConfigSection: rollout history --revision=N', () => {
  const refs = [
    { kind: 'configmap', name: 'web' },
    { kind: 'secret', name: 'db' },
  ] as const
  const green: ConfigSnapshot = { ...blue, 'configmap/web': { data: { version: 'green', color: '#00f' } } }

  it('prints the revision config, Secret values masked, and the diff against the previous revision', () => {
    const text = formatConfigSection(
      { refs, snapshotName: 'web-config-g', snapshot: green },
      { revision: 1, config: { refs, snapshotName: 'web-config-b', snapshot: blue } },
    )
    expect(text).toBe(
      [
        'Config:  snapshot web-config-g',
        '  configmap/web:',
        '    color: "#00f"',
        '    version: "green"',
        '  secret/db:',
        '    password: <masked>',
        'Config changes since revision 1:',
        '  configmap/web:',
        '    - version: "blue"',
        '    + version: "green"',
        '',
      ].join('\n'),
    )
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain(btoa('hunter2'))
  })

  it('diffs against nothing when the previous revision read no config, and says when it cannot compare', () => {
    const current = { refs, snapshotName: 'web-config-b', snapshot: blue }
    expect(formatConfigSection(current, { revision: 1, config: { refs: [] } })).toContain(
      'Config changes since revision 1:\n  configmap/web:\n    + now in the snapshot\n    + color: "#00f"',
    )
    expect(formatConfigSection(current, { revision: 1, config: { refs } })).toContain(
      'Config changes since revision 1: unknown (revision 1 has no snapshot)',
    )
  })

  it('says so when config revisions are off, the snapshot is gone, or the template reads no config', () => {
    expect(formatConfigSection({ refs })).toBe('Config:  read live (no snapshot: config revisions are off)\n')
    expect(formatConfigSection({ refs, snapshotName: 'web-config-x' })).toBe(
      'Config:  snapshot web-config-x (not found)\n',
    )
    expect(formatConfigSection({ refs: [] })).toBe('')
  })
})
