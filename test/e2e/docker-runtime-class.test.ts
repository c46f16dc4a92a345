/**
 * Issue 14 §1 end to end: a node started with `baton up --runtime docker` runs both runtimes.
 * The RuntimeClasses process and docker are listed; a pod without runtimeClassName runs as a
 * container, one with `runtimeClassName: process` as a process from a pushed artifact, side by
 * side, both Ready and both serving.
 */
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { NO_ENGINE, SKIP_REASON, testEngine } from '../../src/runtime/docker/testing.ts'
import type { AnalysisRun } from '../../src/api/types.ts'
import { aJobMetric } from '../support/builders.ts'
import { DEFAULT_IMAGES, expectOk } from './support/baton.ts'
import { useDockerBaton } from './support/docker-baton.ts'

const deployment = (name: string, runtimeClassName?: string) =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...(runtimeClassName ? { runtimeClassName } : {}),
          terminationGracePeriodSeconds: 10,
          containers: [
            {
              name: 'web',
              image: 'web:v1',
              command: ['node', 'server.js'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  })

describe.skipIf(NO_ENGINE)(`one node, both runtimes${SKIP_REASON}`, () => {
  const batonOf = useDockerBaton()

  it('lists the RuntimeClasses and runs a container and a process side by side', async () => {
    const b = batonOf()
    const classes = expectOk('get runtimeclass', await b.cli(['get', 'runtimeclass', '-o', 'name']))
    expect(classes.stdout).toBe('runtimeclass.node.k8s.io/process\nruntimeclass.node.k8s.io/docker\n')
    expectOk('push', await b.cli(['push', 'web:v1', DEFAULT_IMAGES['web:v1'] as string]))
    await b.apply(`${deployment('in-docker')}---\n${deployment('as-process', 'process')}`)
    for (const name of ['in-docker', 'as-process']) {
      expectOk(
        `wait ${name}`,
        await b.cli(['rollout', 'status', `deployment/${name}`, '--timeout=120s'], { timeoutMs: 150_000 }),
      )
    }
    const ids = async (name: string) =>
      expectOk(
        'get pod',
        await b.cli([
          'get',
          'pods',
          '-l',
          `app=${name}`,
          '-o',
          'jsonpath={.items[0].status.containerStatuses[0].containerID}',
        ]),
      ).stdout
    expect(await ids('in-docker')).toMatch(/^docker:\/\/[0-9a-f]{64}$/)
    expect(await ids('as-process')).not.toMatch(/^docker:/)
    const containers = await testEngine().listContainers({ filters: { label: [`baton.owner=${b.dataDir}`] } })
    expect(containers.map((c) => c.Labels['baton.pod.name'])).toEqual([expect.stringMatching(/^in-docker-/)])
  }, 300_000)

  it("runs a job metric's pod as a container: its exit code and output are the measurement's", async () => {
    const b = batonOf()
    await b.apply(
      stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: { name: 'smoke' },
        spec: {
          metrics: [
            aJobMetric({
              spec: { backoffLimit: 0 },
              container: {
                name: 'check',
                image: 'web:v1',
                command: ['node', '-e', 'console.log("checked in a container"); process.exit(2)'],
              },
            }),
          ],
        },
      }),
    )
    const run = async () =>
      JSON.parse(
        expectOk('get analysisrun', await b.cli(['get', 'analysisrun', 'smoke', '-o', 'json'])).stdout,
      ) as AnalysisRun
    await expect.poll(async () => (await run()).status?.phase, { timeout: 120_000, interval: 500 }).toBe('Failed')
    const measurement = (await run()).status?.metricResults?.[0]?.measurements?.[0]
    console.log(`[e2e] docker job metric: ${JSON.stringify(measurement)}`)
    expect(measurement).toMatchObject({ phase: 'Failed', value: '2' })
    expect(measurement?.message).toContain('container check exited 2')
    expect(measurement?.message).toContain('checked in a container')
    const id = expectOk(
      'get pod',
      await b.cli(['get', 'pods', 'smoke-smoke-1-0', '-o', 'jsonpath={.status.containerStatuses[0].containerID}']),
    ).stdout
    expect(id).toMatch(/^docker:\/\/[0-9a-f]{64}$/)
  }, 180_000)
})
