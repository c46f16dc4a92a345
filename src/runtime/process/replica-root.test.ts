import { describe, expect, it } from 'vitest'
import { mountArgs, mountPointsOf, replicaMounts, type ReplicaRootInput } from './replica-root.ts'

const C = '/var/lib/baton/pods/u/containers/web'
const base: ReplicaRootInput = {
  rootDir: `${C}/root`,
  tmpDir: `${C}/tmp`,
  keepUnderTmp: [],
  dataDir: '/var/lib/baton',
  mountPoints: ['/', '/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/tmp'],
  volumes: [],
}
const M = `${C}/root/merged`
const OVERLAY = { op: 'overlay', options: `lowerdir=/,upperdir=${C}/root/upper,workdir=${C}/root/work`, target: M }

const cases: { name: string; input: Partial<ReplicaRootInput>; ops: unknown[] }[] = [
  {
    name: "a scratch root: the overlay, the host's other mount points (outermost, /tmp left out), the data directory, then /tmp",
    input: {},
    ops: [
      OVERLAY,
      { op: 'rbind', source: '/proc', target: `${M}/proc` },
      { op: 'rbind', source: '/dev', target: `${M}/dev` },
      { op: 'rbind', source: '/sys', target: `${M}/sys` },
      { op: 'rbind', source: '/var/lib/baton', target: `${M}/var/lib/baton` },
      { op: 'detach', target: `${M}${M}` },
      { op: 'rbind', source: `${C}/tmp`, target: `${M}/tmp` },
    ],
  },
  {
    name: 'a data directory on a mount point of its own is bound with it',
    input: { mountPoints: ['/', '/var/lib'] },
    ops: [
      OVERLAY,
      { op: 'rbind', source: '/var/lib', target: `${M}/var/lib` },
      { op: 'detach', target: `${M}${M}` },
      { op: 'rbind', source: `${C}/tmp`, target: `${M}/tmp` },
    ],
  },
  {
    name: 'a data directory under /tmp is kept through the private /tmp, bound before the overlay',
    input: {
      rootDir: '/tmp/d/pods/u/containers/web/root',
      tmpDir: '/tmp/d/pods/u/containers/web/tmp',
      dataDir: '/tmp/d',
      keepUnderTmp: ['/tmp/d'],
      mountPoints: ['/'],
    },
    ops: [
      { op: 'rbind', source: '/tmp/d', target: '/tmp/d/pods/u/containers/web/tmp/d' },
      {
        op: 'overlay',
        options:
          'lowerdir=/,upperdir=/tmp/d/pods/u/containers/web/root/upper,workdir=/tmp/d/pods/u/containers/web/root/work',
        target: '/tmp/d/pods/u/containers/web/root/merged',
      },
      {
        op: 'rbind',
        source: '/tmp/d/pods/u/containers/web/tmp',
        target: '/tmp/d/pods/u/containers/web/root/merged/tmp',
      },
    ],
  },
  {
    name: 'volumes last, at their mountPaths inside the root, read-only ones remounted',
    input: {
      mountPoints: ['/'],
      volumes: [
        { source: '/srv/data', mountPath: '/data', readOnly: false },
        { source: `${C}/volumes/cfg`, mountPath: '/etc/app', readOnly: true },
      ],
    },
    ops: [
      OVERLAY,
      { op: 'rbind', source: '/var/lib/baton', target: `${M}/var/lib/baton` },
      { op: 'detach', target: `${M}${M}` },
      { op: 'rbind', source: `${C}/tmp`, target: `${M}/tmp` },
      { op: 'rbind', source: '/srv/data', target: `${M}/data` },
      { op: 'rbind-ro', source: `${C}/volumes/cfg`, target: `${M}/etc/app` },
    ],
  },
  {
    name: 'the shared artifact copy bound read-only onto itself after /tmp, before the volumes',
    input: {
      mountPoints: ['/'],
      readOnly: ['/var/lib/baton/images/ab12'],
      volumes: [{ source: '/srv/data', mountPath: '/data', readOnly: false }],
    },
    ops: [
      OVERLAY,
      { op: 'rbind', source: '/var/lib/baton', target: `${M}/var/lib/baton` },
      { op: 'detach', target: `${M}${M}` },
      { op: 'rbind', source: `${C}/tmp`, target: `${M}/tmp` },
      { op: 'rbind-ro', source: '/var/lib/baton/images/ab12', target: `${M}/var/lib/baton/images/ab12` },
      { op: 'rbind', source: '/srv/data', target: `${M}/data` },
    ],
  },
  {
    name: "no scratch root (overlayfs refused): a private /tmp on the host's tree",
    input: { rootDir: undefined, keepUnderTmp: ['/tmp/co/.node'] },
    ops: [
      { op: 'rbind', source: '/tmp/co/.node', target: `${C}/tmp/co/.node` },
      { op: 'rbind', source: `${C}/tmp`, target: '/tmp' },
    ],
  },
]

describe('replicaMounts', () => {
  it.each(cases)('$name', ({ input, ops }) => {
    expect(replicaMounts({ ...base, ...input })).toEqual(ops)
  })

  it('escapes commas in the overlay options', () => {
    const [overlay] = replicaMounts({ ...base, rootDir: '/d,x/root', mountPoints: ['/'] })
    expect(overlay).toMatchObject({ options: 'lowerdir=/,upperdir=/d\\,x/root/upper,workdir=/d\\,x/root/work' })
  })

  it('hands the script three arguments per operation', () => {
    expect(mountArgs([OVERLAY as never, { op: 'detach', target: '/x' }])).toEqual([
      'overlay',
      OVERLAY.options,
      M,
      'detach',
      '',
      '/x',
    ])
  })
})

describe('mountPointsOf', () => {
  it('reads the fifth field of each mountinfo line, octal escapes decoded', () => {
    const info = [
      '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '23 22 0:5 / /proc rw - proc proc rw',
      '40 22 0:40 / /mnt/with\\040space rw - tmpfs tmpfs rw',
      '',
    ].join('\n')
    expect(mountPointsOf(info)).toEqual(['/', '/proc', '/mnt/with space'])
  })
})
