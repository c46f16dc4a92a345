/**
 * @module
 * The pages and their paths: /ui/ (every deployment and rollout), /ui/deployments/NS/NAME,
 * /ui/rollouts/NS/NAME and /ui/fleets. Links change the address with history.pushState; the
 * daemon answers every /ui/ path with the same page.
 */
import { useEffect, useState } from 'preact/hooks'

export type Route =
  | { page: 'overview' }
  | { page: 'fleets' }
  | { page: 'deployment' | 'rollout'; namespace: string; name: string }

export const FLEETS_HREF = '/ui/fleets'

export function parseRoute(pathname: string): Route {
  if (/^\/ui\/fleets\/?$/.test(pathname)) return { page: 'fleets' }
  const m = /^\/ui\/(deployments|rollouts)\/([^/]+)\/([^/]+)\/?$/.exec(pathname)
  if (!m) return { page: 'overview' }
  return {
    page: m[1] === 'rollouts' ? 'rollout' : 'deployment',
    namespace: decodeURIComponent(m[2]!),
    name: decodeURIComponent(m[3]!),
  }
}

export const deploymentHref = (namespace: string, name: string) =>
  `/ui/deployments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`

export const rolloutHref = (namespace: string, name: string) =>
  `/ui/rollouts/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`

export function navigate(href: string): void {
  history.pushState(null, '', href)
  dispatchEvent(new PopStateEvent('popstate'))
}

/** For <a onClick>: an in-app move unless the user asked for a new tab or window. */
export function followLink(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  e.preventDefault()
  navigate((e.currentTarget as HTMLAnchorElement).getAttribute('href')!)
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname))
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.pathname))
    addEventListener('popstate', on)
    return () => removeEventListener('popstate', on)
  }, [])
  return route
}
