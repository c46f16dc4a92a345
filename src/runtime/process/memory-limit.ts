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
