import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConfigMap, Container, Pod, Secret } from '../../api/types.ts'
import { T0 } from '../../../test/support/builders.ts'
import type { Engine } from './engine.ts'
import { checkHostPath, mountsKeysVolume, prepareMounts, refreshKeysVolumes } from './volumes.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-volumes-test-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe("checkHostPath: the kubelet's type check", () => {
  it.each<[string, string | undefined, (d: string) => void, string | undefined]>([
    ['a directory, no type', undefined, (d) => mkdirSync(join(d, 'p')), undefined],
    ['missing, no type', undefined, () => {}, 'does not exist (give type DirectoryOrCreate'],
    ['a file asked as Directory', 'Directory', (d) => writeFileSync(join(d, 'p'), ''), 'is not a directory'],
    ['missing Directory', 'Directory', () => {}, 'hostPath type check failed: '],
    ['missing DirectoryOrCreate: created', 'DirectoryOrCreate', () => {}, undefined],
    ['missing FileOrCreate: created', 'FileOrCreate', () => {}, undefined],
    ['a directory asked as File', 'File', (d) => mkdirSync(join(d, 'p')), 'is not a file'],
    ['a file asked as Socket', 'Socket', (d) => writeFileSync(join(d, 'p'), ''), 'is not a socket'],
  ])('%s', (_name, type, arrange, problem) => {
    arrange(dir)
    const got = checkHostPath({ path: join(dir, 'p'), ...(type ? { type } : {}) })
    if (problem === undefined) expect(got).toBeUndefined()
    else expect(got).toContain(problem)
  })

  it('creates what the …OrCreate types ask for', () => {
    checkHostPath({ path: join(dir, 'a', 'b'), type: 'DirectoryOrCreate' })
    checkHostPath({ path: join(dir, 'c', 'f'), type: 'FileOrCreate' })
    expect(statSync(join(dir, 'a', 'b')).isDirectory()).toBe(true)
    expect(statSync(join(dir, 'c', 'f')).isFile()).toBe(true)
  })
})

