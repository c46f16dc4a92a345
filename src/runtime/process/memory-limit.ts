/**
 * @module
 * resources.limits.memory for processes. Without a cgroup per container the kernel cannot
 * enforce the limit, so the supervisor samples the resident memory of the app and its
 * descendants and, like the kernel's OOM killer in a container, SIGKILLs the whole group
 * when the limit is exceeded; the exit is then reported as reason OOMKilled (exit 137),
 * as Kubernetes reports it. A sample is taken every second, so a spike shorter than that
 * can pass unseen: a limit here is a guard, not a hard ceiling.
 */
import { readFileSync } from 'node:fs'
import type { Clock, TimerHandle } from '../../platform/clock.ts'

export const MEMORY_CHECK_MS = 1000

const SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}

/**
 * A Kubernetes memory quantity in bytes: "128Mi" = 134217728, "1G" = 1e9, "1.5Gi",
 * "2e9", or a plain number; undefined when it does not parse.
 */
export function parseMemoryQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined
  if (typeof q === 'number') return q
  const m = /^([0-9]+(?:\.[0-9]+)?)(?:([eE][0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E))?$/.exec(q.trim())
  if (!m) return undefined
  const n = Number(m[1] + (m[2] ?? ''))
  return Math.ceil(n * (SUFFIX[m[3] ?? ''] ?? 1))
}

/** Samples `shimPid`'s descendants every MEMORY_CHECK_MS; calls `exceeded` once when over `limitBytes`. */
export function watchMemory(
  shimPid: number,
  limitBytes: number,
  clock: Clock,
  exceeded: () => void,
): { cancel(): void } {
  let timer: TimerHandle | undefined
  let cancelled = false
  const check = () => {
    if (cancelled) return
    if (descendantsRss(shimPid) > limitBytes) return exceeded()
    timer = clock.setTimeout(check, MEMORY_CHECK_MS)
  }
  check()
  return {
    cancel() {
      cancelled = true
      timer?.cancel()
    },
  }
}

/** Resident bytes of `pid`'s descendants (the shim's app and whatever it started). */
export function descendantsRss(pid: number): number {
  let total = 0
  for (const child of children(pid)) total += rss(child) + descendantsRss(child)
  return total
}

function children(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    return text ? text.split(' ').map(Number) : []
  } catch {
    return []
  }
}

function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}
