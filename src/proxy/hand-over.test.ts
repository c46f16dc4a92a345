import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { silentLogger } from '../platform/logger.ts'
import { handOverWhenReplaced, type RetiringPlane } from './hand-over.ts'
import { writeProxyFiles } from './proxy-files.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A data plane that records what the hand-over did; connections end when the test says. */
class FakePlane implements RetiringPlane {
  retired = false
  idleClosed = 0
  closed = false
  open: number
  idle: number
  constructor(open: number, idle: number) {
    this.open = open
    this.idle = idle
  }
  retire(): number {
    this.retired = true
    return this.open
  }
  closeIdle(): void {
    this.idleClosed += this.idle
    this.open -= this.idle
    this.idle = 0
  }
  openConnections(): number {
    return this.open
  }
  close(): void {
    this.closed = true
    this.open = 0
  }
}

const DEAD_PARENT = 2 ** 22 + 7 // above Linux's pid_max default: never a live process

function setUp(plane: RetiringPlane) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-hand-over-'))
  dirs.push(dir)
  const clock = new FakeClock()
  const exits: number[] = []
  writeProxyFiles(dir, { pid: DEAD_PARENT, controlAddress: 'http://127.0.0.1:1', startedAtMs: 0, workers: 2 }, 't')
  handOverWhenReplaced({
    dataDir: dir,
    parentPid: DEAD_PARENT,
    plane,
    clock,
    logger: silentLogger,
    exit: () => exits.push(clock.now()),
    closeListeners: (fn) => fn(),
  })
  // This test process stands in for the replacement: a live pid other than the parent.
  const replace = () =>
    writeProxyFiles(dir, { pid: process.pid, controlAddress: 'http://127.0.0.1:2', startedAtMs: 0, workers: 2 }, 't')
  return { clock, exits, replace, startedAt: clock.now() }
}

describe('handOverWhenReplaced', () => {
  it('serves until proxy.json names a live replacement, then stops accepting and exits once its connections end', () => {
    const plane = new FakePlane(3, 0)
    const { clock, exits, replace } = setUp(plane)
    clock.advance(5_000)
    expect(plane.retired).toBe(false)
    replace()
    clock.advance(100)
    expect(plane.retired).toBe(true)
    expect(exits).toEqual([])
    plane.open = 0 // each ended after its next answer
    clock.advance(100)
    expect(exits).toHaveLength(1)
    expect(plane.closed).toBe(false)
  })

  const bounds = [
    {
      name: 'connections that stay idle are closed after a second',
      plane: () => new FakePlane(2, 2),
      replaced: true,
      check: (p: FakePlane, exitAt: number, start: number) => {
        expect(p.idleClosed).toBe(2)
        expect(p.closed).toBe(false)
        expect(exitAt - start).toBeLessThan(1_500)
      },
    },
    {
      name: 'what is still busy 30 s after the hand-over is dropped',
      plane: () => new FakePlane(1, 0),
      replaced: true,
      check: (p: FakePlane, exitAt: number, start: number) => {
        expect(p.closed).toBe(true)
        expect(exitAt - start).toBeGreaterThanOrEqual(30_000)
      },
    },
    {
      name: 'with no replacement it stops serving after 30 s',
      plane: () => new FakePlane(0, 0),
      replaced: false,
      check: (p: FakePlane, exitAt: number, start: number) => {
        expect(p.retired).toBe(true)
        expect(exitAt - start).toBeGreaterThanOrEqual(30_000)
        expect(exitAt - start).toBeLessThan(31_000)
      },
    },
  ]
  for (const c of bounds) {
    it(c.name, () => {
      const plane = c.plane()
      const { clock, exits, replace, startedAt } = setUp(plane)
      if (c.replaced) replace()
      clock.advance(70_000)
      expect(exits).toHaveLength(1)
      c.check(plane, exits[0]!, startedAt)
    })
  }
})
