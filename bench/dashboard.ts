/**
 * Dashboard benchmark: how long after a pod's state changes in the store does its dot change
 * colour in the browser, during a real rolling update of R replicas (default 30) of
 * examples/web, in Debian's Chromium. Target: p99 < 500 ms.
 *
 * The store side is timed by a watch stream this process opens on the daemon's API: the
 * store calls watchers synchronously after each commit, so an event arrives here within a
 * loopback hop of its commit (the browser's own stream is a second such hop). The browser
 * side is a MutationObserver on the dots' data-state, timed with the same wall clock.
 * A state the browser never painted because the next one came within the same animation
 * frame (e.g. starting → ready in 10 ms) is counted as coalesced, not as a latency.
 *
 *   node bench/dashboard.ts                  # 30 replicas
 *   node bench/dashboard.ts --replicas 100
 *
 * Prints a JSON line, then a markdown row for docs/benchmarks.md ("Dashboard").
 */
import { parseArgs } from 'node:util'
import type { Pod } from '../src/api/types.ts'
import { launchChromium, signIn } from '../src/dashboard/testing.ts'
import { podState } from '../src/dashboard/ui/pod-state.ts'
import { expectOk, startBaton } from '../test/e2e/support/baton.ts'
import { webManifest } from '../test/e2e/support/manifests.ts'

const { values: args } = parseArgs({ options: { replicas: { type: 'string', default: '30' } } })
const REPLICAS = Number(args.replicas)
const now = () => performance.timeOrigin + performance.now()

interface Change {
  pod: string
  state: string
  t: number
}

const baton = await startBaton()
const browser = await launchChromium()
const storeChanges: Change[] = []
const watch = new AbortController()
try {
  await baton.apply(webManifest({ servicePort: baton.servicePort, replicas: REPLICAS }))
  expectOk(
    'rollout status',
    await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '300s'], { timeoutMs: 310_000 }),
  )

  const link = expectOk('dashboard', await baton.cli(['dashboard', '--no-open'])).stdout.trim()
  const page = await signIn(browser, link)
  await page.goto(`http://127.0.0.1:${baton.port}/ui/deployments/default/web`)
  await page.waitForFunction((n) => document.querySelectorAll('[data-state="ready"]').length === n, REPLICAS, {
    timeout: 60_000,
  })
  await page.evaluate(() => {
    const w = window as unknown as { changes: Array<{ pod: string; state: string; t: number }> }
    w.changes = []
    const t = () => performance.timeOrigin + performance.now()
    new MutationObserver((records) => {
      const at = t()
      for (const r of records) {
        const nodes = r.type === 'attributes' ? [r.target] : [...r.addedNodes]
        for (const n of nodes) {
          const el = n as HTMLElement
          if (el.dataset?.pod && el.dataset.state)
            w.changes.push({ pod: el.dataset.pod, state: el.dataset.state, t: at })
        }
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
  })

  // The store's side: every pod state change, as this process's own watch stream delivers it.
  const res = await baton.api('/api/v1/namespaces/default/pods?watch=true', { signal: watch.signal })
  const last = new Map<string, string>()
  const pump = (async () => {
    let buf = ''
    const decoder = new TextDecoder()
    for await (const chunk of res.body!) {
      const at = now()
      buf += decoder.decode(chunk as Uint8Array, { stream: true })
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const ev = JSON.parse(buf.slice(0, nl)) as { type: string; object: Pod }
        buf = buf.slice(nl + 1)
        if (ev.type === 'DELETED') continue
        const state = podState(ev.object)
        if (last.get(ev.object.metadata.name) !== state)
          storeChanges.push({ pod: ev.object.metadata.name, state, t: at })
        last.set(ev.object.metadata.name, state)
      }
    }
  })().catch(() => {})

  const started = now()
  expectOk('set image', await baton.cli(['set', 'image', 'deployment/web', 'web=web:v2']))
  expectOk(
    'rollout status',
    await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '300s'], { timeoutMs: 310_000 }),
  )
  const rolloutMs = now() - started
  await new Promise((r) => setTimeout(r, 2000))
  watch.abort()
  await pump
  const seen = await page.evaluate(() => (window as unknown as { changes: Change[] }).changes)

  // Only changes after the initial list (the watch starts with ADDED for every pod).
  const changes = storeChanges.filter((c) => c.t >= started - 50)
  const latencies: number[] = []
  let coalesced = 0
  for (const c of changes) {
    const match = seen.find((s) => s.pod === c.pod && s.state === c.state && s.t >= c.t - 5)
    if (match) latencies.push(Math.max(0, match.t - c.t))
    else coalesced++
  }
  latencies.sort((a, b) => a - b)
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? NaN
  const result = {
    replicas: REPLICAS,
    rolloutMs: Math.round(rolloutMs),
    changes: changes.length,
    measured: latencies.length,
    coalesced,
    p50Ms: Math.round(q(0.5)),
    p90Ms: Math.round(q(0.9)),
    p99Ms: Math.round(q(0.99)),
    maxMs: Math.round(latencies.at(-1) ?? NaN),
  }
  console.log(JSON.stringify(result))
  console.log(
    `| ${REPLICAS} | ${(result.rolloutMs / 1000).toFixed(1)} s | ${result.changes} | ${result.measured} | ${result.coalesced} | ${result.p50Ms} ms | ${result.p90Ms} ms | ${result.p99Ms} ms | ${result.maxMs} ms |`,
  )
} finally {
  watch.abort()
  await browser.close()
  await baton.stop()
}
