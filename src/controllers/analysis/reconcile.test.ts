import { describe, expect, it } from 'vitest'
import type { AnalysisMetric, AnalysisRun } from '../../api/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { silentLogger } from '../../platform/logger.ts'
import { ObjectCache } from '../../reconciler/object-cache.ts'
import type { TrafficSample } from '../../rollout/revision-figures.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { RUN_HASH_LABEL, createAnalysisController } from './reconcile.ts'
import type { WebAnswer, WebCheck } from './web-provider.ts'
import type { JobOutputRef } from './job-provider.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import { base64Utf8 } from '../../api/secret.ts'
import { aContainerStatus, aJobMetric } from '../../../test/support/builders.ts'

const counters = (requests: number, errors: number) => ({
  requests,
  errors,
  failedConnections: 0,
  latency: requests ? ([[4, requests]] as Array<[number, number]>) : [],
})

/** A run of `metrics` measuring revision "v2", over a memory store, a FakeClock, a fake load balancer and web. */
function setup(metrics: AnalysisMetric[], args?: AnalysisRun['spec']['args']) {
  const clock = new FakeClock()
  const ids = sequentialIds()
  const store = createMemoryStore({ clock, ids })
  const cache = new ObjectCache(store, ['AnalysisRun', 'Pod', 'Secret'])
  cache.start()
  const traffic: { sample?: TrafficSample } = {}
  const web: { answers: Map<string, WebAnswer>; asked: Array<{ key: string; check: WebCheck }> } = {
    answers: new Map(),
    asked: [],
  }
  const jobs: { outputs: Map<string, string>; asked: Array<{ key: string; output: JobOutputRef }> } = {
    outputs: new Map(),
    asked: [],
  }
  const deps: ControllerDeps = {
    store,
    cache,
    clock,
    ids,
    logger: silentLogger,
    traffic: () => traffic.sample,
    web: (key, check) => {
      web.asked.push({ key, check })
      return web.answers.get(key)
    },
    jobs: (key, output) => {
      jobs.asked.push({ key, output })
      return jobs.outputs.get(key)
    },
  }
  store.create<'AnalysisRun'>({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'run', namespace: 'default', labels: { [RUN_HASH_LABEL]: 'v2' } },
    spec: { metrics, ...(args ? { args } : {}) },
  })
  const controller = createAnalysisController(deps)
  const reconcile = () => controller.reconcile('default/run', { id: '1', logger: () => silentLogger } as never)
  const run = () => store.get('AnalysisRun', 'default', 'run') as AnalysisRun
  const setTraffic = (requests: number, errors: number) =>
    (traffic.sample = { proxyStartedAtMs: 1, revisions: { v2: counters(requests, errors) } })
  /** The node agent's part: a job pod's container exits with `exitCode`. */
  const exit = (pod: string, exitCode: number) => {
    const p = store.get('Pod', 'default', pod)!
    store.updateStatus<'Pod'>({
      ...p,
      status: {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: [
          aContainerStatus('smoke', 'smoke:v1', { terminated: { exitCode, finishedAt: formatTimestamp(clock.now()) } }),
        ],
      },
    })
  }
  const pods = () => store.list('Pod', { namespace: 'default' }).items
  return { clock, reconcile, run, setTraffic, traffic, web, jobs, exit, pods, store }
}

