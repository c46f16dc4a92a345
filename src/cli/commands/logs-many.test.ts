import { afterEach, describe, expect, it } from 'vitest'
import { aPod, at, podAsServed } from '../../../test/support/builders.ts'
import type { LogSource } from '../../server/ports.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

// A log source over fixed lines, 10 s apart from T0 (the harness clock), honouring tail and timestamps
// as the real reader does.
const LINES = ['one', 'two', 'three', 'four']
const logs: LogSource = {
  async *read(_ns, pod, container, opts) {
    const all = LINES.map((text, i) => ({
      time: at(i * 10).replace('Z', '.000000000Z'),
      text: `${pod}/${container} ${text}`,
    }))
    const shown = opts.tail === undefined ? all : all.slice(-opts.tail || all.length)
    for (const l of opts.tail === 0 ? [] : shown) yield opts.timestamps ? `${l.time} ${l.text}` : l.text
  },
}

let h: Harness
afterEach(() => h.close())

function seed(): void {
  h = createHarness({ logs })
  h.clock.advance(30_000)
  const withSidecar = aPod({ ...podAsServed('web-1'), labels: { app: 'web' } })
  withSidecar.spec.containers.push({ name: 'side', image: 's:1' })
  h.store.create(withSidecar)
  h.store.create(aPod({ ...podAsServed('web-2'), labels: { app: 'web' } }))
  h.store.create(aPod({ ...podAsServed('db-1'), labels: { app: 'db' } }))
}

describe('logs -l, --prefix, --all-containers, --since', () => {
  it('-l prints every matching pod, the last 10 lines of each by default', async () => {
    seed()
    expect(await h.run('logs -l app=web --tail=1')).toEqual({
      code: 0,
      err: '',
      out: 'web-1/web four\nweb-2/web four\n',
    })
    expect((await h.run('logs -l app=web')).out.split('\n').filter(Boolean)).toHaveLength(8)
  })

  it('--prefix names pod and container; --all-containers takes each container of the spec', async () => {
    seed()
    expect((await h.run('logs web-1 --all-containers --prefix --tail=1')).out).toBe(
      '[pod/web-1/web] web-1/web four\n[pod/web-1/side] web-1/side four\n',
    )
    expect((await h.run('logs deploy/nope --prefix')).err).toMatch(/^Error from server \(NotFound\)/)
  })

  it('--since keeps the lines of the last span, without timestamps unless asked', async () => {
    seed()
    expect((await h.run('logs web-2 --since=15s')).out).toBe('web-2/web three\nweb-2/web four\n')
    expect((await h.run('logs web-2 --since=15s --timestamps')).out).toBe(
      `${at(20).replace('Z', '.000000000Z')} web-2/web three\n${at(30).replace('Z', '.000000000Z')} web-2/web four\n`,
    )
    expect((await h.run('logs web-2 --since=1m --tail=1')).out).toBe('web-2/web four\n')
  })

  it('refuses to follow more streams than --max-log-requests', async () => {
    seed()
    const res = await h.run('logs -l app=web --all-containers -f --max-log-requests=2')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(
      /^error: you are attempting to follow 3 log streams, but maximum allowed concurrency is 2, use --max-log-requests to increase the limit\n/,
    )
  })

  it.each([
    { argv: 'logs web-1 -l app=web', err: 'error: only a selector (-l) or a POD/TYPE/NAME may be given, not both' },
    { argv: 'logs web-1 -c web --all-containers', err: 'error: --container cannot be combined with --all-containers' },
    { argv: 'logs web-1 --since=5', err: 'error: invalid argument "5" for "--since" flag' },
  ])('refuses $argv', async ({ argv, err }) => {
    seed()
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
  })
})
