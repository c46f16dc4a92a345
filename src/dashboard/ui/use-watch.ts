/**
 * @module
 * `useWatch('Pod', 'default')`: the live list of a kind, kept by listAndWatch. Events are
 * applied to a map at once but rendered at most once per animation frame, so a rollout of a
 * hundred pods costs a frame, not a hundred renders.
 */
import { useEffect, useState } from 'preact/hooks'
import type { Kind, KindMap } from '../../api/types.ts'
import { listAndWatch } from './api.ts'

export interface Watched<T> {
  items: T[]
  loaded: boolean
}

const keyOf = (o: { metadata: { namespace?: string; name: string } }) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`

export function useWatch<K extends Kind>(kind: K, namespace?: string): Watched<KindMap[K]> {
  const [state, setState] = useState<Watched<KindMap[K]>>({ items: [], loaded: false })
  useEffect(() => {
    const abort = new AbortController()
    const byKey = new Map<string, KindMap[K]>()
    let frame = 0
    let loaded = false
    const flush = () => {
      frame = 0
      setState({ items: [...byKey.values()], loaded })
    }
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(flush)
    }
    void listAndWatch(
      kind,
      namespace,
      {
        reset(items) {
          byKey.clear()
          for (const o of items) byKey.set(keyOf(o), o)
          loaded = true
          schedule()
        },
        event(type, o) {
          if (type === 'DELETED') byKey.delete(keyOf(o))
          else byKey.set(keyOf(o), o)
          schedule()
        },
      },
      abort.signal,
    )
    return () => {
      abort.abort()
      if (frame !== 0) cancelAnimationFrame(frame)
    }
  }, [kind, namespace])
  return state
}

/** Re-renders every `ms` so that ages ("5s", "2m") move on. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(t)
  }, [ms])
  return now
}
