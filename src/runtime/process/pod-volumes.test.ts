import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConfigMap, Container, Pod } from '../../api/types.ts'
import { T0 } from '../../../test/support/builders.ts'
import { mountsProjected, prepareVolumes } from './pod-volumes.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-pod-volumes-test-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'default', uid: 'u1' },
  spec: {
    containers: [],
    volumes: [
      { name: 'conf', configMap: { name: 'app-conf' } },
      { name: 'shared', emptyDir: {} },
    ],
  },
}
const container = (volumeMounts: Container['volumeMounts']): Container => ({ name: 'app', image: 'x', volumeMounts })
const cm: ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-conf', namespace: 'default' },
  data: { 'app.conf': 'mode=strict' },
}
const host = () => ({
  clock: { now: () => T0 },
  podDir: join(dir, 'pod'),
  containerDir: join(dir, 'pod', 'containers', 'app'),
  configMap: () => cm,
  secret: () => undefined,
})
const emptyDir = () => join(dir, 'pod', 'volumes', 'empty-dir', 'shared')

describe("prepareVolumes: a mount's subPath and subPathExpr on the process runtime", () => {
  it("binds a configMap key's file and an emptyDir directory named from the environment", () => {
    const got = prepareVolumes(
      pod,
      container([
        { name: 'conf', mountPath: '/etc/app/app.conf', subPath: 'app.conf' },
        { name: 'shared', mountPath: '/var/log/app', subPathExpr: 'logs/$(POD_NAME)' },
      ]),
      host(),
      { POD_NAME: 'web-0' },
    )
    if ('error' in got) throw new Error(got.error)
    const [conf, logs] = got.binds
    expect(conf).toMatchObject({ mountPath: '/etc/app/app.conf', readOnly: true })
    expect(readFileSync(conf?.source ?? '', 'utf8')).toBe('mode=strict')
    expect(logs).toEqual({ source: join(emptyDir(), 'logs', 'web-0'), mountPath: '/var/log/app', readOnly: false })
  })

  it.each<[string, Container['volumeMounts'], () => void, string]>([
    [
      'a symlink out of the emptyDir',
      [{ name: 'shared', mountPath: '/x', subPath: 'escape' }],
      () => {
        mkdirSync(emptyDir(), { recursive: true })
        symlinkSync('/etc', join(emptyDir(), 'escape'))
      },
      'subPath "escape" resolves through a symlink to /etc, outside the volume',
    ],
    [
      'a key the ConfigMap lacks',
      [{ name: 'conf', mountPath: '/x', subPath: 'other.conf' }],
      () => {},
      'subPath "other.conf" does not exist in the volume',
    ],
    [
      'a subPathExpr naming an unset variable',
      [{ name: 'shared', mountPath: '/x', subPathExpr: '$(NODE)' }],
      () => {},
      'subPathExpr "$(NODE)": missing value for NODE',
    ],
  ])('keeps the container from starting: %s', (_name, mounts, arrange, why) => {
    arrange()
    const mount = mounts?.[0]?.name
    expect(prepareVolumes(pod, container(mounts), host(), {})).toEqual({
      error: `failed to prepare subPath for volumeMount "${mount}" of container "app": ${why}`,
    })
  })

  it.each<[string, Container['volumeMounts'], boolean]>([
    ['a configMap mounted whole is refreshed', [{ name: 'conf', mountPath: '/etc/app' }], true],
    ['one mounted only by subPath is a snapshot', [{ name: 'conf', mountPath: '/a', subPath: 'app.conf' }], false],
    ['one mounted only by subPathExpr too', [{ name: 'conf', mountPath: '/a', subPathExpr: '$(F)' }], false],
  ])('mountsProjected: %s', (_name, mounts, want) => {
    expect(mountsProjected(pod, container(mounts))).toBe(want)
  })
})
