/**
 * @module
 * A line above the deployments while the load balancer is not serving (the daemon is
 * replacing it): the load-balancer ComponentStatus, asked every few seconds. Nothing is shown
 * while it is Healthy, or when the daemon reports no such component.
 */
import { useEffect, useState } from 'preact/hooks'
import { componentHealthy, LOAD_BALANCER_COMPONENT, type ComponentStatus } from '../../api/component-status.ts'
import { api } from './api.ts'

const POLL_MS = 2_000

export function DataPlaneBanner() {
  const [down, setDown] = useState<string | undefined>(undefined)
  useEffect(() => {
    const abort = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const items: ComponentStatus[] = await api.componentStatuses()
        const lb = items.find((cs) => cs.metadata.name === LOAD_BALANCER_COMPONENT)
        setDown(lb && !componentHealthy(lb) ? (lb.conditions[0]?.error ?? 'not serving') : undefined)
      } catch {
        // A failed poll says nothing about the load balancer; the next one will.
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void poll(), POLL_MS)
    }
    void poll()
    return () => {
      abort.abort()
      clearTimeout(timer)
    }
  }, [])
  if (down === undefined) return null
  return (
    <p role="status" data-component="load-balancer">
      <span class="badge bad">Load balancer down</span> {down}
    </p>
  )
}