describe('analysis controller, baton provider', () => {
  const errorRatio: AnalysisMetric = {
    name: 'errors',
    interval: '10s',
    count: 2,
    successCondition: 'result < 0.05',
    provider: { baton: { metric: 'errorRatio' } },
  }

  it('measures the window since the last reading: 1% errors passes, then 10% fails the run', () => {
    const h = setup([errorRatio])
    h.setTraffic(1000, 0)
    expect(h.reconcile()).toEqual({ requeueAfterMs: 10_000 })
    expect(h.run().status?.metricResults?.[0]?.measurements ?? []).toHaveLength(0)
    h.clock.advance(10_000)
    h.setTraffic(1100, 1)
    h.reconcile()
    expect(h.run().status?.metricResults?.[0]).toMatchObject({ count: 1, successful: 1, phase: 'Running' })
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]?.value).toBe('0.01')
    h.clock.advance(10_000)
    h.setTraffic(1200, 11)
    h.reconcile()
    expect(h.run().status).toMatchObject({
      phase: 'Failed',
      message: 'Metric "errors" assessed Failed due to failed (1) > failureLimit (0)',
    })
    expect(h.run().status?.metricResults?.[0]?.measurements?.[1]?.value).toBe('0.1')
  })

  it('too few requests is Inconclusive, never a pass', () => {
    const h = setup([{ ...errorRatio, count: 1, interval: undefined }])
    h.setTraffic(0, 0)
    h.reconcile()
    h.clock.advance(10_000)
    h.setTraffic(5, 0)
    h.reconcile()
    expect(h.run().status?.phase).toBe('Inconclusive')
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]?.message).toContain(
      'too few requests to judge: 5 of the 20',
    )
  })

  it('waits for the load balancer figures instead of measuring nothing', () => {
    const h = setup([errorRatio])
    expect(h.reconcile()).toEqual({ requeueAfterMs: 500 })
    expect(h.run().status?.metricResults?.[0]?.metadata).toBeUndefined()
  })

  it('times a window by when the figures were read: a sample older than the window end waits for a newer one', () => {
    const h = setup([errorRatio])
    const t0 = h.clock.now()
    h.traffic.sample = { proxyStartedAtMs: 1, atMs: t0, revisions: { v2: counters(1000, 0) } }
    h.reconcile()
    h.clock.advance(10_000)
    // The daemon has not read the load balancer since: the same counters, read at t0.
    expect(h.reconcile()).toEqual({ requeueAfterMs: 500 })
    expect(h.run().status?.metricResults?.[0]?.measurements ?? []).toHaveLength(0)
    h.clock.advance(1_000)
    h.traffic.sample = { proxyStartedAtMs: 1, atMs: t0 + 10_500, revisions: { v2: counters(1300, 30) } }
    h.reconcile()
    const m = h.run().status?.metricResults?.[0]
    expect(m?.measurements?.[0]).toMatchObject({ phase: 'Failed', value: '0.1' })
    expect(m?.metadata?.['baton.dev/baseline-at-ms']).toBe(String(t0 + 10_500))
  })

  it('a run without the revision label measures nothing: Error after the consecutive error limit', () => {
    const h = setup([{ ...errorRatio, provider: { baton: { metric: 'errorRatio', revision: 'Stable' } } }])
    h.setTraffic(100, 0)
    for (let i = 0; i < 5; i++) {
      h.reconcile()
      h.clock.advance(10_000)
    }
    expect(h.run().status?.phase).toBe('Error')
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]?.message).toContain('annotation')
  })
})

describe('analysis controller, web provider', () => {
  const web = (jsonPath?: string): AnalysisMetric => ({
    name: 'check',
    successCondition: 'result == true',
    provider: { web: { url: 'http://127.0.0.1:9/{{args.path}}', ...(jsonPath ? { jsonPath } : {}) } },
  })

  it('GETs the URL with the args filled in and judges the JSON at jsonPath', () => {
    const h = setup([web('{$.ok}')], [{ name: 'path', value: 'healthz' }])
    expect(h.reconcile()).toEqual({ requeueAfterMs: 250 })
    const key = h.web.asked[0]!.key
    expect(h.web.asked[0]!.check.url).toBe('http://127.0.0.1:9/healthz')
    h.web.answers.set(key, { status: 200, body: '{"ok": true}' })
    h.reconcile()
    expect(h.run().status?.phase).toBe('Successful')
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]?.value).toBe('true')
  })

  it('a non-2xx answer is an Error measurement, retried', () => {
    const h = setup([web()], [{ name: 'path', value: 'x' }])
    h.reconcile()
    h.web.answers.set(h.web.asked[0]!.key, { status: 503, body: '' })
    expect(h.reconcile()).toEqual({ requeueAfterMs: 10_000 })
    expect(h.run().status?.metricResults?.[0]).toMatchObject({ error: 1, consecutiveError: 1, phase: 'Running' })
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]?.message).toBe('received non 2xx response code: 503')
  })

  it('an argument without a value is an Error run naming it', () => {
    const h = setup([web()])
    h.reconcile()
    expect(h.run().status).toMatchObject({
      phase: 'Error',
      message: expect.stringContaining('args.path was not resolved'),
    })
  })
})

