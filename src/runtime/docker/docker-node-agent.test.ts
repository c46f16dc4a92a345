/**
 * The Docker runtime's own lifecycle, beyond the conformance suite, on a real engine: the
 * termination order (drain gate, preStop exec inside the container, SIGTERM, exit), exec
 * probes through the engine, crash back-off, the user, hostname and hostPort a pod asks for,
 * OOMKilled from the engine's state, Never with an
 * absent image, and the removal of containers whose pod is gone.
 */
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import type { Container, Pod } from '../../api/types.ts'
import { systemClock } from '../../platform/clock.ts'
import { randomIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ObjectStore } from '../../store/types.ts'
import { freePort } from '../../../test/e2e/support/ports.ts'
import { eventLines, waitFor } from '../process/testing.ts'
import type { DrainGate, NodeAgent } from '../types.ts'
import { containerLogs } from './container-logs.ts'
import { createDockerNodeAgent } from './docker-node-agent.ts'
import type { Engine } from './engine.ts'
import type { PullAuth } from './registry-auth.ts'
import { exampleImages, NO_ENGINE, removeOwned, SKIP_REASON, testEngine } from './testing.ts'

const NODE = '/usr/local/bin/node'
const T = 60_000

describe.skipIf(NO_ENGINE)(`Docker node agent lifecycle${SKIP_REASON}`, () => {
  let engine: Engine
  let store: ObjectStore
  let owner: string
  const agents: NodeAgent[] = []

  const agent = (drainGate?: DrainGate, credentials?: (image: string) => PullAuth | undefined) => {
    const a = createDockerNodeAgent({
      store,
      clock: systemClock,
      engine,
      owner,
      ...(drainGate ? { drainGate } : {}),
      ...(credentials ? { credentials } : {}),
    })
    agents.push(a)
    return a
  }

  const setup = async () => {
    engine = testEngine()
    await exampleImages(engine)
    store = createMemoryStore({ clock: systemClock, ids: randomIds })
    owner = `lifecycle-${randomUUID()}`
  }

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop({ stopPods: true })
    await removeOwned(engine, owner)
    store.close()
  })

  const create = (name: string, container: Partial<Container>, spec: Partial<Pod['spec']> = {}): Pod =>
    store.create<'Pod'>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: {
        nodeName: agents[0]?.nodeName ?? 'local',
        terminationGracePeriodSeconds: 5,
        ...spec,
        containers: [{ name: 'web', image: 'web:v1', ports: [{ name: 'http', containerPort: 8080 }], ...container }],
      },
    })
  const get = (name: string) => store.get('Pod', 'default', name)
  const ready = (name: string) => get(name)?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
  const owned = async () => engine.listContainers({ all: true, filters: { label: [`baton.owner=${owner}`] } })

  it(
    'terminates in order: drain gate, preStop exec inside the container, SIGTERM through the engine, exit',
    async () => {
      await setup()
      const order: string[] = []
      const events = await engine.getEvents({ filters: { label: [`baton.owner=${owner}`] } })
      events.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          const e = JSON.parse(line) as { Action: string; Actor: { Attributes: Record<string, string> } }
          if (e.Action.startsWith('exec_start')) order.push('preStop exec')
          else if (e.Action === 'kill') order.push(`kill ${e.Actor.Attributes.signal}`)
          else if (e.Action === 'die') order.push(`die ${e.Actor.Attributes.exitCode}`)
        }
      })
      try {
        await agent({ waitDrained: async () => void order.push('drained') }).start()
        create('ordered', {
          readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
          lifecycle: { preStop: { exec: { command: [NODE, '-e', 'setTimeout(() => {}, 300)'] } } },
        })
        await waitFor('ready', () => ready('ordered'), T)
        store.delete('Pod', 'default', 'ordered')
        await waitFor('pod removed', () => get('ordered') === undefined, T)
        await waitFor('die event', () => order.some((o) => o.startsWith('die')), T)
        expect(order).toEqual(['drained', 'preStop exec', 'kill 15', 'die 0'])
        expect(await owned()).toEqual([])
      } finally {
        ;(events as unknown as Readable).destroy()
      }
    },
    T * 2,
  )

  it(
    'runs exec probes inside the container: a passing one makes the pod ready, a failing one reports Unhealthy',
    async () => {
      await setup()
      await agent().start()
      create('exec-ok', { readinessProbe: { exec: { command: [NODE, '-e', 'process.exit(0)'] }, periodSeconds: 1 } })
      create('exec-bad', {
        readinessProbe: {
          exec: { command: [NODE, '-e', 'console.log("not yet"); process.exit(1)'] },
          periodSeconds: 1,
        },
      })
      await waitFor('exec-ok ready', () => ready('exec-ok'), T)
      await waitFor(
        'Unhealthy event',
        () => eventLines(store, 'exec-bad').find((l) => l.includes('Readiness probe failed: not yet')),
        T,
      )
      expect(ready('exec-bad')).toBe(false)
    },
    T * 2,
  )

  it(
    "restarts a crashing container with the kubelet's back-off, exit code from the engine",
    async () => {
      await setup()
      await agent().start()
      create('crasher', { command: [NODE, '-e', 'process.exit(3)'] })
      const status = await waitFor(
        'CrashLoopBackOff',
        () => {
          const s = get('crasher')?.status?.containerStatuses?.[0]
          return s?.state.waiting?.reason === 'CrashLoopBackOff' && s
        },
        T,
      )
      expect(status.restartCount).toBe(1)
      expect(status.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' })
      // Only the newest instance is kept by the engine; exited ones are removed.
      expect((await owned()).filter((c) => c.State === 'running')).toEqual([])
    },
    T * 2,
  )

  it(
    'runs postStart inside the container before Running; a failing one kills and restarts it',
    async () => {
      await setup()
      await agent().start()
      create('hooked', {
        lifecycle: { postStart: { exec: { command: [NODE, '-e', 'console.error("no"); process.exit(2)'] } } },
      })
      await waitFor(
        'FailedPostStartHook',
        () =>
          eventLines(store, 'hooked').find((l) => l.startsWith('Warning FailedPostStartHook PostStartHook failed: no')),
        T,
      )
      await waitFor('restarted', () => (get('hooked')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, T)
      expect(ready('hooked')).toBe(false)
      create('hooked-ok', { lifecycle: { postStart: { exec: { command: [NODE, '-e', 'process.exit(0)'] } } } })
      await waitFor('hooked-ok ready', () => ready('hooked-ok'), T)
      expect(get('hooked-ok')?.status?.containerStatuses?.[0]?.restartCount).toBe(0)
    },
    T * 2,
  )

  it(
    'runs the container as runAsUser:runAsGroup, with the pod hostname, published on its hostPort',
    async () => {
      await setup()
      await agent().start()
      const hostPort = await freePort()
      const check =
        "const os = require('os'); process.exit(process.getuid() === 1000 && process.getgid() === 2000 && os.hostname() === 'who-0' ? 0 : 1)"
      create(
        'who',
        {
          command: [NODE, '-e', check],
          ports: [{ name: 'http', containerPort: 8080, hostPort }],
          securityContext: { runAsUser: 1000 },
        },
        { restartPolicy: 'Never', hostname: 'who-0', securityContext: { runAsGroup: 2000 } },
      )
      const terminated = await waitFor(
        'terminated',
        () => get('who')?.status?.containerStatuses?.[0]?.state.terminated,
        T,
      )
      expect(terminated).toMatchObject({ exitCode: 0 })
      const [listed] = await owned()
      const info = await engine.getContainer(listed?.Id ?? '').inspect()
      expect(info.Config.User).toBe('1000:2000')
      expect(info.HostConfig.PortBindings?.['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(hostPort) }])
    },
    T * 2,
  )

  it(
    "reports OOMKilled from the engine's state when the memory limit is hit",
    async () => {
      await setup()
      await agent().start()
      create(
        'hog',
        {
          command: [NODE, '-e', 'const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))'],
          resources: { limits: { memory: '48Mi' } },
        },
        { restartPolicy: 'Never' },
      )
      const terminated = await waitFor(
        'terminated',
        () => get('hog')?.status?.containerStatuses?.[0]?.state.terminated,
        T,
      )
      expect(terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 })
      expect(get('hog')?.status?.phase).toBe('Failed')
    },
    T * 2,
  )

  it(
    'waits in ErrImageNeverPull for an absent image with imagePullPolicy Never',
    async () => {
      await setup()
      await agent().start()
      create('never', { image: 'absent:v1', imagePullPolicy: 'Never' })
      const waiting = await waitFor(
        'ErrImageNeverPull',
        () => get('never')?.status?.containerStatuses?.[0]?.state.waiting,
        T,
      )
      expect(waiting).toMatchObject({
        reason: 'ErrImageNeverPull',
        message: 'Container image "absent:v1" is not present with pull policy of Never',
      })
      expect(await owned()).toEqual([])
    },
    T,
  )

  it(
    'reports a failed pull as ErrImagePull then ImagePullBackOff, asking for the registry credentials first',
    async () => {
      await setup()
      const asked: string[] = []
      await agent(undefined, (image) => {
        asked.push(image)
        return { serveraddress: 'localhost:1', username: 'u', password: 'p' }
      }).start()
      const image = 'localhost:1/absent:v1'
      const reasons: string[] = []
      store.watch('Pod', {}, (ev) => {
        const r = ev.object.status?.containerStatuses?.[0]?.state.waiting?.reason
        if (r && reasons.at(-1) !== r) reasons.push(r)
      })
      create('no-such-image', { image })
      await waitFor('ImagePullBackOff', () => reasons.includes('ImagePullBackOff'), T)
      expect(reasons.slice(reasons.indexOf('ErrImagePull'))).toEqual(['ErrImagePull', 'ImagePullBackOff'])
      expect(asked[0]).toBe(image)
      expect(eventLines(store, 'no-such-image')).toEqual(
        expect.arrayContaining([
          'Warning Failed Error: ErrImagePull',
          `Normal BackOff Back-off pulling image "${image}"`,
        ]),
      )
      expect(get('no-such-image')?.status?.phase).toBe('Pending')
      expect(await owned()).toEqual([])
    },
    T,
  )

  it(
    'reports the image content digest as imageID',
    async () => {
      await setup()
      await agent().start()
      create('digest', {})
      await waitFor('ready', () => ready('digest'), T)
      const [v1] = await exampleImages(engine)
      expect(get('digest')?.status?.containerStatuses?.[0]?.imageID).toBe(v1?.id)
    },
    T,
  )

  it(
    "reads the running container's log through the engine: tail, timestamps, follow; --previous before any restart refused",
    async () => {
      await setup()
      await agent().start()
      const pod = create('logged', {})
      await waitFor('ready', () => ready('logged'), T)
      const where = { owner, uid: pod.metadata.uid ?? '', pod: 'logged', container: 'web' }
      const read = async (opts: Parameters<typeof containerLogs>[2]) => {
        const lines: string[] = []
        for await (const l of containerLogs(engine, where, opts)) lines.push(l)
        return lines
      }
      await expect.poll(async () => (await read({})).some((l) => l.endsWith(' ready')), { timeout: T }).toBe(true)
      const all = await read({})
      expect(all[0]).toMatch(/ listening 0\.0\.0\.0:8080 v1 pid \d+$/)
      expect(await read({ tail: 1 })).toEqual(all.slice(-1))
      expect((await read({ timestamps: true }))[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \S+ listening/)
      const stop = new AbortController()
      const followed: string[] = []
      const following = (async () => {
        for await (const l of containerLogs(engine, where, { follow: true, signal: stop.signal })) {
          followed.push(l)
          if (l.includes('request GET /followed')) stop.abort()
        }
      })()
      const port = get('logged')?.status?.portMappings?.[0]?.hostPort
      await expect
        .poll(
          async () => {
            await fetch(`http://127.0.0.1:${port}/followed`).catch(() => undefined)
            return followed.some((l) => l.includes('request GET /followed'))
          },
          { timeout: T, interval: 250 },
        )
        .toBe(true)
      await following
      await expect(read({ previous: true })).rejects.toThrow(
        'previous terminated container "web" in pod "logged" not found',
      )
    },
    T * 2,
  )

  it(
    'keeps the previous instance for logs --previous, and only it: a new agent adopts both, no replica runs twice',
    async () => {
      await setup()
      const first = agent()
      await first.start()
      // Each instance prints its own start, then exits after a moment: a crash loop.
      const script = 'console.log("instance", Math.random()); setTimeout(() => process.exit(3), 1500)'
      const pod = create('looping', { command: [NODE, '-e', script], ports: [] })
      const where = { owner, uid: pod.metadata.uid ?? '', pod: 'looping', container: 'web' }
      const read = async (previous: boolean) => {
        const lines: string[] = []
        for await (const l of containerLogs(engine, where, { previous })) lines.push(l)
        return lines
      }
      await expect(read(true)).rejects.toThrow('previous terminated container "web" in pod "looping" not found')
      await waitFor('2 restarts', () => (get('looping')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2, T)
      await expect.poll(async () => (await owned()).length, { timeout: T }).toBeLessThanOrEqual(2)
      await expect.poll(async () => (await read(true).catch(() => [])).join('\n'), { timeout: T }).toContain('instance')
      await first.stop()
      await agent().start()
      await waitFor(
        'restarted again',
        () => (get('looping')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 4,
        T * 2,
      )
      expect((await owned()).length).toBeLessThanOrEqual(2)
      expect((await owned()).filter((c) => c.State === 'running').length).toBeLessThanOrEqual(1)
    },
    T * 4,
  )

  it(
    'removes the containers of a pod deleted while no agent watched',
    async () => {
      await setup()
      const first = agent()
      await first.start()
      create('left', {})
      await waitFor('ready', () => ready('left'), T)
      await first.stop()
      expect((await owned()).map((c) => c.State)).toEqual(['running'])
      store.delete('Pod', 'default', 'left', { gracePeriodSeconds: 0 })
      await agent().start()
      await expect.poll(async () => (await owned()).length, { timeout: T }).toBe(0)
    },
    T * 2,
  )
})
