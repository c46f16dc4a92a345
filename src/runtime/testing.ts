/**
 * @module
 * Test helpers of both runtimes' node-agent tests (process/, docker/): polling and reading a
 * pod and its events from the store.
 */
import { vi } from 'vitest'
import type { Event, Pod } from '../api/types.ts'
import type { ObjectStore } from '../store/types.ts'

/** `fn`'s first value other than undefined/false, polled by vitest's `vi.waitFor`; fails after `timeoutMs` naming `what`. */
export function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  return vi.waitFor(
    () => {
      const v = fn()
      if (v === undefined || v === false) throw new Error(`timed out waiting for ${what}`)
      return v
    },
    { timeout: timeoutMs, interval: 25 },
  )
}

export function getPod(store: ObjectStore, name: string): Pod | undefined {
  return store.get('Pod', 'default', name)
}

export function condition(pod: Pod | undefined, type: 'Ready' | 'ContainersReady'): string | undefined {
  return pod?.status?.conditions?.find((c) => c.type === type)?.status
}

export function podEvents(store: ObjectStore, name: string): Event[] {
  return store.list('Event', { namespace: 'default' }).items.filter((e) => e.involvedObject.name === name)
}

export function eventLines(store: ObjectStore, name: string): string[] {
  return podEvents(store, name).map((e) => `${e.type} ${e.reason} ${e.message}`)
}