describe('analysis controller, args from a Secret', () => {
  const token = [{ name: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }]
  const check: AnalysisMetric = {
    name: 'check',
    successCondition: 'result.ok == true',
    provider: {
      web: {
        url: 'http://127.0.0.1:9/check?t={{args.token}}',
        headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
      },
    },
  }
  const putSecret = (h: ReturnType<typeof setup>, data: Record<string, string>) =>
    h.store.create<'Secret'>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'api', namespace: 'default' },
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64Utf8(v)])),
    })

  it('reads the key when the run is assessed: the GET carries it, the stored run only the reference', () => {
    const h = setup([check], token)
    putSecret(h, { token: 'tok-123' })
    h.reconcile()
    expect(h.web.asked[0]!.check).toMatchObject({
      url: 'http://127.0.0.1:9/check?t=tok-123',
      headers: { Authorization: 'Bearer tok-123' },
    })
    h.web.answers.set(h.web.asked[0]!.key, { status: 200, body: '{"ok": true}' })
    h.reconcile()
    expect(h.run().status?.phase).toBe('Successful')
    expect(h.run().spec.args).toEqual(token)
    expect(JSON.stringify(h.run())).not.toContain('tok-123')
  })

  it('masks the value in what a measurement says: a refused URL, an answer echoing it', () => {
    const h = setup([{ ...check, interval: '10s', count: 2 }], token)
    putSecret(h, { token: 'tok-123' })
    h.reconcile()
    h.web.answers.set(h.web.asked[0]!.key, { error: 'GET http://127.0.0.1:9/check?t=tok-123: ECONNREFUSED' })
    h.reconcile()
    h.clock.advance(10_000)
    h.reconcile()
    h.web.answers.set(h.web.asked.at(-1)!.key, { status: 200, body: '{"ok": false, "saw": "Bearer tok-123"}' })
    h.reconcile()
    const result = h.run().status?.metricResults?.[0]
    expect(result?.measurements?.map((m) => [m.phase, m.message ?? m.value])).toEqual([
      ['Error', 'GET http://127.0.0.1:9/check?t=*****: ECONNREFUSED'],
      ['Failed', '{"ok":false,"saw":"Bearer *****"}'],
    ])
    expect(h.run().status?.phase).toBe('Failed')
    expect(JSON.stringify(h.run())).not.toContain('tok-123')
  })

  it("a job metric's pod gets the value in its spec, as Argo's Job does; its output tail is masked", () => {
    const smoke = aJobMetric({
      spec: { backoffLimit: 0 },
      container: { name: 'smoke', image: 'smoke:v1', command: ['smoke', '{{args.token}}'] },
    })
    const h = setup([smoke], token)
    putSecret(h, { token: 'tok-123' })
    h.reconcile()
    expect(h.pods().map((p) => p.spec.containers[0]?.command)).toEqual([['smoke', 'tok-123']])
    h.exit('run-smoke-1-0', 1)
    h.reconcile()
    h.jobs.outputs.set(h.jobs.asked[0]!.key, 'login with tok-123 refused')
    h.reconcile()
    expect(h.run().status?.phase).toBe('Failed')
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]?.message).toContain(
      'output (last lines): login with ***** refused',
    )
    expect(JSON.stringify(h.run())).not.toContain('tok-123')
  })

  const missing: Array<{ name: string; data?: Record<string, string>; message: string }> = [
    { name: 'no Secret', message: 'Unable to resolve metric arguments: secrets "api" not found' },
    {
      name: 'no such key',
      data: { other: 'x' },
      message: "Unable to resolve metric arguments: key 'token' does not exist in secret 'api'",
    },
  ]
  for (const c of missing) {
    it(`${c.name}: the run ends Error with Argo's message, measuring nothing`, () => {
      const h = setup([check], token)
      if (c.data) putSecret(h, c.data)
      expect(h.reconcile()).toEqual({})
      expect(h.run().status).toMatchObject({ phase: 'Error', message: c.message })
      expect(h.web.asked).toHaveLength(0)
    })
  }
})

