/**
 * The Docker runtime's own lifecycle, beyond the conformance suite, on a real engine: the
 * termination order (drain gate, preStop exec inside the container, SIGTERM, exit), exec
 * probes through the engine, crash back-off, the user, hostname and hostPort a pod asks for,
 * OOMKilled from the engine's state, Never with an
 * absent image, and the removal of containers whose pod is gone.
 */
import { randomUUID } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import type { Container, Pod } from '../../api/types.ts'
import { systemClock } from '../../platform/clock.ts'
import { randomIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ObjectStore } from '../../store/types.ts'
import { freePort } from '../../../test/e2e/support/ports.ts'
import { eventLines, waitFor } from '../testing.ts'
import type { DrainGate, NodeAgent } from '../types.ts'
import { containerLogs } from './container-logs.ts'
import { createDockerNodeAgent } from './docker-node-agent.ts'
import { oomScoreAdjFloor } from './oom-score.ts'
import type { Engine } from './engine.ts'
import type { PullCredentials } from './registry-auth.ts'
import { exampleImages, NO_ENGINE, removeOwned, SKIP_REASON, testEngine } from './testing.ts'

const NODE = '/usr/local/bin/node'
const T = 60_000

describe.skipIf(NO_ENGINE)(`Docker node agent lifecycle${SKIP_REASON}`, () => {
  let engine: Engine
  let store: ObjectStore
  let owner: string
  let volumesDir: string
  const agents: NodeAgent[] = []

  const agent = (drainGate?: DrainGate, credentials?: (image: string) => Promise<PullCredentials>) => {
    const a = createDockerNodeAgent({
      store,
      clock: systemClock,
      engine,
      owner,
      volumesDir,
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
    volumesDir = mkdtempSync(join(tmpdir(), 'baton-docker-volumes-'))
  }

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop({ stopPods: true })
    await removeOwned(engine, owner)
    rmSync(volumesDir, { recursive: true, force: true })
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
    "sets cpu and memory on the engine as the kubelet does: quota and period from the limit, shares from the request, the QoS class's oom_score_adj",
    async () => {
      await setup()
      await agent().start()
      create('sized', { resources: { limits: { cpu: '500m', memory: '96Mi' }, requests: { cpu: '250m' } } })
      create('guaranteed', { resources: { limits: { cpu: '1', memory: '96Mi' } } })
      await waitFor('both ready', () => ready('sized') && ready('guaranteed'), T)
      const hostConfig = async (pod: string) => {
        const id = get(pod)?.status?.containerStatuses?.[0]?.containerID?.replace('docker://', '') ?? ''
        return (await engine.getContainer(id).inspect()).HostConfig
      }
      expect(await hostConfig('sized')).toMatchObject({
        Memory: 96 * 2 ** 20,
        CpuQuota: 50_000,
        CpuPeriod: 100_000,
        CpuShares: 256,
        // Burstable: the memory request (defaulted to the limit) as a share of the node's memory.
        OomScoreAdj: 1000 - Math.trunc((1000 * 96 * 2 ** 20) / totalmem()),
      })
      expect(await hostConfig('guaranteed')).toMatchObject({
        CpuQuota: 100_000,
        CpuShares: 1024,
        OomScoreAdj: Math.max(-997, oomScoreAdjFloor()),
      })
    },
    T * 2,
  )

  it(
    'applies a read-only root, dropped and added capabilities and no-new-privileges inside the container',
    async () => {
      await setup()
      await agent().start()
      // CapEff of a root process: every capability dropped but NET_BIND_SERVICE (bit 10) and CHOWN (bit 0).
      const check = [
        "const fs = require('fs')",
        "const status = fs.readFileSync('/proc/self/status', 'utf8')",
        "const field = (k) => status.split('\\n').find((l) => l.startsWith(k + ':')).split(/\\s+/)[1]",
        "let readOnly = false; try { fs.writeFileSync('/probe', 'x') } catch (e) { readOnly = e.code === 'EROFS' }",
        "console.log('CapEff', field('CapEff'), 'NoNewPrivs', field('NoNewPrivs'), 'readOnly', readOnly)",
        "process.exit(readOnly && BigInt('0x' + field('CapEff')) === 0x401n && field('NoNewPrivs') === '1' ? 0 : 1)",
      ].join('; ')
      create(
        'locked',
        {
          command: [NODE, '-e', check],
          ports: [],
          securityContext: {
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] },
            allowPrivilegeEscalation: false,
          },
        },
        { restartPolicy: 'Never' },
      )
      const terminated = await waitFor(
        'terminated',
        () => get('locked')?.status?.containerStatuses?.[0]?.state.terminated,
        T,
      )
      const pod = get('locked')
      const where = { owner, uid: pod?.metadata.uid ?? '', pod: 'locked', container: 'web' }
      const lines: string[] = []
      for await (const l of containerLogs(engine, where, {})) lines.push(l)
      expect(lines.join('\n')).toContain('CapEff 0000000000000401 NoNewPrivs 1 readOnly true')
      expect(terminated).toMatchObject({ exitCode: 0, reason: 'Completed' })
    },
    T * 2,
  )

  it(
    'refuses to start a container whose user is root under runAsNonRoot (CreateContainerConfigError), and starts one with a non-root runAsUser',
    async () => {
      await setup()
      await agent().start()
      create('rooted', {}, { securityContext: { runAsNonRoot: true } })
      create('as-uid0', { securityContext: { runAsUser: 0 } }, { securityContext: { runAsNonRoot: true } })
      create('non-root', { securityContext: { runAsNonRoot: true, runAsUser: 1000 } })
      const waiting = (name: string) => get(name)?.status?.containerStatuses?.[0]?.state.waiting
      await waitFor(
        'refused',
        () => waiting('rooted')?.reason === 'CreateContainerConfigError' && waiting('as-uid0'),
        T,
      )
      expect(waiting('rooted')?.message).toMatch(
        /^container has runAsNonRoot and image will run as root \(pod: "rooted_default/,
      )
      expect(waiting('as-uid0')?.message).toMatch(/^container's runAsUser breaks non-root policy/)
      expect(eventLines(store, 'rooted')).toContainEqual(
        expect.stringMatching(/^Warning Failed Error: container has runAsNonRoot/),
      )
      await waitFor('non-root ready', () => ready('non-root'), T)
      const names = (await owned()).map((c) => c.Labels['baton.pod.name'])
      expect(names).toEqual(['non-root'])
    },
    T * 2,
  )

  it(
    'mounts emptyDir (disk, kept over a restart; memory, a tmpfs), hostPath read-only, configMap and secret files; removes the pod volumes with the pod',
    async () => {
      await setup()
      await agent().start()
      const host = mkdtempSync(join(tmpdir(), 'baton-hostpath-'))
      chmodSync(host, 0o755) // the container runs as uid 1000
      writeFileSync(join(host, 'greeting'), 'hello from the host')
      store.create<'ConfigMap'>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'conf', namespace: 'default' },
        data: { 'app.conf': 'level=debug' },
      })
      store.create<'Secret'>({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'default' },
        data: { password: Buffer.from('s3cret').toString('base64') },
      })
      // First instance: writes to the emptyDir and exits 1; the second sees the file and checks the rest.
      const check = [
        "const fs = require('fs')",
        "if (!fs.existsSync('/cache/mark')) { fs.writeFileSync('/cache/mark', 'x'); process.exit(1) }",
        "const mounts = fs.readFileSync('/proc/mounts', 'utf8')",
        "const tmpfs = mounts.split('\\n').some((l) => l.split(' ')[1] === '/run/mem' && l.split(' ')[2] === 'tmpfs')",
        "let roHost = false; try { fs.writeFileSync('/host/x', 'x') } catch (e) { roHost = e.code === 'EROFS' }",
        "const ok = tmpfs && roHost && fs.readFileSync('/host/greeting', 'utf8') === 'hello from the host' && fs.readFileSync('/etc/app/app.conf', 'utf8') === 'level=debug' && fs.readFileSync('/run/creds/password', 'utf8') === 's3cret'",
        "console.log('tmpfs', tmpfs, 'roHost', roHost); process.exit(ok ? 0 : 2)",
      ].join('; ')
      try {
        const pod = create(
          'mounted',
          {
            command: [NODE, '-e', check],
            ports: [],
            securityContext: { runAsUser: 1000 },
            volumeMounts: [
              { name: 'cache', mountPath: '/cache' },
              { name: 'mem', mountPath: '/run/mem' },
              { name: 'host', mountPath: '/host', readOnly: true },
              { name: 'conf', mountPath: '/etc/app' },
              { name: 'creds', mountPath: '/run/creds' },
            ],
          },
          {
            restartPolicy: 'OnFailure',
            volumes: [
              { name: 'cache', emptyDir: {} },
              { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
              { name: 'host', hostPath: { path: host, type: 'Directory' } },
              { name: 'conf', configMap: { name: 'conf' } },
              { name: 'creds', secret: { secretName: 'creds' } },
            ],
          },
        )
        const uid = pod.metadata.uid ?? ''
        const terminated = await waitFor(
          'terminated',
          () => get('mounted')?.status?.containerStatuses?.[0]?.state.terminated,
          T,
        )
        expect(terminated).toMatchObject({ exitCode: 0 })
        expect(get('mounted')?.status?.containerStatuses?.[0]?.restartCount).toBe(1)
        expect(readFileSync(join(volumesDir, uid, 'empty-dir', 'cache', 'mark'), 'utf8')).toBe('x')
        const volumes = async () =>
          (await engine.listVolumes({ filters: { label: [`baton.pod.uid=${uid}`] } })).Volumes ?? []
        expect((await volumes()).map((v) => [v.Name, v.Options])).toEqual([
          [`baton_${uid}_mem`, { type: 'tmpfs', device: 'tmpfs', o: `size=${16 * 2 ** 20}` }],
        ])
        store.delete('Pod', 'default', 'mounted')
        await waitFor('pod removed', () => get('mounted') === undefined, T)
        expect(existsSync(join(volumesDir, uid))).toBe(false)
        expect(await volumes()).toEqual([])
        expect(readFileSync(join(host, 'greeting'), 'utf8')).toBe('hello from the host')
      } finally {
        rmSync(host, { recursive: true, force: true })
      }
    },
    T * 2,
  )

  it(
    'refreshes a configMap volume in the running container: the app reads the edited value, no restart',
    async () => {
      await setup()
      await agent().start()
      const cm = store.create<'ConfigMap'>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'live', namespace: 'default' },
        data: { 'app.conf': 'level=info' },
      })
      // The app reads its file every 100 ms and reports, through the emptyDir, what it read and
      // where the entry points inside the container (the kubelet's relative `..data/<key>`).
      const app = [
        "const fs = require('fs')",
        "setInterval(() => fs.writeFileSync('/out/seen.tmp', JSON.stringify({ value: fs.readFileSync('/etc/app/app.conf', 'utf8'), link: fs.readlinkSync('/etc/app/app.conf') })) || fs.renameSync('/out/seen.tmp', '/out/seen'), 100)",
      ].join('; ')
      const pod = create(
        'live',
        {
          command: [NODE, '-e', app],
          ports: [],
          securityContext: { runAsUser: 1000 },
          volumeMounts: [
            { name: 'conf', mountPath: '/etc/app' },
            { name: 'out', mountPath: '/out' },
          ],
        },
        {
          volumes: [
            { name: 'conf', configMap: { name: 'live' } },
            { name: 'out', emptyDir: {} },
          ],
        },
      )
      const seenFile = join(volumesDir, pod.metadata.uid ?? '', 'empty-dir', 'out', 'seen')
      const seen = () => {
        try {
          return JSON.parse(readFileSync(seenFile, 'utf8')) as { value: string; link: string }
        } catch {
          return undefined
        }
      }
      expect(await waitFor('the first value read', () => seen()?.value === 'level=info' && seen(), T)).toEqual({
        value: 'level=info',
        link: '..data/app.conf',
      })
      const before = get('live')?.status?.containerStatuses?.[0]
      store.update({ ...structuredClone(cm), data: { 'app.conf': 'level=debug' } })
      await waitFor('the edited value read', () => seen()?.value === 'level=debug', 20_000)
      const after = get('live')?.status?.containerStatuses?.[0]
      expect(after).toMatchObject({ restartCount: 0, containerID: before?.containerID })
      expect(after?.state.running).toBeDefined()
    },
    T,
  )

  it(
    'waits in CreateContainerConfigError (FailedMount) when a hostPath is not of its type',
    async () => {
      await setup()
      await agent().start()
      create(
        'no-dir',
        { volumeMounts: [{ name: 'h', mountPath: '/h' }] },
        { volumes: [{ name: 'h', hostPath: { path: join(volumesDir, 'absent'), type: 'Directory' } }] },
      )
      const waiting = await waitFor(
        'CreateContainerConfigError',
        () =>
          get('no-dir')?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError' &&
          get('no-dir')?.status?.containerStatuses?.[0]?.state.waiting,
        T,
      )
      expect(waiting.message).toBe(
        `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${join(volumesDir, 'absent')} does not exist`,
      )
      expect(eventLines(store, 'no-dir')).toContainEqual(
        expect.stringMatching(/^Warning FailedMount MountVolume.SetUp failed/),
      )
      expect(await owned()).toEqual([])
    },
    T,
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
      await agent(undefined, async (image) => {
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
    'removes the containers and volumes of a pod deleted while no agent watched, and keeps those of a pod that is there',
    async () => {
      await setup()
      const first = agent()
      await first.start()
      const withVolumes: Partial<Container> = {
        volumeMounts: [
          { name: 'cache', mountPath: '/cache' },
          { name: 'mem', mountPath: '/run/mem' },
        ],
      }
      const volumes = {
        volumes: [
          { name: 'cache', emptyDir: {} },
          { name: 'mem', emptyDir: { medium: 'Memory' } },
        ],
      }
      const left = create('left', withVolumes, volumes)
      const kept = create('kept', withVolumes, volumes)
      await waitFor('ready', () => ready('left') && ready('kept'), T)
      await first.stop()
      expect((await owned()).map((c) => c.State)).toEqual(['running', 'running'])
      store.delete('Pod', 'default', 'left', { gracePeriodSeconds: 0 })
      await agent().start()
      await expect.poll(async () => (await owned()).length, { timeout: T }).toBe(1)
      const engineVolumes = async () =>
        ((await engine.listVolumes({ filters: { label: [`baton.owner=${owner}`] } })).Volumes ?? []).map((v) => v.Name)
      await expect.poll(engineVolumes, { timeout: T }).toEqual([`baton_${kept.metadata.uid}_mem`])
      expect(existsSync(join(volumesDir, left.metadata.uid ?? ''))).toBe(false)
      expect(existsSync(join(volumesDir, kept.metadata.uid ?? '', 'empty-dir', 'cache'))).toBe(true)
      expect(get('kept')?.status?.containerStatuses?.[0]?.restartCount).toBe(0)
    },
    T * 2,
  )
})
