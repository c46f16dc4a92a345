/**
 * @module
 * The dashboard's entry: the header (with sign-out) and the page for the address.
 */
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { whenSignedOut } from './api.ts'
import { DeploymentPage } from './deployment-page.tsx'
import { FleetPage } from './fleet-page.tsx'
import { Overview } from './overview.tsx'
import { RolloutPage } from './rollout-page.tsx'
import { FLEETS_HREF, followLink, useRoute } from './router.ts'
import './styles.css'

function App() {
  const route = useRoute()
  const [signedOut, setSignedOut] = useState(false)
  useEffect(() => whenSignedOut(() => setSignedOut(true)), [])
  useEffect(() => {
    document.title =
      route.page === 'deployment' || route.page === 'rollout'
        ? `${route.name} · Baton`
        : route.page === 'fleets'
          ? 'Fleets · Baton'
          : 'Deployments · Baton'
  }, [route])
  return (
    <>
      <header class="top">
        <a class="brand" href="/ui/" onClick={followLink}>
          Baton
        </a>
        <nav aria-label="Main">
          <a href="/ui/" onClick={followLink} aria-current={route.page === 'overview' ? 'page' : undefined}>
            Deployments
          </a>
          <a href={FLEETS_HREF} onClick={followLink} aria-current={route.page === 'fleets' ? 'page' : undefined}>
            Fleets
          </a>
        </nav>
        <form method="post" action="/ui/logout" class="logout">
          <button type="submit">Sign out</button>
        </form>
      </header>
      {signedOut && (
        <p class="banner error" role="alert">
          The session has ended. Run <code>baton dashboard</code> for a new sign-in link.
        </p>
      )}
      <main id="main">
        {route.page === 'overview' ? (
          <Overview />
        ) : route.page === 'fleets' ? (
          <FleetPage />
        ) : route.page === 'rollout' ? (
          <RolloutPage key={`${route.namespace}/${route.name}`} namespace={route.namespace} name={route.name} />
        ) : (
          <DeploymentPage key={`${route.namespace}/${route.name}`} namespace={route.namespace} name={route.name} />
        )}
      </main>
    </>
  )
}

render(<App />, document.getElementById('app')!)