describe('prepareMounts: configMap and emptyDir on disk (no engine call)', () => {
  const noEngine = {} as Engine
  const pod = (volumes: NonNullable<Pod['spec']['volumes']>): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { containers: [], volumes },
  })
  const container = (mounts: Container['volumeMounts']): Container => ({ name: 'c', image: 'x', volumeMounts: mounts })
  const cm: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'conf', namespace: 'default' },
    data: { a: 'alpha', b: 'beta' },
    binaryData: { bin: Buffer.from([0, 1, 2]).toString('base64') },
  }
  const host = (found?: ConfigMap, secret?: Secret) => ({
    engine: noEngine,
    owner: 'o',
    clock: { now: () => T0 },
    volumesDir: dir,
    configMap: () => found,
    secret: () => secret,
  })

  it('writes every key, or the items asked for at their paths with their modes, read-only', async () => {
    const all = await prepareMounts(
      host(cm),
      pod([{ name: 'v', configMap: { name: 'conf' } }]),
      container([{ name: 'v', mountPath: '/etc/v' }]),
    )
    const root = join(dir, 'u1', 'configmap', 'v')
    expect(all).toEqual([{ Type: 'bind', Source: root, Target: '/etc/v', ReadOnly: true }])
    expect(readFileSync(join(root, 'a'), 'utf8')).toBe('alpha')
    expect([...readFileSync(join(root, 'bin'))]).toEqual([0, 1, 2])
    await prepareMounts(
      host(cm),
      pod([{ name: 'v', configMap: { name: 'conf', items: [{ key: 'b', path: 'sub/b.txt', mode: 0o600 }] } }]),
      container([{ name: 'v', mountPath: '/etc/v' }]),
    )
    expect(readFileSync(join(root, 'sub', 'b.txt'), 'utf8')).toBe('beta')
    expect(statSync(join(root, 'sub', 'b.txt')).mode & 0o777).toBe(0o600)
    expect(() => statSync(join(root, 'a'))).toThrow() // written afresh: only the items
  })

  it.each<[string, ConfigMap | undefined, Record<string, unknown>, string]>([
    ['a missing ConfigMap', undefined, { name: 'conf' }, 'configmap "conf" not found'],
    ['a missing key', cm, { name: 'conf', items: [{ key: 'z', path: 'z' }] }, 'configmap "conf" has no key "z"'],
    [
      'an item path that leaves the volume',
      cm,
      { name: 'conf', items: [{ key: 'a', path: '../../x' }] },
      'item path "../../x" is not a relative path inside the volume',
    ],
  ])('refuses %s (FailedMount)', async (_name, found, source, message) => {
    const r = await prepareMounts(
      host(found),
      pod([{ name: 'v', configMap: source }]),
      container([{ name: 'v', mountPath: '/v' }]),
    )
    expect(r).toEqual({ error: expect.stringContaining(message) })
    expect((r as { error: string }).error).toMatch(/^MountVolume.SetUp failed for volume "v" : /)
  })

  it("writes a Secret's decoded values, read-only, and refuses a missing one", async () => {
    const secret: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'default' },
      data: { password: Buffer.from('s3cret').toString('base64') },
    }
    const r = await prepareMounts(
      host(undefined, secret),
      pod([{ name: 's', secret: { secretName: 'creds', defaultMode: 0o400 } }]),
      container([{ name: 's', mountPath: '/run/creds' }]),
    )
    const root = join(dir, 'u1', 'secret', 's')
    expect(r).toEqual([{ Type: 'bind', Source: root, Target: '/run/creds', ReadOnly: true }])
    expect(readFileSync(join(root, 'password'), 'utf8')).toBe('s3cret')
    expect(statSync(join(root, 'password')).mode & 0o777).toBe(0o400)
    const missing = await prepareMounts(
      host(),
      pod([{ name: 's', secret: { secretName: 'creds' } }]),
      container([{ name: 's', mountPath: '/run/creds' }]),
    )
    expect(missing).toEqual({ error: 'MountVolume.SetUp failed for volume "s" : secret "creds" not found' })
  })

  it('mounts nothing from an optional ConfigMap that is missing, and an emptyDir as a 0777 directory of the pod', async () => {
    const r = await prepareMounts(
      host(undefined),
      pod([
        { name: 'v', configMap: { name: 'conf', optional: true } },
        { name: 'e', emptyDir: {} },
      ]),
      container([
        { name: 'v', mountPath: '/v' },
        { name: 'e', mountPath: '/e', readOnly: true },
      ]),
    )
    expect(r).toEqual([
      { Type: 'bind', Source: join(dir, 'u1', 'configmap', 'v'), Target: '/v', ReadOnly: true },
      { Type: 'bind', Source: join(dir, 'u1', 'empty-dir', 'e'), Target: '/e', ReadOnly: true },
    ])
    expect(statSync(join(dir, 'u1', 'empty-dir', 'e')).mode & 0o777).toBe(0o777)
  })

  it('refreshes a mounted volume when its object changes: relative symlinks through ..data, switched in place', async () => {
    const p = pod([{ name: 'v', configMap: { name: 'conf' } }])
    const c = container([{ name: 'v', mountPath: '/etc/v' }])
    const root = join(dir, 'u1', 'configmap', 'v')
    expect(refreshKeysVolumes(host(cm), p, c)).toEqual([]) // not written at a start yet: nothing to refresh
    await prepareMounts(host(cm), p, c)
    // Relative, so the same links resolve inside the container, where the directory has another path.
    expect(readlinkSync(join(root, 'a'))).toBe('..data/a')
    expect(readlinkSync(join(root, '..data'))).toMatch(/^\.\.2026_01_01_00_00_00\./)
    const cases: Array<[string, ConfigMap | undefined, ReturnType<typeof refreshKeysVolumes>, string]> = [
      ['unchanged', cm, [], 'alpha'],
      ['edited', { ...cm, data: { a: 'ALPHA', b: 'beta' } }, [{ volume: 'v', updated: true }], 'ALPHA'],
      ['deleted: the files stay', undefined, [{ volume: 'v', error: 'configmap "conf" not found' }], 'ALPHA'],
    ]
    for (const [name, found, outcome, a] of cases) {
      expect(refreshKeysVolumes(host(found), p, c), name).toEqual(outcome)
      expect(readFileSync(join(root, 'a'), 'utf8'), name).toBe(a)
    }
  })

  it.each<[string, Container['volumeMounts'], boolean]>([
    ['a configMap volume', [{ name: 'v', mountPath: '/v' }], true],
    ['a configMap key by subPath only: a snapshot', [{ name: 'v', mountPath: '/v/a', subPath: 'a' }], false],
    ['an emptyDir only', [{ name: 'e', mountPath: '/e' }], false],
    ['no mounts', undefined, false],
  ])('mountsKeysVolume: %s', (_name, mounts, want) => {
    const p = pod([
      { name: 'v', configMap: { name: 'conf' } },
      { name: 'e', emptyDir: {} },
    ])
    expect(mountsKeysVolume(p, container(mounts))).toBe(want)
  })

  it("binds a configMap key's file of this version by subPath, read-only, and an emptyDir's subPath made 0777", async () => {
    const r = await prepareMounts(
      host(cm),
      pod([
        { name: 'v', configMap: { name: 'conf' } },
        { name: 'e', emptyDir: {} },
      ]),
      container([
        { name: 'v', mountPath: '/etc/app/app.conf', subPath: 'a' },
        { name: 'e', mountPath: '/var/log/web', subPath: 'logs/web' },
      ]),
    )
    const root = join(dir, 'u1', 'configmap', 'v')
    const version = readlinkSync(join(root, '..data'))
    expect(r).toEqual([
      { Type: 'bind', Source: join(root, version, 'a'), Target: '/etc/app/app.conf', ReadOnly: true },
      {
        Type: 'bind',
        Source: join(dir, 'u1', 'empty-dir', 'e', 'logs', 'web'),
        Target: '/var/log/web',
        ReadOnly: false,
      },
    ])
    expect(statSync(join(dir, 'u1', 'empty-dir', 'e', 'logs', 'web')).mode & 0o777).toBe(0o777)
  })

  it.each<[string, () => void, string, string]>([
    ['a missing key', () => {}, 'z', 'subPath "z" does not exist in the volume'],
    [
      'a symlink out of the emptyDir (as a container could leave it)',
      () => {
        mkdirSync(join(dir, 'u1', 'empty-dir', 'e'), { recursive: true })
        symlinkSync('/etc', join(dir, 'u1', 'empty-dir', 'e', 'escape'))
      },
      'escape',
      'subPath "escape" resolves through a symlink to /etc, outside the volume',
    ],
  ])('refuses a subPath: %s (CreateContainerConfigError)', async (_name, arrange, subPath, message) => {
    arrange()
    const volume = subPath === 'z' ? 'v' : 'e'
    const r = await prepareMounts(
      host(cm),
      pod([
        { name: 'v', configMap: { name: 'conf' } },
        { name: 'e', emptyDir: {} },
      ]),
      container([{ name: volume, mountPath: '/x', subPath }]),
    )
    expect(r).toEqual({
      error: `failed to prepare subPath for volumeMount "${volume}" of container "c": ${message}`,
    })
  })

  it("binds a subPathExpr's expansion, and refuses one whose variable is not set", async () => {
    const p = pod([{ name: 'e', emptyDir: {} }])
    const c = container([{ name: 'e', mountPath: '/var/log/pod', subPathExpr: 'pods/$(POD_NAME)' }])
    const r = await prepareMounts(host(cm), p, c, { POD_NAME: 'web-0' })
    expect(r).toEqual([
      {
        Type: 'bind',
        Source: join(dir, 'u1', 'empty-dir', 'e', 'pods', 'web-0'),
        Target: '/var/log/pod',
        ReadOnly: false,
      },
    ])
    expect(await prepareMounts(host(cm), p, c, {})).toEqual({
      error:
        'failed to prepare subPath for volumeMount "e" of container "c": subPathExpr "pods/$(POD_NAME)": missing value for POD_NAME',
    })
  })
})
