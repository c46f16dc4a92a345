import { describe, expect, it } from 'vitest'
import { aPod } from '../../../test/support/builders.ts'
import { isLaunchProblem, launchConfig } from './launch-config.ts'

// What launchConfig adds to the container's environment (../container-env.ts, tested there):
// argv, working directory and user.
const pod = aPod({ name: 'web-abc', namespace: 'shop' })
const mappings = [{ containerName: 'web', name: 'http', containerPort: 8080, hostPort: 20001 }]

describe('launchConfig', () => {
  const base = {
    pod,
    portMappings: mappings,
    baseEnv: {},
    configMap: () => undefined,
    secret: () => undefined,
    podDir: '/data/pods/u1',
    exists: (p: string) => p === '/data/pods/u1/containers/web/rootfs/app/run.sh',
    processUid: 1000,
  }
  const rootfs = '/data/pods/u1/containers/web/rootfs'

  it.each([
    {
      name: 'image: workingDir and absolute paths of the artifact resolve inside its copy',
      container: { name: 'web', image: 'web:v1', command: ['/app/run.sh'], workingDir: '/app' },
      rootfs,
      want: { argv: [`${rootfs}/app/run.sh`], cwd: `${rootfs}/app` },
    },
    {
      name: 'image: machine paths stay machine paths; no workingDir runs at the artifact root',
      container: { name: 'web', image: 'web:v1', command: ['/bin/sh', '-c', 'exec node server.js'] },
      rootfs,
      want: { argv: ['/bin/sh', '-c', 'exec node server.js'], cwd: rootfs },
    },
    {
      name: 'no image: workingDir as given',
      container: { name: 'web', command: ['node', 'server.js'], workingDir: '/srv/web' },
      rootfs: undefined,
      want: { argv: ['node', 'server.js'], cwd: '/srv/web' },
    },
    {
      name: 'no image, no workingDir: the pod directory',
      container: { name: 'web', command: ['node', 'server.js'] },
      rootfs: undefined,
      want: { argv: ['node', 'server.js'], cwd: '/data/pods/u1' },
    },
  ])('$name', ({ container, rootfs: r, want }) => {
    expect(launchConfig({ ...base, container, rootfs: r })).toMatchObject(want)
  })

  // securityContext: the container's fields win over the pod's, one by one.
  it.each([
    {
      name: "no securityContext: the runtime's user",
      pod: undefined,
      container: undefined,
      uid: 1000,
      want: { uid: undefined, gid: undefined },
    },
    {
      name: "the pod's runAsUser and the container's runAsGroup",
      pod: { runAsUser: 2000, runAsGroup: 1 },
      container: { runAsGroup: 3000 },
      uid: 1000,
      want: { uid: 2000, gid: 3000 },
    },
    {
      name: 'runAsNonRoot with a non-root runtime',
      pod: { runAsNonRoot: true },
      container: undefined,
      uid: 1000,
      want: { uid: undefined },
    },
    {
      name: 'runAsNonRoot and runAsUser as root',
      pod: { runAsNonRoot: true },
      container: { runAsUser: 0 },
      uid: 1000,
      want: { reason: 'CreateContainerConfigError', message: 'container has runAsNonRoot and image will run as root' },
    },
    {
      name: 'runAsNonRoot with a root runtime',
      pod: undefined,
      container: { runAsNonRoot: true },
      uid: 0,
      want: { reason: 'CreateContainerConfigError' },
    },
    {
      name: 'runAsNonRoot with runAsUser under a root runtime',
      pod: { runAsUser: 65534 },
      container: { runAsNonRoot: true },
      uid: 0,
      want: { uid: 65534 },
    },
  ])('runs as: $name', ({ pod: podContext, container: containerContext, uid, want }) => {
    const p = { ...pod, spec: { ...pod.spec, ...(podContext ? { securityContext: podContext } : {}) } }
    const container = {
      name: 'web',
      command: ['node'],
      ...(containerContext ? { securityContext: containerContext } : {}),
    }
    const c = launchConfig({ ...base, pod: p, container, rootfs: undefined, processUid: uid })
    if ('reason' in want) {
      expect(c).toMatchObject(want)
      return
    }
    expect(isLaunchProblem(c)).toBe(false)
    const { uid: gotUid, gid: gotGid } = c as { uid?: number; gid?: number }
    expect(gotUid).toBe(want.uid)
    if ('gid' in want) expect(gotGid).toBe(want.gid)
  })

  it('refuses a container without a command', () => {
    const c = launchConfig({ ...base, container: { name: 'web', image: 'web:v1' }, rootfs })
    expect(isLaunchProblem(c) && c).toEqual({
      reason: 'CreateContainerError',
      message:
        'container "web" has no command: set command (and args), or push its artifact with a default command (baton push NAME:TAG DIR --cmd COMMAND)',
    })
  })

  it.each([
    { name: 'neither command nor args: the default command', container: {}, argv: ['node', 'server.js'] },
    { name: 'a command wins', container: { command: ['sh', 'run.sh'] }, argv: ['sh', 'run.sh'] },
    { name: 'args alone win, as on an image without entrypoint', container: { args: ['sh'] }, argv: ['sh'] },
  ])("uses the artifact's default command like an image's CMD: $name", ({ container, argv }) => {
    const c = launchConfig({
      ...base,
      container: { name: 'web', image: 'web:v1', ...container },
      rootfs,
      defaultCommand: ['node', 'server.js'],
    })
    expect(isLaunchProblem(c) ? c : c.argv).toEqual(argv)
  })
})
