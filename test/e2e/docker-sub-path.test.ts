/**
 * volumeMounts' subPath on the Docker runtime (docs/docker.md#volumes), through `baton apply` on
 * a daemon started with `--runtime docker`: a container reads one ConfigMap key mounted by subPath
 * at /etc/app/app.conf, which keeps the value it started with when the ConfigMap is edited (the
 * kubelet's snapshot) while a whole mount of the same ConfigMap gets the edit; two containers
 * share one directory of an emptyDir by subPath, and one has a directory of its own named by a
 * subPathExpr from its environment. A subPath that resolves through a symlink out of
 * its volume keeps the container from starting (CreateContainerConfigError), and one that climbs
 * out with `..` is refused at apply, nothing stored.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { NO_ENGINE, SKIP_REASON } from '../../src/runtime/docker/testing.ts'
import { expectOk } from './support/baton.ts'
import { useDockerBaton } from './support/docker-baton.ts'

const configMap = (mode: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app-conf' },
    data: { 'app.conf': `mode=${mode}`, 'other.conf': 'unused' },
  })

/** Prints "conf <app.conf> whole <the whole mount's app.conf> dir <what /etc/app holds>" whenever that changes (every 200 ms). */
const CONF_READER = `
const { readFileSync, readdirSync } = require('node:fs')
let last = ''
setInterval(() => {
  const now = ['conf', readFileSync('/etc/app/app.conf', 'utf8'), 'whole', readFileSync('/etc/whole/app.conf', 'utf8'),
    'dir', readdirSync('/etc/app').join(',')].join(' ')
  if (now !== last) console.log(last = now)
}, 200)
`
/** Writes into its subPath of the emptyDir, and into its own directory (subPathExpr), then stays up. */
const WRITER = `
require('node:fs').writeFileSync('/out/hello', 'from-writer')
require('node:fs').writeFileSync('/mine/id', process.env.ROLE)
setInterval(() => {}, 1000)
`
/** Prints what the writer left once it is there, then stays up. */
const READER = `
const { readFileSync, readdirSync } = require('node:fs')
const t = setInterval(() => {
  try {
    console.log('got ' + readFileSync('/in/hello', 'utf8') + ' in ' + readdirSync('/in').join(','))
    clearInterval(t)
    setInterval(() => {}, 1000)
  } catch {}
}, 200)
`

const node = (name: string, script: string, volumeMounts: unknown[]) => ({
  name,
  image: 'web:v1',
  command: ['node', '-e', script],
  volumeMounts,
})

const POD = stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'subpath' },
  spec: {
    terminationGracePeriodSeconds: 2,
    volumes: [
      { name: 'conf', configMap: { name: 'app-conf' } },
      { name: 'shared', emptyDir: {} },
    ],
    containers: [
      node('conf', CONF_READER, [
        { name: 'conf', mountPath: '/etc/app/app.conf', subPath: 'app.conf' },
        { name: 'conf', mountPath: '/etc/whole' },
      ]),
      {
        ...node('writer', WRITER, [
          { name: 'shared', mountPath: '/out', subPath: 'exchange' },
          { name: 'shared', mountPath: '/mine', subPathExpr: 'own/$(POD_NAME)/$(ROLE)' },
        ]),
        env: [{ name: 'ROLE', value: 'writer' }],
      },
      node('reader', READER, [{ name: 'shared', mountPath: '/in', subPath: 'exchange', readOnly: true }]),
    ],
  },
})

const escaping = (hostDir: string, subPath: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'escaper' },
    spec: {
      terminationGracePeriodSeconds: 2,
      volumes: [{ name: 'host', hostPath: { path: hostDir, type: 'Directory' } }],
      containers: [node('escaper', 'setInterval(() => {}, 1000)', [{ name: 'host', mountPath: '/data', subPath }])],
    },
  })

describe.skipIf(NO_ENGINE)(`volumeMounts' subPath on Docker containers${SKIP_REASON}`, () => {
  const batonOf = useDockerBaton({ expectNoneLeft: true })

  const logs = async (container: string) =>
    expectOk('baton logs', await batonOf().cli(['logs', 'subpath', '-c', container])).stdout
  const get = async (pod: string, jsonpath: string) =>
    expectOk('baton get pod', await batonOf().cli(['get', 'pod', pod, '-o', `jsonpath=${jsonpath}`])).stdout

  it("mounts a ConfigMap key as one file that keeps its value, and an emptyDir's directory shared by two containers", async () => {
    const b = batonOf()
    await b.apply(`${configMap('strict')}---\n${POD}`)
    // Only the key is at /etc/app: the other key and the ..data links stay out of the container.
    await expect
      .poll(() => logs('conf'), { timeout: 120_000 })
      .toBe('conf mode=strict whole mode=strict dir app.conf\n')
    await expect.poll(() => logs('reader'), { timeout: 60_000 }).toBe('got from-writer in hello\n')
    const uid = await get('subpath', '{.metadata.uid}')
    const exchange = join(b.dataDir, 'docker-volumes', uid, 'empty-dir', 'shared', 'exchange')
    expect(readFileSync(join(exchange, 'hello'), 'utf8')).toBe('from-writer')
    // The subPathExpr's directory, named from the writer's environment.
    const own = join(b.dataDir, 'docker-volumes', uid, 'empty-dir', 'shared', 'own', 'subpath', 'writer', 'id')
    await expect.poll(() => existsSync(own), { timeout: 30_000 }).toBe(true)
    expect(readFileSync(own, 'utf8')).toBe('writer')

    await b.apply(configMap('relaxed'))
    // The whole mount shows the edit within seconds; the subPath file is the one bound at the start.
    await expect.poll(() => logs('conf'), { timeout: 60_000 }).toMatch(/whole mode=relaxed/)
    expect(await logs('conf')).toBe(
      'conf mode=strict whole mode=strict dir app.conf\nconf mode=strict whole mode=relaxed dir app.conf\n',
    )
    expect(await get('subpath', '{.status.containerStatuses[*].restartCount}')).toBe('0 0 0')
    expectOk('delete pod', await b.cli(['delete', 'pod', 'subpath']))
  }, 300_000)

  it('keeps a container whose subPath resolves through a symlink out of the volume from starting', async () => {
    const b = batonOf()
    const hostDir = join(b.dataDir, 'subpath-host')
    mkdirSync(hostDir, { recursive: true })
    symlinkSync('/etc', join(hostDir, 'escape'))
    await b.apply(escaping(hostDir, 'escape'))
    await expect
      .poll(() => get('escaper', '{.status.containerStatuses[0].state.waiting.reason}'), { timeout: 60_000 })
      .toBe('CreateContainerConfigError')
    expect(await get('escaper', '{.status.containerStatuses[0].state.waiting.message}')).toBe(
      'failed to prepare subPath for volumeMount "host" of container "escaper": subPath "escape" resolves through a symlink to /etc, outside the volume',
    )
    expectOk('delete pod', await b.cli(['delete', 'pod', 'escaper']))
  }, 120_000)

  it("refuses a subPath with '..' at apply, naming the field, and stores nothing", async () => {
    const b = batonOf()
    const file = join(b.dataDir, 'climbing.yaml')
    writeFileSync(file, escaping('/srv', 'data/../../etc'))
    const r = await b.cli(['apply', '-f', file])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      `spec.containers[0].volumeMounts[0].subPath: Invalid value: "data/../../etc": must not contain '..'`,
    )
    expect((await b.cli(['get', 'pod', 'escaper'])).code).not.toBe(0)
  }, 60_000)
})
