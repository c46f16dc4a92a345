/**
 * @module
 * How long a hung replica takes to be replaced: one replica of the example app (its readiness
 * probe and preStop hook, examples/web/deployment-10.yaml) with a liveness probe on /healthz,
 * on a real daemon (period 5 s as examples/web/deployment.yaml); the replica is frozen with SIGSTOP and the clock runs until the pod is
 * Ready again with a new instance. Prints the seconds and the pod's events.
 *
 *   node bench/hung-replica.ts [--period 5] [--failures 3] [--grace 30]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../test/e2e/support/ports.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin', 'baton.mjs')
const { values } = parseArgs({
  options: {
    period: { type: 'string', default: '5' },
    failures: { type: 'string', default: '3' },
    grace: { type: 'string', default: '30' },
  },
})

const dataDir = mkdtempSync(join(tmpdir(), 'baton-hung-'))
const baton = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`baton ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
interface PodJson {
  metadata: { name: string }
  status?: {
    conditions?: Array<{ type: string; status: string }>
    containerStatuses?: Array<{ restartCount: number; containerID?: string }>
  }
}
const pod = (): PodJson => (JSON.parse(baton('get', 'pods', '-o', 'json')) as { items: PodJson[] }).items[0]!
const ready = (p: PodJson) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true

try {
  baton('up', '-d', '--port', String(await freePort()))
  baton('push', 'web:v1', join(ROOT, 'examples', 'web', 'v1'))
  const servicePort = await freePort()
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: ${values.grace}
      containers:
        - name: web
          image: web:v1
          command: ["node", "server.js"]
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 1}
          livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: ${values.period}, failureThreshold: ${values.failures}}
          lifecycle: {preStop: {httpGet: {path: /prestop, port: http}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: ${servicePort}, targetPort: http}]
`
  writeFileSync(join(dataDir, 'web.yaml'), manifest)
  baton('apply', '-f', join(dataDir, 'web.yaml'))
  baton('rollout', 'status', 'deployment/web', '--timeout', '60s')
  const before = pod()
  const pid = Number(before.status!.containerStatuses![0]!.containerID!.replace('process://', ''))
  // After a passing liveness probe (the one at start may have been refused: it would count).
  await sleep(Number(values.period) * 1000 + 1500)
  process.kill(-pid, 'SIGSTOP') // the whole process group: the shim and the app
  const t0 = performance.now()
  const wall0 = Date.now()
  let unreadyAt: number | undefined
  for (;;) {
    await sleep(250)
    const p = pod()
    if (!ready(p)) unreadyAt ??= performance.now()
    if ((p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && ready(p)) break
    if (performance.now() - t0 > 300_000) {
      console.log(baton('get', 'events'), JSON.stringify(p.status, null, 1))
      throw new Error('not replaced within 300 s')
    }
  }
  const s = (ms: number) => (ms / 1000).toFixed(1)
  console.log(
    `period ${values.period}s x ${values.failures}, grace ${values.grace}s: unready after ${s((unreadyAt ?? t0) - t0)} s, replaced (Ready again) after ${s(performance.now() - t0)} s`,
  )
  // The timeline: each event of the pod since the hang, seconds after it (firstTimestamp for the first of a series).
  const events = (
    JSON.parse(baton('get', 'events', '-o', 'json')) as {
      items: Array<{ reason: string; message: string; count?: number; firstTimestamp?: string; lastTimestamp?: string }>
    }
  ).items
  for (const e of events) {
    const at = (t: string | undefined) => (t ? ((Date.parse(t) - wall0) / 1000).toFixed(0) : '?')
    if (Date.parse(e.lastTimestamp ?? '') >= wall0 - 1000)
      console.log(
        `${at(e.firstTimestamp)}..${at(e.lastTimestamp)} s  x${e.count ?? 1}  ${e.reason}: ${e.message.slice(0, 90)}`,
      )
  }
} finally {
  spawnSync(process.execPath, [BIN, 'down', '--all', '--data-dir', dataDir])
  rmSync(dataDir, { recursive: true, force: true })
}
