/**
 * Issue 14 §3 end to end, through `baton apply` on a daemon started with `--runtime docker`:
 * a Deployment with cpu and memory limits and requests, a read-only root with capabilities
 * dropped, no privilege escalation, runAsNonRoot with a non-root user, an emptyDir (disk and
 * memory) and a configMap volume rolls out as containers with those settings on the engine,
 * its emptyDir under the daemon's data directory; deleting it removes the pod's volumes. A
 * quantity that does not parse is refused at apply with its path, and nothing is stored.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { NO_ENGINE, SKIP_REASON, testEngine } from '../../src/runtime/docker/testing.ts'
import { expectOk } from './support/baton.ts'
import { useDockerBaton } from './support/docker-baton.ts'

const deployment = (memoryLimit: string) =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'locked' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'locked' } },
      template: {
        metadata: { labels: { app: 'locked' } },
        spec: {
          terminationGracePeriodSeconds: 5,
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          volumes: [
            { name: 'cache', emptyDir: {} },
            { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
            { name: 'conf', configMap: { name: 'locked-conf' } },
          ],
          containers: [
            {
              name: 'web',
              image: 'web:v1',
              command: ['node', 'server.js'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
              resources: { limits: { cpu: '500m', memory: memoryLimit }, requests: { cpu: '100m', memory: '64Mi' } },
              securityContext: {
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'cache', mountPath: '/cache' },
                { name: 'scratch', mountPath: '/scratch' },
                { name: 'conf', mountPath: '/etc/locked', readOnly: true },
              ],
            },
          ],
        },
      },
    },
  })

const configMap = stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'locked-conf' },
  data: { mode: 'strict' },
})

describe.skipIf(NO_ENGINE)(`a Docker pod's resources, securityContext and volumes through apply${SKIP_REASON}`, () => {
  const batonOf = useDockerBaton()

  it('refuses a quantity that does not parse, naming it, and stores nothing', async () => {
    const b = batonOf()
    const file = join(b.dataDir, 'bad.yaml')
    writeFileSync(file, deployment('lots'))
    const r = await b.cli(['apply', '-f', file])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      `spec.template.spec.containers[0].resources.limits["memory"]: Invalid value: "lots": quantities must match the regular expression`,
    )
    const got = await b.cli(['get', 'deployment', 'locked'])
    expect(got.code).not.toBe(0)
  }, 60_000)

  it('runs it with the limits, the sandbox and the volumes on the engine, and removes the volumes with the pod', async () => {
    const b = batonOf()
    await b.apply(`${configMap}---\n${deployment('128Mi')}`)
    expectOk(
      'rollout',
      await b.cli(['rollout', 'status', 'deployment/locked', '--timeout=120s'], { timeoutMs: 150_000 }),
    )
    const engine = testEngine()
    const [listed] = await engine.listContainers({ filters: { label: [`baton.owner=${b.dataDir}`] } })
    const info = await engine.getContainer(listed?.Id ?? '').inspect()
    expect(info.HostConfig).toMatchObject({
      Memory: 128 * 2 ** 20,
      CpuQuota: 50_000,
      CpuPeriod: 100_000,
      CpuShares: 102,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    })
    expect(info.Config.User).toBe('1000')
    const uid = listed?.Labels['baton.pod.uid'] ?? ''
    const volumesDir = join(b.dataDir, 'docker-volumes')
    expect(info.Mounts.map((m) => [m.Destination, m.Type, m.RW]).sort()).toEqual([
      ['/cache', 'bind', true],
      ['/etc/locked', 'bind', false],
      ['/scratch', 'volume', true],
    ])
    expect(info.Mounts.find((m) => m.Destination === '/cache')?.Source).toBe(
      join(volumesDir, uid, 'empty-dir', 'cache'),
    )
    expect(readdirSync(volumesDir)).toEqual([uid])
    expectOk('delete', await b.cli(['delete', 'deployment', 'locked']))
    await expect.poll(() => existsSync(join(volumesDir, uid)), { timeout: 60_000 }).toBe(false)
    await expect
      .poll(async () => (await engine.listVolumes({ filters: { label: [`baton.pod.uid=${uid}`] } })).Volumes ?? [], {
        timeout: 60_000,
      })
      .toEqual([])
  }, 300_000)
})