describe('analysis controller, job provider', () => {
  const job = (backoffLimit: number): AnalysisMetric =>
    aJobMetric({
      spec: { backoffLimit },
      container: { name: 'smoke', image: 'smoke:v1', command: ['node', 'smoke.js', '{{args.code}}'] },
    })

  it('runs the job as a pod owned by the run; exit 0 is Successful, with its exit code and output', () => {
    const h = setup([job(0)], [{ name: 'code', value: '0' }])
    h.reconcile()
    expect(h.pods().map((p) => [p.metadata.name, p.spec.containers[0]?.command])).toEqual([
      ['run-smoke-1-0', ['node', 'smoke.js', '0']],
    ])
    // While the job runs the run shows its measurement Running, uncounted, as Argo's does.
    const t0 = h.clock.now()
    const running = { phase: 'Running', startedAt: formatTimestamp(t0), metadata: { 'job-name': 'run-smoke-1' } }
    expect(h.run().status?.metricResults?.[0]).toMatchObject({ phase: 'Running', measurements: [running] })
    expect(h.run().status?.metricResults?.[0]?.count).toBeUndefined()
    // A second sync while it runs starts nothing more, and records the same measurement.
    h.clock.advance(1_000)
    h.reconcile()
    expect(h.pods()).toHaveLength(1)
    expect(h.run().status?.metricResults?.[0]?.measurements).toEqual([running])
    h.exit('run-smoke-1-0', 0)
    expect(h.reconcile()).toEqual({ requeueAfterMs: 250 })
    expect(h.jobs.asked.map((a) => a.output)).toEqual([
      { namespace: 'default', pod: 'run-smoke-1-0', container: 'smoke' },
    ])
    h.jobs.outputs.set(h.jobs.asked[0]!.key, 'all good')
    h.reconcile()
    expect(h.run().status?.phase).toBe('Successful')
    // Finished in place: one measurement, from the job's start to now.
    expect(h.run().status?.metricResults?.[0]?.measurements).toHaveLength(1)
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]).toMatchObject({
      phase: 'Successful',
      startedAt: formatTimestamp(t0),
      finishedAt: formatTimestamp(t0 + 1_000),
      value: '0',
      message: 'job run-smoke-1 succeeded on attempt 1: container smoke exited 0; output (last lines): all good',
      metadata: { 'job-name': 'run-smoke-1' },
    })
  })

  it('a non-zero exit is retried after the back-off, then Failed once backoffLimit is spent', () => {
    const h = setup([job(1)], [{ name: 'code', value: '1' }])
    h.reconcile()
    h.exit('run-smoke-1-0', 1)
    expect(h.reconcile()).toEqual({ requeueAfterMs: 10_000 })
    expect(h.pods()).toHaveLength(1)
    h.clock.advance(10_000)
    h.reconcile()
    expect(h.pods().map((p) => p.metadata.name)).toEqual(['run-smoke-1-0', 'run-smoke-1-1'])
    h.exit('run-smoke-1-1', 3)
    h.reconcile()
    h.jobs.outputs.set(h.jobs.asked[0]!.key, 'FAIL')
    h.reconcile()
    expect(h.run().status?.phase).toBe('Failed')
    // The retry kept the one Running measurement; it finished Failed in place.
    expect(h.run().status?.metricResults?.[0]?.measurements).toHaveLength(1)
    expect(h.run().status?.metricResults?.[0]?.measurements?.[0]).toMatchObject({
      phase: 'Failed',
      value: '3',
      message: expect.stringContaining(
        'BackoffLimitExceeded after 2 attempts (backoffLimit 1): container smoke exited 3',
      ),
    })
  })

  it('restartPolicy OnFailure: restarts in place count toward backoffLimit; the pod is stopped once its output is read', () => {
    const onFailure = aJobMetric({
      spec: { backoffLimit: 1 },
      container: { name: 'smoke', image: 'smoke:v1' },
      podSpec: { restartPolicy: 'OnFailure' },
    })
    const h = setup([onFailure])
    h.reconcile()
    // The node agent restarted the failed container in the same pod: restartCount 1, running again.
    const p = h.store.get('Pod', 'default', 'run-smoke-1-0')!
    const smoke = aContainerStatus('smoke', 'smoke:v1', { running: {} })
    const lastState = { terminated: { exitCode: 2, reason: 'Error', finishedAt: formatTimestamp(h.clock.now()) } }
    h.store.updateStatus<'Pod'>({
      ...p,
      status: { phase: 'Running', containerStatuses: [{ ...smoke, restartCount: 1, lastState }] },
    })
    expect(h.reconcile()).toEqual({ requeueAfterMs: 250 })
    // No second attempt; the failed instance's output asked for; the pod still runs meanwhile.
    expect(h.jobs.asked.map((a) => a.output)).toEqual([
      { namespace: 'default', pod: 'run-smoke-1-0', container: 'smoke', previous: true },
    ])
    expect(h.pods().map((x) => [x.metadata.name, x.metadata.deletionTimestamp])).toEqual([['run-smoke-1-0', undefined]])
    h.jobs.outputs.set(h.jobs.asked[0]!.key, 'connection refused')
    h.reconcile()
    expect(h.run().status?.phase).toBe('Failed')
    expect(h.run().status?.metricResults?.[0]?.measurements).toEqual([
      expect.objectContaining({
        phase: 'Failed',
        value: '2',
        message:
          'job run-smoke-1 failed: BackoffLimitExceeded after 1 container restart (backoffLimit 1): container smoke exited 2 (Error); output (last lines): connection refused',
      }),
    ])
    expect(h.pods().map((x) => x.metadata.deletionTimestamp !== undefined)).toEqual([true])
  })

  it('a run terminated while its job runs stops the job pod', () => {
    const h = setup([job(0)], [{ name: 'code', value: '0' }])
    h.reconcile()
    expect(h.pods()).toHaveLength(1)
    h.store.update<'AnalysisRun'>({ ...h.run(), spec: { ...h.run().spec, terminate: true } })
    h.reconcile()
    // Bound to a node, the pod is terminating (the node agent removes it once it has stopped).
    expect(h.pods().map((p) => p.metadata.deletionTimestamp !== undefined)).toEqual([true])
    // Its Running measurement ends as Argo's job provider ends a terminated job's.
    expect(h.run().status?.phase).toBe('Successful')
    expect(h.run().status?.metricResults?.[0]?.measurements).toEqual([
      expect.objectContaining({
        phase: 'Successful',
        message: 'metric terminated',
        finishedAt: formatTimestamp(h.clock.now()),
      }),
    ])
  })
})
