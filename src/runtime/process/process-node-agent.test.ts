import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { aPod } from '../../../test/support/builders.ts'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Pod } from '../../api/types.ts'
import { readLogs } from '../../logs/read-logs.ts'
import { createLogger } from '../../platform/logger.ts'
import { podDir } from './adoption.ts'
import { condition, eventLines, getPod, waitFor } from '../testing.ts'
import { APP_JS, NODE, containerGroup, harness, hasPodDirs, liveGroupMembers, webContainer } from './testing.ts'

const readiness = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 }

async function lines(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const l of it) out.push(l)
  return out
}

async function fetchJson(port: number): Promise<Record<string, string>> {
  const res = await fetch(`http://127.0.0.1:${port}/`)
  return (await res.json()) as Record<string, string>
}

describe('process node agent', () => {
  it('runs a pod on its own loopback port and gates Ready on the readiness probe', async () => {
    const h = await harness()
    await h.agent.start()
    h.store.create(
      aPod({
        name: 'web-1',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({ READY_AFTER_MS: '1200' }, { readinessProbe: readiness })] },
      }),
    )

    const running = await waitFor('running', () => {
      const p = getPod(h.store, 'web-1')
      return p?.status?.containerStatuses?.[0]?.state.running ? p : undefined
    })
    expect(running.status?.phase).toBe('Running')
    expect(condition(running, 'Ready')).toBe('False')
    const mapping = running.status?.portMappings?.[0]
    expect(mapping).toMatchObject({ containerName: 'web', name: 'http', containerPort: 8080 })
    const hostPort = mapping?.hostPort ?? 0
    expect(running.status?.containerStatuses?.[0]?.imageID).toMatch(/^sha256:[0-9a-f]{64}$/)

    const ready = await waitFor('Ready', () => {
      const p = getPod(h.store, 'web-1')
      return condition(p, 'Ready') === 'True' ? p : undefined
    })
    expect(ready.status?.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, restartCount: 0 })
    const seen = await fetchJson(hostPort)
    expect(seen).toMatchObject({ pod: 'web-1', namespace: 'default', port: String(hostPort), http: String(hostPort) })
    // The container's rootfs links to the node's one copy of the artifact (image-checkout.ts).
    const digest = ready.status?.containerStatuses?.[0]?.imageID ?? ''
    expect(seen.cwd).toBe(join(h.dataDir, 'images', digest.slice('sha256:'.length)))
    expect(eventLines(h.store, 'web-1')).toEqual(
      expect.arrayContaining([
        'Normal Created Created container web',
        'Normal Started Started container web',
        'Warning Unhealthy Readiness probe failed: HTTP probe failed with statuscode: 503',
      ]),
    )
  })

  it('gives ten replicas of one app ten ports', async () => {
    const h = await harness()
    await h.agent.start()
    for (let i = 0; i < 10; i++)
      h.store.create(
        aPod({
          name: `web-${i}`,
          phase: null,
          grace: 2,
          spec: { containers: [webContainer({}, { readinessProbe: readiness })] },
        }),
      )
    const pods = await waitFor(
      'ten ready pods',
      () => {
        const items = h.store.list('Pod').items
        return items.length === 10 && items.every((p) => condition(p, 'Ready') === 'True') ? items : undefined
      },
      20_000,
    )
    const ports = pods.map((p) => p.status?.portMappings?.[0]?.hostPort ?? 0)
    expect(new Set(ports).size).toBe(10)
    const answers = await Promise.all(ports.map((p) => fetchJson(p)))
    expect(answers.map((a) => a.pod).sort()).toEqual(pods.map((p) => p.metadata.name).sort())
  })

  it('restarts a container whose liveness probe fails, with the kubelet events', async () => {
    const h = await harness()
    await h.agent.start()
    const liveness = {
      httpGet: { path: '/live', port: 8080 },
      initialDelaySeconds: 1,
      periodSeconds: 1,
      failureThreshold: 1,
    }
    h.store.create(
      aPod({
        name: 'live-1',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({ LIVE_FOR_MS: '500' }, { livenessProbe: liveness })] },
      }),
    )
    const restarted = await waitFor('restart', () => {
      const cs = getPod(h.store, 'live-1')?.status?.containerStatuses?.[0]
      return cs && cs.restartCount >= 1 && cs.state.running ? cs : undefined
    })
    expect(restarted.lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' })
    expect(eventLines(h.store, 'live-1')).toEqual(
      expect.arrayContaining([
        'Warning Unhealthy Liveness probe failed: HTTP probe failed with statuscode: 500',
        'Normal Killing Container web failed liveness probe, will be restarted',
      ]),
    )
  })

  it('logs each container state change as {state, was, why}, through a liveness kill and restart', async () => {
    const lines: string[] = []
    const h = await harness({ logger: createLogger({ write: (l) => lines.push(l) }) })
    await h.agent.start()
    const liveness = {
      httpGet: { path: '/live', port: 8080 },
      initialDelaySeconds: 1,
      periodSeconds: 1,
      failureThreshold: 1,
    }
    h.store.create(
      aPod({
        name: 'live-2',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({ LIVE_FOR_MS: '500' }, { livenessProbe: liveness })] },
      }),
    )
    await waitFor('restart', () => {
      const cs = getPod(h.store, 'live-2')?.status?.containerStatuses?.[0]
      return cs && cs.restartCount >= 1 && cs.state.running ? cs : undefined
    })
    const changes = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.msg === 'container state changed' && r.container === 'web')
    expect(changes.every((c) => typeof c.why === 'string' && c.why !== '' && c.pod === 'default/live-2')).toBe(true)
    const steps = changes.map((c) => `${String(c.was)}→${String(c.state)}`)
    expect(steps.slice(0, 4)).toEqual([
      'waiting→creating',
      'creating→postStart',
      'postStart→running',
      'running→killing',
    ])
    expect(changes[3]).toMatchObject({ by: 'liveness', why: 'liveness probe failed' })
    // The killed instance exits and the next one starts (at once, or after a back-off).
    expect(steps.slice(4).join(' ')).toMatch(
      /^killing→(waiting|backOff) (waiting|backOff)→creating creating→postStart postStart→running/,
    )
  })

  it('SIGKILLs an app that ignores SIGTERM once the grace period is over, and leaves no process behind', async () => {
    const h = await harness()
    await h.agent.start()
    const env = { ON_SIGTERM: 'ignore', SPAWN_CHILD: '1' }
    h.store.create(
      aPod({
        name: 'stubborn',
        phase: null,
        grace: 2,
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [webContainer(env, { readinessProbe: readiness })],
        },
      }),
    )
    const pod = await waitFor('Ready', () => {
      const p = getPod(h.store, 'stubborn')
      return condition(p, 'Ready') === 'True' ? p : undefined
    })
    const pgid = containerGroup(pod) ?? 0
    await waitFor('app and its child', () => liveGroupMembers(pgid).length >= 3) // shim, app, sleep
    const began = Date.now()
    h.store.delete('Pod', 'default', 'stubborn')
    await waitFor('Ready=False while terminating', () => condition(getPod(h.store, 'stubborn'), 'Ready') === 'False')
    await waitFor('pod removed', () => getPod(h.store, 'stubborn') === undefined, 10_000)
    const took = Date.now() - began
    expect(took).toBeGreaterThanOrEqual(1900)
    expect(took).toBeLessThan(6000)
    // SIGKILL is delivered to the whole group at once, but a member the kernel is still tearing
    // down shows in /proc for a moment on a loaded machine.
    await waitFor('no process left in the group', () => liveGroupMembers(pgid).length === 0, 5_000)
    expect(hasPodDirs(h.dataDir)).toBe(false)
  })

  it('runs preStop, then SIGTERM, then sees the exit, in that order (the app logs the times)', async () => {
    const h = await harness()
    await h.agent.start()
    // In the data directory: a container may have a private /tmp, where h.dir would be hidden.
    const eventsFile = join(h.dataDir, 'app-events.log')
    const container = webContainer(
      { EVENTS_FILE: eventsFile },
      { readinessProbe: readiness, lifecycle: { preStop: { httpGet: { path: '/prestop', port: 'http' } } } },
    )
    h.store.create(aPod({ name: 'ordered', phase: null, grace: 2, spec: { containers: [container] } }))
    await waitFor('Ready', () => condition(getPod(h.store, 'ordered'), 'Ready') === 'True')
    h.store.delete('Pod', 'default', 'ordered')
    await waitFor('pod removed', () => getPod(h.store, 'ordered') === undefined)
    const lines = readFileSync(eventsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
    expect(lines.map((l) => l[1])).toEqual(['start', 'prestop', 'sigterm', 'exit'])
    const times = lines.map((l) => Number(l[0]))
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it('backs off a crash-looping container: first restart at once, then CrashLoopBackOff', async () => {
    const h = await harness()
    await h.agent.start()
    h.store.create(
      aPod({
        name: 'crashy',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({ EXIT_AFTER_MS: '100', EXIT_CODE: '3' })] },
      }),
    )
    const cs = await waitFor('CrashLoopBackOff', () => {
      const s = getPod(h.store, 'crashy')?.status?.containerStatuses?.[0]
      return s?.state.waiting?.reason === 'CrashLoopBackOff' ? s : undefined
    })
    expect(cs.restartCount).toBe(1)
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' })
    const pod = getPod(h.store, 'crashy') as Pod
    expect(cs.state.waiting?.message).toBe(
      `back-off 10s restarting failed container=web pod=crashy_default(${pod.metadata.uid})`,
    )
    expect(pod.status?.phase).toBe('Running')
    expect(eventLines(h.store, 'crashy')).toContain(
      `Warning BackOff Back-off restarting failed container web in pod crashy_default(${pod.metadata.uid})`,
    )
    // Each instance's stdout and stderr are in its own log: the crashed one is --previous.
    const dir = podDir(h.dataDir, pod.metadata.uid ?? '')
    const port = pod.status?.portMappings?.[0]?.hostPort
    const instanceLog = [`listening on ${port}`, 'exit 3']
    expect(await lines(readLogs(dir, 'web'))).toEqual(instanceLog)
    expect(await lines(readLogs(dir, 'web', { previous: true }))).toEqual(instanceLog)
  })

  it('kills a container over its memory limit and reports OOMKilled', async () => {
    const h = await harness()
    await h.agent.start()
    const resources = { limits: { memory: '150Mi' } }
    h.store.create(
      aPod({
        name: 'hungry',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({ ALLOC_MB: '300' }, { resources })] },
      }),
    )
    const cs = await waitFor('OOMKilled', () => {
      const s = getPod(h.store, 'hungry')?.status?.containerStatuses?.[0]
      return s?.lastState.terminated?.reason === 'OOMKilled' ? s : undefined
    })
    expect(cs.lastState.terminated?.exitCode).toBe(137)
    expect(cs.restartCount).toBe(1)
  })

  it('reports a missing artifact as ErrImagePull, then ImagePullBackOff, with a Warning event that says how to run a Docker image', async () => {
    const h = await harness()
    const reasons: string[] = []
    const messages: string[] = []
    h.store.watch('Pod', {}, (ev) => {
      const waiting = ev.object.status?.containerStatuses?.[0]?.state.waiting
      const r = waiting?.reason
      if (r && reasons.at(-1) !== r) reasons.push(r)
      if (r === 'ErrImagePull' && waiting?.message) messages.push(waiting.message)
    })
    await h.agent.start()
    h.store.create(
      aPod({ name: 'nope', phase: null, grace: 2, spec: { containers: [webContainer({}, { image: 'web:v9' })] } }),
    )
    await waitFor('ImagePullBackOff', () => reasons.includes('ImagePullBackOff'))
    expect(reasons).toEqual(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff'])
    expect(getPod(h.store, 'nope')?.status?.phase).toBe('Pending')
    expect(eventLines(h.store, 'nope')).toEqual(
      expect.arrayContaining([
        'Warning Failed Failed to pull image "web:v9": artifact "web:v9" not found: the process runtime runs artifacts pushed with `baton push web:v9 DIR`; to run a Docker image, set spec.runtimeClassName: docker on a node started with `baton up --runtime docker`',
        'Warning Failed Error: ErrImagePull',
        'Normal BackOff Back-off pulling image "web:v9"',
      ]),
    )
    expect(messages[0]).toContain('spec.runtimeClassName: docker')
  })

  // The implicit readiness gate (api/implicit-readiness.ts): no readinessProbe, a declared port.
  const listening = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(true))
      socket.once('error', () => resolve(false))
      socket.once('connect', () => socket.destroy())
    })
  it.each<{ gate: string; annotations: Record<string, string> }>([
    { gate: 'on', annotations: {} },
    { gate: 'off', annotations: { 'baton.dev/implicit-readiness': 'false' } },
  ])(
    'gates readiness on the first port accepting connections when no readinessProbe is given (gate $gate)',
    async ({ gate, annotations }) => {
      const h = await harness()
      await h.agent.start()
      const p = aPod({
        name: 'slow',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({ LISTEN_AFTER_MS: '2500' })] },
      })
      h.store.create({ ...p, metadata: { ...p.metadata, annotations } })
      const ready = await waitFor('Ready', () => {
        const pod = getPod(h.store, 'slow')
        return condition(pod, 'Ready') === 'True' && pod
      })
      const port = ready.status?.portMappings?.[0]?.hostPort ?? 0
      // With the gate, Ready means the port answers; without it, Ready comes while the app is still starting.
      expect(await listening(port)).toBe(gate === 'on')
      expect(eventLines(h.store, 'slow').filter((l) => l.includes('Unhealthy'))).toEqual([])
    },
  )

  // Switching users needs root; the pure rules are in env.test.ts.
  it.runIf(process.getuid?.() === 0)(
    'runs the container, and its exec probes, as securityContext.runAsUser',
    async () => {
      const h = await harness()
      await h.agent.start()
      const probe = { exec: { command: ['sh', '-c', 'test "$(id -u)" = 65534'] }, periodSeconds: 1 }
      h.store.create(
        aPod({
          name: 'nobody',
          phase: null,
          grace: 2,
          spec: {
            securityContext: { runAsUser: 65534 },
            containers: [webContainer({}, { readinessProbe: probe })],
          },
        }),
      )
      const ready = await waitFor('Ready', () => {
        const pod = getPod(h.store, 'nobody')
        return condition(pod, 'Ready') === 'True' && pod
      })
      const status = readFileSync(`/proc/${containerGroup(ready)}/status`, 'utf8')
      expect(status).toMatch(/^Uid:\t65534\t/m)
      h.store.create(
        aPod({
          name: 'rootless',
          phase: null,
          grace: 2,
          spec: { containers: [webContainer({}, { securityContext: { runAsNonRoot: true } })] },
        }),
      )
      await waitFor(
        'CreateContainerConfigError',
        () =>
          getPod(h.store, 'rootless')?.status?.containerStatuses?.[0]?.state.waiting?.reason ===
          'CreateContainerConfigError',
      )
    },
  )

  // A private /tmp needs root (mount-namespace.ts); elsewhere containers share the machine's.
  it.runIf(process.getuid?.() === 0)('gives each container its own /tmp, which its exec probes see too', async () => {
    const h = await harness()
    await h.agent.start()
    const marker = `baton-owner-${process.pid}`
    // Ready only while /tmp/<marker> holds this pod's name: two pods sharing /tmp cannot both be.
    const probe = {
      exec: {
        command: [
          'sh',
          '-c',
          `test -f /tmp/${marker} || echo "$POD_NAME" > /tmp/${marker}; test "$(cat /tmp/${marker})" = "$POD_NAME"`,
        ],
      },
      periodSeconds: 1,
    }
    for (const name of ['tmp-a', 'tmp-b'])
      h.store.create(
        aPod({
          name: name,
          phase: null,
          grace: 2,
          spec: { containers: [webContainer({}, { readinessProbe: probe })] },
        }),
      )
    const pods = await waitFor('both Ready', () => {
      const both = ['tmp-a', 'tmp-b'].map((n) => getPod(h.store, n))
      return both.every((p) => condition(p, 'Ready') === 'True') && both
    })
    for (const p of pods) {
      const file = join(podDir(h.dataDir, p!.metadata.uid ?? ''), 'containers', 'web', 'tmp', marker)
      expect(readFileSync(file, 'utf8')).toBe(`${p!.metadata.name}\n`)
    }
    expect(existsSync(`/tmp/${marker}`)).toBe(false)
  })

  // A checkout cloned under /tmp, run with its own Node: the private /tmp must not hide them.
  it('starts a container whose interpreter and working directory live under the host /tmp', async (ctx) => {
    ctx.skip(process.getuid?.() !== 0, 'a private /tmp needs root (mount namespaces); without it /tmp is shared')
    const h = await harness()
    await h.agent.start()
    const checkout = mkdtempSync(join(tmpdir(), 'baton-checkout-'))
    onTestFinished(() => rmSync(checkout, { recursive: true, force: true }))
    mkdirSync(join(checkout, '.node', 'bin'), { recursive: true })
    mkdirSync(join(checkout, 'app'))
    const node = join(checkout, '.node', 'bin', 'node')
    copyFileSync(NODE, node)
    chmodSync(node, 0o755)
    cpSync(APP_JS, join(checkout, 'app', 'app.js'))
    const path = `${checkout}/.node/bin:/usr/sbin:/usr/bin:/sbin:/bin`
    h.store.create(
      aPod({
        name: 'from-tmp',
        phase: null,
        grace: 2,
        spec: {
          containers: [
            {
              name: 'web',
              command: ['node', 'app.js'],
              workingDir: join(checkout, 'app'),
              env: [{ name: 'PATH', value: path }],
              ports: [{ name: 'http', containerPort: 8080 }],
              // The machine may have a node of its own on PATH: ready only when the one under /tmp runs.
              readinessProbe: {
                exec: { command: ['node', '-e', `process.exit(process.execPath === '${node}' ? 0 : 1)`] },
                periodSeconds: 1,
              },
            },
          ],
        },
      }),
    )
    const ready = await waitFor(
      'Ready',
      () => {
        const pod = getPod(h.store, 'from-tmp')
        const cs = pod?.status?.containerStatuses?.[0]
        if (cs?.lastState?.terminated) throw new Error(`exited ${JSON.stringify(cs.lastState.terminated)}`)
        return condition(pod, 'Ready') === 'True' && pod
      },
      20_000,
    )
    // The exec probe says which node runs; the app itself may still be opening its port.
    const port = ready.status?.portMappings?.[0]?.hostPort ?? 0
    await expect
      .poll(
        () =>
          fetchJson(port).then(
            (b) => b.pod,
            () => undefined,
          ),
        { timeout: 10_000, interval: 100 },
      )
      .toBe('from-tmp')
  })

  it("runs the artifact's default command for a container that sets no command", async () => {
    const h = await harness()
    await h.agent.start()
    const src = mkdtempSync(join(tmpdir(), 'baton-cmd-src-'))
    onTestFinished(() => rmSync(src, { recursive: true, force: true }))
    cpSync(APP_JS, join(src, 'app.js'))
    await h.artifacts.push('web:cmd', src, { cmd: [NODE, 'app.js'] })
    h.store.create(
      aPod({
        name: 'by-cmd',
        phase: null,
        grace: 2,
        spec: { containers: [{ name: 'web', image: 'web:cmd', ports: [{ name: 'http', containerPort: 8080 }] }] },
      }),
    )
    const ready = await waitFor(
      'Ready',
      () => {
        const pod = getPod(h.store, 'by-cmd')
        return condition(pod, 'Ready') === 'True' && pod
      },
      20_000,
    )
    expect((await fetchJson(ready.status?.portMappings?.[0]?.hostPort ?? 0)).pod).toBe('by-cmd')
  })
  it('waits with CreateContainerConfigError for a missing Secret, then starts with its values once it exists', async () => {
    const h = await harness()
    await h.agent.start()
    // Ready only when both ways of reading the Secret reached the process's environment.
    const probe = {
      exec: { command: ['sh', '-c', 'test "$PASSWORD" = s3cr3t && test "$DB_user" = admin'] },
      periodSeconds: 1,
    }
    const container = webContainer(
      {},
      { readinessProbe: probe, envFrom: [{ prefix: 'DB_', secretRef: { name: 'db' } }] },
    )
    container.env = [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]
    h.store.create(aPod({ name: 'needs-secret', phase: null, grace: 2, spec: { containers: [container] } }))
    const waiting = await waitFor('CreateContainerConfigError', () => {
      const state = getPod(h.store, 'needs-secret')?.status?.containerStatuses?.[0]?.state.waiting
      return state?.reason === 'CreateContainerConfigError' && state
    })
    expect(waiting.message).toBe('secret "db" not found')
    expect(eventLines(h.store, 'needs-secret')).toContain('Warning Failed Error: secret "db" not found')

    h.store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'default' },
      data: { password: Buffer.from('s3cr3t').toString('base64'), user: Buffer.from('admin').toString('base64') },
    })
    const ready = await waitFor(
      'Ready after the Secret appeared',
      () => condition(getPod(h.store, 'needs-secret'), 'Ready') === 'True',
      40_000,
    )
    expect(ready).toBe(true)
  }, 60_000)

  it('pulls at once when the missing artifact is pushed, instead of sleeping out the 10 s back-off', async () => {
    const h = await harness()
    await h.agent.start()
    h.store.create(
      aPod({ name: 'late', phase: null, grace: 2, spec: { containers: [webContainer({}, { image: 'web:v9' })] } }),
    )
    await waitFor(
      'ImagePullBackOff',
      () => getPod(h.store, 'late')?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff',
    )
    const src = join(h.dir, 'src-v9')
    cpSync(APP_JS, join(src, 'app.js'))
    const pushedAt = Date.now()
    await h.artifacts.push('web:v9', src)
    // The first image-pull back-off is 10 s: Ready well before it means the push woke the pod.
    await waitFor('Ready after the push', () => condition(getPod(h.store, 'late'), 'Ready') === 'True', 8_000)
    expect(Date.now() - pushedAt).toBeLessThan(8_000)
    expect(
      eventLines(h.store, 'late').some((l) => l.startsWith('Normal Pulled Successfully pulled image "web:v9"')),
    ).toBe(true)
  })

  it('reports an exec probe with a missing binary as probe failures, and keeps supervising', async () => {
    const h = await harness()
    await h.agent.start()
    const probe = { exec: { command: ['no-such-binary-xyz'] }, periodSeconds: 1 }
    h.store.create(
      aPod({
        name: 'exec-1',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({}, { readinessProbe: probe })] },
      }),
    )
    await waitFor('Unhealthy event', () =>
      eventLines(h.store, 'exec-1').includes(
        'Warning Unhealthy Readiness probe failed: exec: "no-such-binary-xyz": executable file not found in $PATH',
      ),
    )
    const pod = getPod(h.store, 'exec-1')
    expect(pod?.status?.phase).toBe('Running')
    expect(condition(pod, 'Ready')).toBe('False')
    h.store.create(aPod({ name: 'exec-2', phase: null, grace: 2, spec: { containers: [webContainer()] } }))
    await waitFor('the agent still starts pods', () => condition(getPod(h.store, 'exec-2'), 'Ready') === 'True')
  })

  it('runs postStart before reporting Running, and restarts a container whose postStart fails', async () => {
    const h = await harness()
    await h.agent.start()
    const ok = { exec: { command: ['/bin/sh', '-c', 'test -n "$POD_NAME"'] } }
    const bad = { exec: { command: ['/bin/sh', '-c', 'echo hook broke; exit 1'] } }
    h.store.create(
      aPod({
        name: 'hooked',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({}, { lifecycle: { postStart: ok } })] },
      }),
    )
    h.store.create(
      aPod({
        name: 'unhooked',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({}, { lifecycle: { postStart: bad } })] },
      }),
    )
    await waitFor('hooked Ready', () => condition(getPod(h.store, 'hooked'), 'Ready') === 'True')
    const cs = await waitFor('restart after the failed hook', () => {
      const s = getPod(h.store, 'unhooked')?.status?.containerStatuses?.[0]
      return s && s.restartCount >= 1 ? s : undefined
    })
    expect(cs.ready).toBe(false)
    expect(eventLines(h.store, 'unhooked')).toEqual(
      expect.arrayContaining([
        'Warning FailedPostStartHook PostStartHook failed: hook broke',
        'Normal Killing FailedPostStartHook',
      ]),
    )
  })

  it('runs a container without image in its workingDir', async () => {
    const h = await harness()
    await h.agent.start()
    const container = { name: 'sh', command: ['/bin/sh', '-c', 'pwd > where.txt; exec sleep 30'], workingDir: h.dir }
    h.store.create(aPod({ name: 'plain', phase: null, grace: 2, spec: { containers: [container] } }))
    await waitFor('where.txt', () => {
      try {
        return readFileSync(join(h.dir, 'where.txt'), 'utf8').trim() === h.dir
      } catch {
        return false
      }
    })
  })

  it('re-adopts running replicas after the agent stops, without a restart and without losing Ready', async () => {
    const h = await harness()
    await h.agent.start()
    h.store.create(
      aPod({
        name: 'keep',
        phase: null,
        grace: 2,
        spec: { containers: [webContainer({}, { readinessProbe: readiness })] },
      }),
    )
    const before = await waitFor('Ready', () => {
      const p = getPod(h.store, 'keep')
      return condition(p, 'Ready') === 'True' ? p : undefined
    })
    await h.agent.stop()
    const pgid = containerGroup(before) ?? 0
    expect(liveGroupMembers(pgid).length).toBeGreaterThan(0)
    const readyFlips: string[] = []
    h.store.watch('Pod', {}, (ev) => readyFlips.push(condition(ev.object, 'Ready') ?? '?'))
    const next = h.newAgent()
    await next.start()
    await new Promise((r) => setTimeout(r, 1500))
    const after = getPod(h.store, 'keep')
    expect(containerGroup(after)).toBe(pgid)
    expect(after?.status?.containerStatuses?.[0]).toMatchObject({ restartCount: 0, ready: true })
    expect(after?.status?.portMappings).toEqual(before.status?.portMappings)
    expect(readyFlips).not.toContain('False')
    // The adopted replica is still supervised: deleting the pod stops it.
    h.store.delete('Pod', 'default', 'keep')
    await waitFor('pod removed', () => getPod(h.store, 'keep') === undefined)
    expect(liveGroupMembers(pgid)).toEqual([])
  })

  it('stops replicas whose pods disappeared while no agent was running', async () => {
    const h = await harness()
    await h.agent.start()
    h.store.create(aPod({ name: 'orphan', phase: null, grace: 2, spec: { containers: [webContainer()] } }))
    const pod = await waitFor('Ready', () => {
      const p = getPod(h.store, 'orphan')
      return condition(p, 'Ready') === 'True' ? p : undefined
    })
    await h.agent.stop()
    h.store.delete('Pod', 'default', 'orphan', { gracePeriodSeconds: 0 })
    const pgid = containerGroup(pod) ?? 0
    await h.newAgent().start()
    await waitFor('orphan stopped', () => liveGroupMembers(pgid).length === 0)
    await waitFor('pod dir removed', () => !hasPodDirs(h.dataDir))
  })
})
