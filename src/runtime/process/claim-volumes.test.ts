import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { PersistentVolumeClaim, Pod } from '../../api/types.ts'
import { claimDir, claimMounts, mountClaim, volumeEnvName } from './claim-volumes.ts'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-claims-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const claim = (uid: string): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-web-0', namespace: 'default', uid },
  spec: {},
})

describe('claim volumes of the process runtime', () => {
  it('finds the container mounts of claim volumes only', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0' },
      spec: {
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
          { name: 'x', emptyDir: {} },
        ],
        containers: [
          {
            name: 'app',
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'x', mountPath: '/x' },
            ],
          },
        ],
      },
    }
    expect(claimMounts(pod, pod.spec.containers[0]!)).toEqual([
      { volume: 'data', claimName: 'data-web-0', mountPath: '/data' },
    ])
    expect(volumeEnvName('my-data')).toBe('BATON_VOLUME_MY_DATA')
  })

  it('links the directory at mountPath inside the rootfs; a second pod of the ordinal sees the same data', () => {
    const dataDir = tmp()
    const dir = claimDir(dataDir, claim('u1'))
    const first = join(tmp(), 'rootfs')
    mkdirSync(join(first, 'data'), { recursive: true }) // an empty directory in the image is replaced
    expect(mountClaim(first, '/data', dir)).toEqual({ dir })
    writeFileSync(join(first, 'data', 'kept.txt'), 'v1 wrote this')
    const second = join(tmp(), 'rootfs')
    expect(mountClaim(second, 'data', dir)).toEqual({ dir })
    expect(readFileSync(join(second, 'data', 'kept.txt'), 'utf8')).toBe('v1 wrote this')
    expect(realpathSync(join(second, 'data'))).toBe(realpathSync(dir))
    // Mounting again (a restart, an adopted pod) is a no-op.
    expect(mountClaim(second, '/data', dir)).toEqual({ dir })
  })

  it('a claim created again under the same name gets a new, empty directory', () => {
    const dataDir = tmp()
    expect(claimDir(dataDir, claim('u1'))).not.toBe(claimDir(dataDir, claim('u2')))
  })

  it.each([
    [
      'a file the image holds at mountPath',
      (root: string) => writeFileSync(join(root, 'data'), 'x'),
      'already exists in the image',
    ],
    ['a path outside the container', () => undefined, 'not a path inside the container'],
  ])('refuses %s', (name, prepare, says) => {
    const root = join(tmp(), 'rootfs')
    mkdirSync(root, { recursive: true })
    prepare(root)
    const r = mountClaim(root, name.includes('outside') ? 'a/../../etc' : '/data', join(tmp(), 'v'))
    expect('error' in r && r.error).toContain(says)
  })
})
