/**
 * A headless Service with real processes (issue 15): a StatefulSet `peers` of the stateful
 * example's store behind `clusterIP: None` gets no load-balanced listener, per-pod Endpoints
 * with each member's hostname, and a peers file through which peers-0 reaches peers-1 by its
 * stable name `peers-1.peers`, again after peers-1 is replaced (a new process, whose port the
 * file follows).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import type { Endpoints, Pod } from '../../src/api/types.ts'
import { type Baton, expectOk, REPO_ROOT, startBaton } from './support/baton.ts'
import { portFree } from './support/ports.ts'

let baton: Baton

beforeAll(async () => {
  baton = await startBaton({ images: { 'kv:v1': join(REPO_ROOT, 'examples', 'stateful', 'v1') } })
}, 60_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

function manifest(servicePort: number): string {
  const set = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'peers' },
    spec: {
      serviceName: 'peers',
      replicas: 3,
      selector: { matchLabels: { app: 'peers' } },
      template: {
        metadata: { labels: { app: 'peers' } },
        spec: {
          containers: [
            {
              name: 'kv',
              image: 'kv:v1',
              command: ['node', 'server.js'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  }
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'peers' },
    spec: {
      clusterIP: 'None',
      selector: { app: 'peers' },
      ports: [{ name: 'http', port: servicePort, targetPort: 'http' }],
    },
  }
  return `${stringify(set)}---\n${stringify(service)}`
}

async function endpoints(): Promise<Endpoints> {
  const r = expectOk('get endpoints', await baton.cli(['get', 'endpoints', 'peers', '-o', 'json']))
  return JSON.parse(r.stdout) as Endpoints
}

/** hostname -> loopback port of each ready member, from the Endpoints. */
async function readyPorts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const s of (await endpoints()).subsets ?? [])
    for (const a of s.addresses ?? []) if (a.hostname && s.ports?.[0]) out[a.hostname] = s.ports[0].port
  return out
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) })
  return { status: r.status, body: await r.text() }
}

describe('headless Service', () => {
  it('publishes each member by stable name, and peers-0 reaches peers-1 as peers-1.peers', async () => {
    // The harness's service port: free now, and a headless Service must leave it so.
    const servicePort = baton.servicePort
    await baton.apply(manifest(servicePort))
    expectOk(
      'rollout status',
      await baton.cli(['rollout', 'status', 'statefulset/peers', '--timeout', '120s'], { timeoutMs: 150_000 }),
    )
    await expect.poll(readyPorts, { timeout: 30_000 }).toHaveProperty('peers-2')
    const ports = await readyPorts()
    expect(Object.keys(ports).sort()).toEqual(['peers-0', 'peers-1', 'peers-2'])

    // Per-pod addresses in `get endpoints`, and no load-balanced listener on the Service's port.
    const table = expectOk('get endpoints', await baton.cli(['get', 'endpoints', 'peers']))
    for (const p of Object.values(ports)) expect(table.stdout).toContain(`127.0.0.1:${p}`)
    expect(await portFree(servicePort)).toBe(true)
    const svc = expectOk('get svc', await baton.cli(['get', 'svc', 'peers', '-o', 'json']))
    expect(JSON.parse(svc.stdout).status?.conditions ?? []).toEqual([])

    const peers0 = ports['peers-0'] as number
    await expect
      .poll(async () => (await get(peers0, '/peers')).body, { timeout: 30_000 })
      .toBe(['peers-0', 'peers-1', 'peers-2'].map((h) => `${h}.peers 127.0.0.1:${ports[h]}\n`).join(''))
    expect(await get(peers0, '/peer?name=peers-1.peers')).toEqual({ status: 200, body: 'v1 peers-1 0\n' })

    // peers-1 replaced: a new process on a new port; the same name reaches it.
    const before = expectOk('get pod', await baton.cli(['get', 'pod', 'peers-1', '-o', 'json']))
    const oldUid = (JSON.parse(before.stdout) as Pod).metadata.uid
    expectOk('delete pod', await baton.cli(['delete', 'pod', 'peers-1']))
    await expect
      .poll(
        async () => {
          const r = await baton.cli(['get', 'pod', 'peers-1', '-o', 'json'])
          return r.code === 0 && (JSON.parse(r.stdout) as Pod).metadata.uid !== oldUid
        },
        { timeout: 60_000 },
      )
      .toBe(true)
    await expect.poll(async () => (await readyPorts())['peers-1'], { timeout: 60_000 }).toBeDefined()
    await expect
      .poll(async () => await get(peers0, '/peer?name=peers-1.peers'), { timeout: 30_000, interval: 500 })
      .toEqual({ status: 200, body: 'v1 peers-1 0\n' })
    const after = await readyPorts()
    expect((await get(peers0, '/peers')).body).toContain(`peers-1.peers 127.0.0.1:${after['peers-1']}\n`)
  }, 240_000)
})
