import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { aPod } from '../../../test/support/builders.ts'
import type { Container } from '../../api/types.ts'
import { podDir } from './adoption.ts'
import { isolationOf } from './mount-namespace.ts'
import { condition, eventLines, getPod, waitFor } from '../testing.ts'
import { harness } from './testing.ts'

// Real replicas in their own mount namespaces: a root daemon with overlayfs (isolationOf), else skipped.
const scratchRootHere = (dataDir: string) => process.getuid?.() === 0 && isolationOf(dataDir) === 'root'
const WHY_SKIPPED = 'a scratch root needs root and overlayfs; elsewhere replicas share the host / (docs/isolation.md)'

const sh = (script: string, extra: Partial<Container> = {}): Container => ({
  name: 'app',
  image: 'web:v1',
  command: ['/bin/sh', '-c', script],
  ...extra,
})

describe('a replica in its own mount namespace', () => {
  // Seed 000's exec probe (touch /tmp/healthy, cat /tmp/healthy) and seed 003's preStop (> /stop.log).
  it("keeps the replica's writes to / and /tmp in its scratch root, where its exec probes and preStop see them", async (ctx) => {
    const h = await harness()
    ctx.skip(!scratchRootHere(h.dataDir), WHY_SKIPPED)
    await h.agent.start()
    const marker = `baton-root-${process.pid}`
    // Host paths: the data directory is the host's inside the namespace too.
    const seen = (pod: string) => join(h.dataDir, `prestop-${pod}`)
    for (const name of ['root-a', 'root-b'])
      h.store.create(
        aPod({
          name,
          phase: null,
          grace: 2,
          spec: {
            containers: [
              sh(
                `touch /tmp/healthy; echo "$POD_NAME" > /${marker}; (: > ./w-${marker}) 2>/dev/null && w=writable || w=read-only; echo $w > ${join(h.dataDir, `cwd-${name}`)}; exec sleep 600`,
                {
                  env: [{ name: 'POD_NAME', value: name }],
                  readinessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1 },
                  livenessProbe: {
                    exec: { command: ['sh', '-c', `test "$(cat /${marker})" = ${name}`] },
                    periodSeconds: 1,
                  },
                  lifecycle: {
                    preStop: {
                      exec: { command: ['/bin/sh', '-c', `cat /${marker} > ${seen(name)}; : > /stop-${marker}.log`] },
                    },
                  },
                },
              ),
            ],
          },
        }),
      )
    const pods = await waitFor(
      'both Ready',
      () => {
        const both = ['root-a', 'root-b'].map((n) => getPod(h.store, n))
        return both.every((p) => condition(p, 'Ready') === 'True') && both
      },
      20_000,
    )
    for (const p of pods) {
      const upper = join(podDir(h.dataDir, p!.metadata.uid ?? ''), 'containers', 'app', 'root', 'upper')
      expect(readFileSync(join(upper, marker), 'utf8')).toBe(`${p!.metadata.name}\n`)
    }
    expect(existsSync(`/${marker}`)).toBe(false)
    // The artifact's one shared copy (its working directory) is read-only to it, root as it is.
    for (const name of ['root-a', 'root-b'])
      expect(readFileSync(join(h.dataDir, `cwd-${name}`), 'utf8')).toBe('read-only\n')
    expect(eventLines(h.store, 'root-a').filter((l) => l.includes('Unhealthy'))).toEqual([])

    h.store.delete('Pod', 'default', 'root-a')
    await waitFor('root-a removed', () => getPod(h.store, 'root-a') === undefined, 15_000)
    // preStop ran inside: it read the replica's own /<marker>, and its /stop log went with the replica.
    expect(readFileSync(seen('root-a'), 'utf8')).toBe('root-a\n')
    expect(existsSync(`/stop-${marker}.log`)).toBe(false)
    expect(condition(getPod(h.store, 'root-b'), 'Ready')).toBe('True')
  })

  it('starts each instance of a container from a fresh scratch root, as a container starts from its image', async (ctx) => {
    const h = await harness()
    ctx.skip(!scratchRootHere(h.dataDir), WHY_SKIPPED)
    await h.agent.start()
    const log = join(h.dataDir, 'starts.log')
    const again = join(h.dataDir, 'second-start')
    // The first instance leaves /once behind and exits 1; the second, started at once, says whether it sees it.
    const script = `echo started >> ${log}; [ -f /once ] && echo kept >> ${log}; : > /once; [ -f ${again} ] && exec sleep 600; : > ${again}; exit 1`
    h.store.create(aPod({ name: 'again', phase: null, grace: 2, spec: { containers: [sh(script)] } }))
    await waitFor(
      'restarted and running',
      () => {
        const cs = getPod(h.store, 'again')?.status?.containerStatuses?.[0]
        return cs?.restartCount === 1 && cs.state.running !== undefined
      },
      20_000,
    )
    await waitFor('the second start logged', () => readFileSync(log, 'utf8') === 'started\nstarted\n')
    expect(readFileSync(log, 'utf8')).toBe('started\nstarted\n')
  })

  it('mounts emptyDir, hostPath, configMap and secret volumes at their mountPaths', async (ctx) => {
    const h = await harness()
    ctx.skip(!scratchRootHere(h.dataDir), WHY_SKIPPED)
    await h.agent.start()
    const host = mkdtempSync(join(tmpdir(), 'baton-hostpath-'))
    onTestFinished(() => rmSync(host, { recursive: true, force: true }))
    mkdirSync(join(host, 'out'))
    mkdirSync(join(host, 'ro'))
    writeFileSync(join(host, 'ro', 'given'), 'from the host\n')
    h.store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { 'app.yaml': 'level: debug\n', other: 'not projected' },
    })
    h.store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'default' },
      data: { password: Buffer.from('s3cret').toString('base64') },
    })
    const script = [
      'o=/host/out',
      'cat /etc/app/conf/app.yaml > $o/conf',
      'stat -c %a /etc/app/conf/app.yaml > $o/conf-mode',
      'ls /etc/app > $o/conf-list',
      'cat /secret/password > $o/password',
      'echo scratch > /scratch/x && cat /scratch/x > $o/empty',
      'cat /ro/given > $o/given',
      '(: > /ro/new) 2>/dev/null && echo writable > $o/ro || echo read-only > $o/ro',
      '(: > /etc/app/new) 2>/dev/null && echo writable > $o/cm || echo read-only > $o/cm',
      'exec sleep 600',
    ].join('; ')
    h.store.create(
      aPod({
        name: 'vols',
        phase: null,
        grace: 2,
        spec: {
          volumes: [
            { name: 'scratch', emptyDir: {} },
            { name: 'host', hostPath: { path: host, type: 'Directory' } },
            {
              name: 'cfg',
              configMap: { name: 'cfg', items: [{ key: 'app.yaml', path: 'conf/app.yaml', mode: 0o640 }] },
            },
            { name: 'creds', secret: { secretName: 'creds' } },
          ],
          containers: [
            sh(script, {
              volumeMounts: [
                { name: 'scratch', mountPath: '/scratch' },
                { name: 'host', mountPath: '/host' },
                { name: 'host', mountPath: '/ro', subPath: 'ro', readOnly: true },
                { name: 'cfg', mountPath: '/etc/app' },
                { name: 'creds', mountPath: '/secret' },
              ],
            }),
          ],
        },
      }),
    )
    await waitFor('the script done', () => existsSync(join(host, 'out', 'cm')), 20_000)
    const out = (f: string) => readFileSync(join(host, 'out', f), 'utf8')
    expect(out('conf')).toBe('level: debug\n')
    expect(out('conf-mode')).toBe('640\n')
    expect(out('conf-list')).toBe('conf\n')
    expect(out('password')).toBe('s3cret')
    expect(out('empty')).toBe('scratch\n')
    expect(out('given')).toBe('from the host\n')
    expect(out('ro')).toBe('read-only\n')
    expect(out('cm')).toBe('read-only\n')
    const uid = getPod(h.store, 'vols')?.metadata.uid ?? ''
    expect(readFileSync(join(podDir(h.dataDir, uid), 'volumes', 'empty-dir', 'scratch', 'x'), 'utf8')).toBe('scratch\n')
    expect(existsSync('/scratch/x')).toBe(false)
    expect(statSync(join(host, 'ro')).isDirectory()).toBe(true)
    expect(existsSync(join(host, 'ro', 'new'))).toBe(false)
  })

  it('waits in CreateContainerConfigError, saying why, when a configMap volume names a missing object', async (ctx) => {
    const h = await harness()
    ctx.skip(!scratchRootHere(h.dataDir), WHY_SKIPPED)
    await h.agent.start()
    h.store.create(
      aPod({
        name: 'no-cfg',
        phase: null,
        grace: 2,
        spec: {
          volumes: [{ name: 'cfg', configMap: { name: 'absent' } }],
          containers: [sh('exec sleep 600', { volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }] })],
        },
      }),
    )
    const waiting = await waitFor('CreateContainerConfigError', () => {
      const w = getPod(h.store, 'no-cfg')?.status?.containerStatuses?.[0]?.state.waiting
      return w?.reason === 'CreateContainerConfigError' && w
    })
    expect(waiting.message).toBe('volume "cfg": configmap "absent" not found')
    expect(eventLines(h.store, 'no-cfg')).toContain('Warning FailedMount volume "cfg": configmap "absent" not found')
  })
})
