/**
 * @module
 * Two pages, two paths: /ui/ (every deployment) and /ui/deployments/NS/NAME. Links change the
 * address with history.pushState; the daemon answers every /ui/ path with the same page.
 */
import { useEffect, useState } from 'preact/hooks'

export type Route = { page: 'overview' } | { page: 'fleets' } | { page: 'deployment'; namespace: string; name: string }

export const FLEETS_HREF = '/ui/fleets'

export function parseRoute(pathname: string): Route {
  if (/^\/ui\/fleets\/?$/.test(pathname)) return { page: 'fleets' }
  const m = /^\/ui\/deployments\/([^/]+)\/([^/]+)\/?$/.exec(pathname)
  return m
    ? { page: 'deployment', namespace: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!) }
    : { page: 'overview' }
}

export const deploymentHref = (namespace: string, name: string) =>
  `/ui/deployments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`

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
