import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { cliClient } from './client.ts'
import { threeWayMerge } from './commands/three-way-merge.ts'
import { resolveConnection } from './config.ts'
import { renderRolloutProgress } from './printers/rollout-progress.ts'
import { aDeployment, aPod, deploymentAsServed, podAsServed } from '../../test/support/builders.ts'

describe('threeWayMerge', () => {
  it.each([
    { name: 'keeps a live field no manifest set', live: { replicas: 5 }, last: {}, desired: {}, want: { replicas: 5 } },
    {
      name: 'the new manifest wins',
      live: { replicas: 5 },
      last: { replicas: 3 },
      desired: { replicas: 2 },
      want: { replicas: 2 },
    },
    {
      name: 'removes a field the user dropped',
      live: { paused: true, a: 1 },
      last: { paused: true },
      desired: {},
      want: { a: 1 },
    },
    {
      name: 'merges nested objects',
      live: { s: { a: 1, b: 2 } },
      last: { s: { a: 1 } },
      desired: { s: { a: 9 } },
      want: { s: { a: 9, b: 2 } },
    },
    { name: 'replaces lists', live: { c: [1, 2] }, last: { c: [1, 2] }, desired: { c: [3] }, want: { c: [3] } },
  ])('$name', ({ live, last, desired, want }) => expect(threeWayMerge(live, last, desired)).toEqual(want))
})

describe('resolveConnection', () => {
  const files: Record<string, string> = {
    '/data/daemon.json': JSON.stringify({ pid: 42, url: 'http://127.0.0.1:7171', version: '0.1.0' }),
    '/data/token': 'file-token\n',
  }
  const sources = (env: Record<string, string | undefined>) => ({
    env: (n: string) => env[n],
    readFile: (p: string) => files[p],
  })
  it.each([
    {
      name: 'the daemon files in the data dir',
      flags: { dataDir: '/data' },
      env: {},
      server: 'http://127.0.0.1:7171',
      token: 'file-token',
    },
    {
      name: 'BATON_HOME',
      flags: {},
      env: { BATON_HOME: '/data' },
      server: 'http://127.0.0.1:7171',
      token: 'file-token',
    },
    {
      name: 'env over files',
      flags: { dataDir: '/data' },
      env: { BATON_SERVER: 'h:1', BATON_TOKEN: 'env' },
      server: 'https://h:1',
      token: 'env',
    },
    {
      name: 'flags over env',
      flags: { dataDir: '/data', server: 'http://x:2/', token: 'flag' },
      env: { BATON_TOKEN: 'env' },
      server: 'http://x:2',
      token: 'flag',
    },
    {
      name: 'the default address without files',
      flags: { dataDir: '/empty' },
      env: {},
      server: 'https://127.0.0.1:7070',
      token: undefined,
    },
  ])('$name', ({ flags, env, server, token }) => {
    const c = resolveConnection(flags, sources(env))
    expect(c.server).toBe(server)
    expect(c.token).toBe(token)
  })
})

describe('ApiClient', () => {
  it('says how to start the daemon when the connection is refused', async () => {
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port
        s.close(() => resolve(p))
      })
    })
    const client = cliClient(`http://127.0.0.1:${port}`, 't')
    await expect(client.version()).rejects.toMatchObject({
      code: 'BATON_DAEMON_UNREACHABLE',
      message: `cannot reach the Baton daemon at http://127.0.0.1:${port}`,
      hint: expect.stringContaining('baton up -d'),
    })
  })
})

describe('renderRolloutProgress', () => {
  it('draws one bar per desired replica of the new ReplicaSet', () => {
    const clock = new FakeClock()
    const d = aDeployment({ ...deploymentAsServed('web'), status: { availableReplicas: 1, updatedReplicas: 2 } })
    const running = aPod({ ...podAsServed('web-new-1'), readySince: 0 })
    const starting = aPod({ ...podAsServed('web-new-2'), ready: false, created: 1 })
    starting.status!.conditions = [{ type: 'Ready', status: 'False' }]
    expect(renderRolloutProgress(d, [starting, running], clock.now() + 5000)).toEqual([
      'overall progress: 1 out of 3 tasks',
      '1/3: running   [==================================================>]',
      '2/3: starting  [======================================>            ]',
      '3/3: ',
    ])
  })
})
