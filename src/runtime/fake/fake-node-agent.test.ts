import { describe, expect, it } from 'vitest'
import { aContainer } from '../../../test/support/builders.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { type RuntimeFixture, runRuntimeConformance } from '../runtime.case.test.ts'
import { FakeNodeAgent, type FakeNodeAgentOptions } from './fake-node-agent.ts'

const STEP_MS = 100

function fakeFixture(extra: Partial<FakeNodeAgentOptions> = {}): RuntimeFixture & { clock: FakeClock } {
  const clock = new FakeClock()
  const store = createMemoryStore({ clock, ids: sequentialIds() })
  const options = { store, clock, startDelayMs: 200, readyDelayMs: 500, terminateDelayMs: 300, ...extra }
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += STEP_MS) clock.advance(Math.min(STEP_MS, ms - t))
  }
  return {
    clock,
    store,
    agent: new FakeNodeAgent(options),
    newAgent: () => new FakeNodeAgent({ ...options, firstHostPort: 40000 }),
    async eventually(probe, timeoutMs) {
      for (let waited = 0; ; waited += STEP_MS) {
        const v = probe()
        if (v) return v
        if (waited >= timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms of fake time`)
        clock.advance(STEP_MS)
      }
    },
    elapse: async (ms) => advance(ms),
    podSpec: ({ readinessProbe, missingImage }) => ({
      containers: [aContainer('app', missingImage ? 'missing:1' : 'app:1', readinessProbe)],
      terminationGracePeriodSeconds: 5,
    }),
    cleanup: async () => store.close(),
  }
}

runRuntimeConformance('FakeNodeAgent', async () => fakeFixture({ isImageKnown: (image) => image !== 'missing:1' }))

describe('FakeNodeAgent timeline', () => {
  const pod = (name: string, image = 'app:1') => ({
    apiVersion: 'v1' as const,
    kind: 'Pod' as const,
    metadata: { name, namespace: 'default' },
    spec: { containers: [aContainer('app', image)], nodeName: 'baton-node' },
  })

  it('goes Pending → Running → Ready on the configured delays', async () => {
    const f = fakeFixture()
    await f.agent.start()
    f.store.create<'Pod'>(pod('p'))
    const phases: string[] = []
    f.store.watch('Pod', {}, (ev) => {
      const ready = ev.object.status?.conditions?.find((c) => c.type === 'Ready')?.status
      phases.push(`${f.clock.now() - Date.parse('2026-01-01T00:00:00Z')}:${ev.object.status?.phase}:${ready}`)
    })
    f.clock.advance(1000)
    expect(phases).toEqual(['0:Pending:False', '200:Running:False', '700:Running:True'])
  })

  it('takes a start delay per pod from behavior, over the option', async () => {
    const f = fakeFixture({ behavior: (p) => (p.metadata.name === 'slow' ? { startDelayMs: 900 } : undefined) })
    await f.agent.start()
    f.store.create<'Pod'>(pod('slow'))
    f.store.create<'Pod'>(pod('quick'))
    f.clock.advance(300)
    expect(['slow', 'quick'].map((n) => f.store.get('Pod', 'default', n)?.status?.phase)).toEqual([
      'Pending',
      'Running',
    ])
    f.clock.advance(600)
    expect(f.store.get('Pod', 'default', 'slow')?.status?.phase).toBe('Running')
  })

  it('never readies an image configured with readyDelayMs Infinity and does not pull unknown images', async () => {
    const f = fakeFixture({ images: { 'app:broken': { readyDelayMs: Number.POSITIVE_INFINITY } } })
    await f.agent.start()
    f.store.create<'Pod'>(pod('broken', 'app:broken'))
    f.clock.advance(60_000)
    const p = f.store.get('Pod', 'default', 'broken')
    expect(p?.status?.phase).toBe('Running')
    expect(p?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False')
  })

  it('records a Warning event when an image cannot be pulled', async () => {
    const f = fakeFixture({ isImageKnown: () => false })
    await f.agent.start()
    f.store.create<'Pod'>(pod('nopull', 'ghost:1'))
    f.clock.advance(2000)
    const events = f.store.list('Event').items.map((e) => `${e.type} ${e.reason} ${e.message}`)
    expect(events[0]).toMatch(/^Warning Failed Failed to pull image "ghost:1": /)
    expect(events).toContain('Normal BackOff Back-off pulling image "ghost:1"')
  })

  it('waits for the drain gate before removing a terminating pod', async () => {
    let release: () => void = () => {}
    const gate = { waitDrained: () => new Promise<void>((r) => (release = r)) }
    const f = fakeFixture({ drainGate: gate, terminateDelayMs: 0 })
    await f.agent.start()
    f.store.create<'Pod'>(pod('drained'))
    f.clock.advance(1000)
    f.store.delete('Pod', 'default', 'drained')
    f.clock.advance(1000)
    expect(f.store.get('Pod', 'default', 'drained')).toBeDefined()
    release()
    await Promise.resolve()
    f.clock.advance(0)
    expect(f.store.get('Pod', 'default', 'drained')).toBeUndefined()
  })
})
