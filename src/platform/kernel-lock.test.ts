import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type KernelLock, takeKernelLock, type TakeKernelLockOptions, tryKernelLock } from './kernel-lock.ts'

const dirs: string[] = []
const held: KernelLock[] = []
afterEach(() => {
  for (const l of held.splice(0)) l.release()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const lockFile = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-kernel-lock-'))
  dirs.push(d)
  return join(d, 'x.lock')
}
const wrap = (err: unknown) => new Error(`wrapped: ${(err as Error).message}`)

describe('tryKernelLock', () => {
  it('takes a free lock, finds it busy while held, and takes it again once released', () => {
    const file = lockFile()
    const first = tryKernelLock(file, 50, wrap)
    expect(first).toBeDefined()
    expect(tryKernelLock(file, 50, wrap)).toBeUndefined()
    first!.release()
    const again = tryKernelLock(file, 50, wrap)
    expect(again).toBeDefined()
    held.push(again!)
  })

  it("throws the caller's error when the file cannot be opened", () => {
    expect(() => tryKernelLock(join(lockFile(), 'no-such-dir', 'x.lock'), 50, wrap)).toThrow(/^wrapped: /)
  })
})

describe('takeKernelLock on a lock held by another connection', () => {
  const options = (file: string, over: Partial<TakeKernelLockOptions<string>>) => {
    const calls = { holder: 0, waits: [] as number[] }
    const o: TakeKernelLockOptions<string> = {
      file,
      attempts: 3,
      waitMs: (attempt) => {
        calls.waits.push(attempt)
        return 10
      },
      pauseMs: 1,
      holder: () => {
        calls.holder++
        return undefined
      },
      refuseKnownHolder: false,
      refuse: (h) => new Error(`refused: ${h ?? 'nobody named'}`),
      cannotLock: wrap,
      ...over,
    }
    return { o, calls }
  }

  it.each([
    {
      name: 'no holder shows itself: every attempt is made, then refused naming nobody',
      over: {},
      error: 'refused: nobody named',
      waits: [1, 2, 3],
    },
    {
      name: 'a holder shows itself after a busy try: refused at once, naming it',
      over: { holder: () => 'pid 42' },
      error: 'refused: pid 42',
      waits: [1],
    },
    {
      name: 'a known holder with refuseKnownHolder: refused before any try',
      over: { holder: () => 'pid 42', refuseKnownHolder: true },
      error: 'refused: pid 42',
      waits: [],
    },
  ])('$name', ({ over, error, waits }) => {
    const file = lockFile()
    held.push(tryKernelLock(file, 10, wrap)!)
    const { o, calls } = options(file, over)
    expect(() => takeKernelLock(o)).toThrow(error)
    expect(calls.waits).toEqual(waits)
  })

  it('takes the lock once its holder lets go', () => {
    const file = lockFile()
    tryKernelLock(file, 10, wrap)!.release()
    const { o } = options(file, {})
    const lock = takeKernelLock(o)
    held.push(lock)
    expect(tryKernelLock(file, 10, wrap)).toBeUndefined()
  })
})
