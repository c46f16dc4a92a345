import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { openArtifactStore } from '../../artifacts/artifact-store.ts'
import type { ArtifactInfo } from '../../artifacts/types.ts'
import type { Pod } from '../../api/types.ts'
import type { LogSource } from '../../server/ports.ts'
import {
  T0,
  aDeployment,
  aNamespace,
  aPod,
  anEvent,
  deploymentAsServed,
  podAsServed,
} from '../../../test/support/builders.ts'
import { createHarness, cutIdleWatches, type Harness } from '../testing/harness.ts'

let h: Harness | undefined
const dirs: string[] = []
afterEach(() => {
  h?.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('describe', () => {
  it('shows a deployment with its events from the API', async () => {
    h = createHarness()
    const d = aDeployment(deploymentAsServed('web'))
    delete d.metadata.uid
    const created = h.store.create(d)
    h.store.create(
      anEvent({
        about: { kind: 'Deployment', name: 'web', uid: created.metadata.uid! },
        reason: 'ScalingReplicaSet',
        message: 'Scaled up replica set web-abc to 3',
      }),
    )
    const stale = anEvent({
      about: { kind: 'Deployment', name: 'web', uid: 'an-earlier-web' },
      reason: 'ScalingReplicaSet',
      message: 'from a deleted namesake',
    })
    h.store.create({ ...stale, metadata: { ...stale.metadata, name: 'web.stale' } })
    h.clock.advance(30_000)
    const res = await h.run('describe deployment web')
    expect(res.code).toBe(0)
    expect(res.out).toMatch(/^Name: {19}web\nNamespace: {14}default\n/)
    // No Conditions section yet, so the Volumes/ReplicaSets lines share one column block, as in Go's tabwriter.
    expect(res.out).toContain(
      '\nOldReplicaSets:   <none>\nNewReplicaSet:    <none>\nEvents:\n  Type    Reason             Age   From                   Message\n',
    )
    expect(res.out).toContain(
      '  Normal  ScalingReplicaSet  30s   deployment-controller  Scaled up replica set web-abc to 3\n',
    )
    expect(res.out).not.toContain('namesake')
  })

  it('shows a namespace as kubectl does: no Namespace line, no spec or status body, the quota lines', async () => {
    h = createHarness()
    h.store.create(aNamespace('default'))
    const res = await h.run('describe ns default')
    expect({ code: res.code, out: res.out }).toEqual({
      code: 0,
      out: 'Name:         default\nLabels:       <none>\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n',
    })
  })

  it('fails for a missing object with exit 1', async () => {
    h = createHarness()
    const res = await h.run('describe pod nope')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^Error from server \(NotFound\): pods "nope" not found\n/)
  })
})

describe('logs', () => {
  const logs: LogSource = {
    async *read(_ns, pod, container, opts) {
      yield `${pod}/${container} tail=${opts.tail ?? 'all'} follow=${opts.follow === true}`
    },
  }

  it('prints a pod log, or picks a pod of a deployment', async () => {
    h = createHarness({ logs })
    const pod = aPod(podAsServed('web-abc-1'))
    delete pod.metadata.uid
    h.store.create(pod)
    expect(await h.run('logs web-abc-1 --tail=5 -f')).toEqual({
      code: 0,
      err: '',
      out: 'web-abc-1/web tail=5 follow=true\n',
    })
    const d = aDeployment(deploymentAsServed('web'))
    delete d.metadata.uid
    h.store.create(d)
    expect((await h.run('logs deployment/web')).out).toBe('web-abc-1/web tail=all follow=false\n')
  })
})

describe('logs -f on a quiet log', () => {
  it("keeps following after Node's fetch cuts the silent stream (5 minutes), printing each line once", async () => {
    const written: string[] = ['one']
    let wake: () => void = () => {}
    let requests = 0
    const logs: LogSource = {
      async *read(_ns, _pod, _container, opts) {
        requests++
        let next = opts.tail === 0 ? written.length : 0
        while (!opts.signal?.aborted) {
          while (next < written.length) yield written[next++]!
          await new Promise<void>((r) => {
            wake = r
            opts.signal?.addEventListener('abort', () => r(), { once: true })
          })
        }
      },
    }
    const clock = new FakeClock(T0)
    h = createHarness({ logs }, clock, {
      wrapFetch: (f) =>
        cutIdleWatches(
          f,
          clock,
          300_000,
          () => {},
          (url) => url.pathname.endsWith('/log'),
        ),
    })
    const pod = aPod(podAsServed('web-abc-1'))
    delete pod.metadata.uid
    h.store.create(pod)
    const abort = new AbortController()
    const running = h.start('logs web-abc-1 -f', { signal: abort.signal })
    await running.waitFor('one\n')
    // Two quiet stretches of six minutes: each ends in a cut and a new request.
    for (const want of [2, 3]) {
      clock.advance(360_000)
      await vi.waitFor(() => expect(requests).toBe(want))
    }
    written.push('two')
    wake()
    await running.waitFor('two\n')
    abort.abort()
    expect(await running.result).toEqual({ code: 0, err: '', out: 'one\ntwo\n' })
  })
})

describe('logs --previous', () => {
  const logs: LogSource = {
    async *read(_ns, pod, container, opts) {
      yield `${pod}/${container} previous=${opts.previous === true}`
    },
  }

  it("exits 1 with kubectl's message when the container never terminated", async () => {
    h = createHarness({ logs })
    const pod = aPod(podAsServed('web-abc-1'))
    delete pod.metadata.uid
    h.store.create(pod)
    const res = await h.run('logs web-abc-1 -p')
    expect(res.code).toBe(1)
    expect(res.out).toBe('')
    expect(res.err).toMatch(
      /^Error from server \(BadRequest\): previous terminated container "web" in pod "web-abc-1" not found\n/,
    )
  })

  it('prints the previous instance once the container has restarted', async () => {
    h = createHarness({ logs })
    const pod = aPod(podAsServed('web-abc-1'))
    delete pod.metadata.uid
    const created = h.store.create(pod) as Pod
    const status = structuredClone(created.status ?? {})
    status.containerStatuses = (status.containerStatuses ?? []).map((cs) => ({
      ...cs,
      restartCount: 1,
      lastState: {
        terminated: {
          exitCode: 137,
          reason: 'Error',
          startedAt: '2026-01-01T00:00:00Z',
          finishedAt: '2026-01-01T00:00:05Z',
        },
      },
    }))
    expect(status.containerStatuses).toHaveLength(1)
    h.store.updateStatus({ ...created, status })
    expect(await h.run('logs web-abc-1 -p')).toEqual({ code: 0, err: '', out: 'web-abc-1/web previous=true\n' })
  })
})

describe('push', () => {
  it('packs a directory and sends it', async () => {
    const pushed: Array<{ ref: string; force: boolean; bytes: number }> = []
    h = createHarness({
      artifacts: {
        async push(ref, source, opts) {
          const { statSync } = await import('node:fs')
          pushed.push({ ref, force: opts?.force === true, bytes: statSync(source).size })
          return {
            name: 'web',
            tag: 'v2',
            digest: 'sha256:feed',
            size: 42,
            created: '2026-01-01T00:00:00Z',
          } satisfies ArtifactInfo
        },
        resolve: () => undefined,
        checkout: async () => {},
        list: () => [],
      },
    })
    const dir = mkdtempSync(join(tmpdir(), 'baton-push-test-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'server.js'), 'console.log("v2")\n')
    expect(await h.run(`push web:v2 ${dir} --force`)).toEqual({
      code: 0,
      err: '',
      out: 'web:v2 pushed (digest sha256:feed, 42 bytes)\n',
    })
    expect(pushed).toHaveLength(1)
    expect(pushed[0]).toMatchObject({ ref: 'web:v2', force: true })
    expect(pushed[0]!.bytes).toBeGreaterThan(20)
    const missing = await h.run('push web:v3 /nonexistent/dir')
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^error: the path "\/nonexistent\/dir" does not exist\n/)
  })
})

describe('push progress', () => {
  it('draws a bar on a terminal stderr while the folder streams, and the daemon unpacks what was sent', async () => {
    const root = mkdtempSync(join(tmpdir(), 'baton-push-progress-'))
    dirs.push(root)
    const app = join(root, 'app')
    mkdirSync(app)
    const payload = randomBytes(3 * 1024 * 1024)
    writeFileSync(join(app, 'blob.bin'), payload)
    writeFileSync(join(app, 'server.js'), 'console.log("v2")\n')
    const artifacts = openArtifactStore(join(root, 'store'))
    h = createHarness({ artifacts })
    const res = await h.run(`push web:v2 ${app}`, { errTty: true })
    expect(res.code).toBe(0)
    expect(res.out).toMatch(/^web:v2 pushed \(digest sha256:[0-9a-f]{64}, \d+ bytes\)\n$/)
    const frames = res.err.split('\r').filter(Boolean)
    expect(frames[0]).toMatch(/^Pushing web:v2 \[[ =>]{30}\] +\d+% {2}/)
    expect(frames.at(-1)).toMatch(/^Pushing web:v2 \[={30}\] 100% {2}3\.0 MiB of 3\.0 MiB\x1b\[K\n$/)
    const ref = artifacts.resolve('web:v2')
    await artifacts.checkout(ref!.digest, join(root, 'out'))
    expect(readFileSync(join(root, 'out', 'blob.bin')).equals(payload)).toBe(true)
    // Not a terminal: no bar, stderr stays empty for scripts.
    expect((await h.run(`push web:v3 ${app}`)).err).toBe('')
  })

  it('--cmd gives the artifact a default command, in shell or JSON form, and refuses a malformed one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'baton-push-cmd-'))
    dirs.push(root)
    const app = join(root, 'app')
    mkdirSync(app)
    writeFileSync(join(app, 'server.js'), 'x\n')
    const artifacts = openArtifactStore(join(root, 'store'))
    h = createHarness({ artifacts })
    expect((await h.run(`push web:sh ${app} --cmd 'node server.js'`)).code).toBe(0)
    expect(artifacts.resolve('web:sh')?.cmd).toEqual(['/bin/sh', '-c', 'node server.js'])
    expect((await h.run(`push web:json ${app} --cmd '["node","server.js"]'`)).code).toBe(0)
    expect(artifacts.resolve('web:json')?.cmd).toEqual(['node', 'server.js'])
    const bad = await h.run(`push web:bad ${app} --cmd '[1]'`)
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/the default command must be a non-empty JSON array of strings/)
    expect(artifacts.resolve('web:bad')).toBeUndefined()
  })
})

describe('version, completion, down', () => {
  it('prints client and server versions', async () => {
    h = createHarness()
    expect(await h.run('version')).toEqual({
      code: 0,
      err: '',
      out: 'Client Version: v0.1.0\nServer Version: v0.0.0-test\n',
    })
  })

  it('prints a bash completion script listing the verbs, and refuses other shells', async () => {
    h = createHarness()
    const bash = await h.run('completion bash')
    expect(bash.out).toContain('complete -F _baton baton\n')
    expect(bash.out).toContain('rollout) subs="status history undo pause resume restart promote abort retry plan"')
    expect((await h.run('completion zsh')).out).toMatch(/^#compdef baton\n/)
    expect((await h.run('completion fish')).out).toMatch(/^# fish completion for baton\n/)
    expect((await h.run('completion tcsh')).code).toBe(1)
  })

  it('down says how to start a daemon when none runs', async () => {
    h = createHarness()
    const res = await h.run('down')
    expect(res.code).toBe(1)
    expect(res.err).toBe(
      'error: no Baton daemon is running for /nonexistent-baton-home\nhint: start it with: baton up -d\n',
    )
  })
})

describe('verify', () => {
  /** A loopback app answering v1; verify runs on real time (its load needs it), the harness clock only drives the CLI. */
  async function withV1Server(test: (port: number) => Promise<void>): Promise<void> {
    const { createServer } = await import('node:http')
    const server = createServer((_req, res) => res.writeHead(200, { 'x-app-version': 'v1' }).end('v1\n'))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      h = createHarness()
      await test((server.address() as { port: number }).port)
    } finally {
      server.close()
    }
  }

  it('puts load on a loopback URL and reports PASS with exit 0', () =>
    withV1Server(async (port) => {
      const res = await h!.run(`verify http://127.0.0.1:${port}/ --rate 50 --duration 5s`)
      expect(res.err).toBe('')
      expect(res.code).toBe(0)
      expect(res.out).toMatch(new RegExp(`^verify http://127\\.0\\.0\\.1:${port}/: \\d+ requests`))
      expect(res.out).toContain('PASS: no request failed')
    }))

  it('-o json prints the report as one JSON object', () =>
    withV1Server(async (port) => {
      const res = await h!.run(`verify http://127.0.0.1:${port}/ --rate 50 --duration 3s --connections 4 -o json`)
      expect(res.code).toBe(0)
      const report = JSON.parse(res.out) as {
        failed: number
        midAnswer: number
        ok: number
        concurrency: number
        versions: Record<string, number>
      }
      expect(report).toMatchObject({ failed: 0, midAnswer: 0, concurrency: 4, versions: { v1: report.ok } })
    }))
})

describe('up bounds', () => {
  it.each(['--max-pods=0', '--max-replicas=-1', '--max-request-body-bytes=3Mi', '--max-artifact-entries=1.5'])(
    'refuses %s before starting a daemon',
    async (flag) => {
      h = createHarness()
      const res = await h.run(`up -d ${flag}`)
      expect(res.code).toBe(1)
      expect(res.err).toMatch(/flag: must be a positive integer/)
      expect(res.err).toContain(flag.split('=')[0])
    },
  )
})
