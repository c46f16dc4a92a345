/**
 * ConfigMap and Secret volumes are kept up to date in running pods, as the kubelet keeps them
 * (docs/isolation.md#volumes): a bare Pod of the process runtime prints what its volume files
 * hold whenever that changes; the ConfigMap and the Secret are edited, and the same process,
 * never restarted, prints the new values, while its subPath mount keeps the value it started
 * with. Volumes need a root daemon with overlayfs; elsewhere the file is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolationOf } from '../../src/runtime/process/mount-namespace.ts'
import { type Baton, expectOk, startBaton } from './support/baton.ts'

let baton: Baton
let mounts = false

beforeAll(async () => {
  baton = await startBaton({})
  mounts = process.getuid?.() === 0 && isolationOf(baton.dataDir) === 'root'
}, 60_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

/** Prints "seen <config> <secret> <pinned>" each time the three files read differently (every 200 ms). */
const READER = `
const { readFileSync } = require('node:fs')
let last = ''
setInterval(() => {
  let now
  try {
    now = ['/etc/cfg/value', '/etc/sec/token', '/etc/pinned'].map((p) => readFileSync(p, 'utf8')).join(' ')
  } catch (err) {
    now = 'error ' + err.code
  }
  if (now !== last) console.log('seen ' + (last = now))
}, 200)
`

const configMap = (value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'live-config' },
  data: { value },
})
const secret = (token: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'live-secret' },
  stringData: { token },
})

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'reader' },
  spec: {
    containers: [
      {
        name: 'reader',
        image: 'web:v1',
        command: ['node', '-e', READER],
        volumeMounts: [
          { name: 'cfg', mountPath: '/etc/cfg' },
          { name: 'sec', mountPath: '/etc/sec' },
          { name: 'cfg', mountPath: '/etc/pinned', subPath: 'value' },
        ],
      },
    ],
    volumes: [
      { name: 'cfg', configMap: { name: 'live-config' } },
      { name: 'sec', secret: { secretName: 'live-secret' } },
    ],
  },
}

const logs = async () => expectOk('baton logs reader', await baton.cli(['logs', 'reader'])).stdout
const get = async (jsonpath: string) =>
  expectOk('baton get pod', await baton.cli(['get', 'pod', 'reader', '-o', `jsonpath=${jsonpath}`])).stdout

describe('configMap and secret volumes in a running pod', () => {
  it('get the edited data without a restart; a subPath mount keeps what it started with', async (ctx) => {
    ctx.skip(!mounts, 'volumes need a root daemon with overlayfs (docs/isolation.md)')
    // A retry (P16) finds its failed attempt's pod, whose log holds the values it saw: gone first.
    expectOk('baton delete pod', await baton.cli(['delete', 'pod', 'reader', '--ignore-not-found']))
    await expect.poll(async () => (await baton.cli(['get', 'pod', 'reader'])).code, { timeout: 60_000 }).not.toBe(0)
    await baton.apply(JSON.stringify(configMap('one')))
    await baton.apply(JSON.stringify(secret('tok-1')))
    await baton.apply(JSON.stringify(POD))
    await expect.poll(logs, { timeout: 60_000 }).toBe('seen one tok-1 one\n')
    const startedAt = await get('{.status.containerStatuses[0].state.running.startedAt}')

    await baton.apply(JSON.stringify(configMap('two')))
    await baton.apply(JSON.stringify(secret('tok-2')))
    // Each file switches whole (never "error" or an empty value in between), within a few seconds.
    await expect.poll(logs, { timeout: 30_000 }).toMatch(/seen two tok-2 one\n$/)
    expect(
      (await logs())
        .trim()
        .split('\n')
        .every((line) => /^seen (one|two) tok-[12] one$/.test(line)),
    ).toBe(true)
    expect(await get('{.status.containerStatuses[0].restartCount}')).toBe('0')
    expect(await get('{.status.containerStatuses[0].state.running.startedAt}')).toBe(startedAt)
    expectOk('baton delete pod', await baton.cli(['delete', 'pod', 'reader']))
  }, 150_000)
})
