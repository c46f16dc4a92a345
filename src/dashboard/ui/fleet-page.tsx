/**
 * @module
 * The Fleets page: each fleet whose front load balancer publishes its status to this daemon
 * (a ConfigMap labelled fleet.baton.dev/name, src/fleet/status.ts): every target with its
 * revision, health, place in the front balancer and share of traffic, and where the rollout
 * is (each window, the running one with the step each of its targets is at).
 */
import { age } from '../../api/age.ts'
import {
  type FleetRolloutStatus,
  type FleetStatus,
  type FleetTargetStatus,
  fleetStatusOf,
  rolloutPlace,
} from '../../api/fleet-status.ts'
import { useNow, useWatch } from './use-watch.ts'
import './fleet-page.css'

export function FleetPage() {
  const { items, loaded } = useWatch('ConfigMap', 'default')
  const now = useNow()
  const fleets = items
    .map((cm) => fleetStatusOf(cm))
    .filter((s): s is FleetStatus => s !== undefined)
    .sort((a, b) => a.fleet.localeCompare(b.fleet))
  return (
    <section aria-labelledby="fleets-title">
      <h1 id="fleets-title">Fleets</h1>
      {!loaded ? (
        <p aria-busy="true">Loading…</p>
      ) : fleets.length === 0 ? (
        <p class="empty">
          No fleet reports to this daemon. A fleet&rsquo;s front load balancer (
          <code>baton fleet lb -f fleet.yaml</code>) publishes its status to each of its targets.
        </p>
      ) : (
        fleets.map((f) => <Fleet key={f.fleet} status={f} now={now} />)
      )}
    </section>
  )
}

function Fleet({ status: s, now }: { status: FleetStatus; now: number }) {
  return (
    <article class="fleet" data-fleet={s.fleet} aria-labelledby={`fleet-${s.fleet}`}>
      <h2 id={`fleet-${s.fleet}`}>
        {s.fleet} <span class="muted fleet-age">status from {age(s.at, now)} ago</span>
      </h2>
      {s.frontBalancer !== 'running' && (
        <p class="banner error" role="status">
          Front load balancer: {s.frontBalancer}
        </p>
      )}
      {s.rollout && <Rollout r={s.rollout} />}
      <table class="fleet-targets">
        <caption class="sr-only">Targets of fleet {s.fleet}</caption>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Address</th>
            <th scope="col">Revision</th>
            <th scope="col">Health</th>
            <th scope="col">Front LB</th>
            <th
              scope="col"
              title="Each target's part of the requests the front load balancer has sent since it started"
            >
              Share
            </th>
            <th scope="col">Errors</th>
          </tr>
        </thead>
        <tbody>
          {s.targets.map((t) => (
            <Target key={t.name} t={t} />
          ))}
        </tbody>
      </table>
    </article>
  )
}

const healthTone = { healthy: 'ok', unhealthy: 'bad', unknown: 'idle' } as const
const frontTone = { in: 'ok', drained: 'busy', out: 'bad', unknown: 'idle' } as const

function Target({ t }: { t: FleetTargetStatus }) {
  const pct = Math.round(t.share * 100)
  return (
    <tr data-target={t.name}>
      <th scope="row" data-label="Target">
        {t.name}
        {t.tags.length > 0 && <span class="muted"> {t.tags.join(', ')}</span>}
      </th>
      <td data-label="Address" class="mono">
        {t.address}
      </td>
      <td data-label="Revision" class="num" data-cell="revision">
        {t.revision ?? '—'}
      </td>
      <td data-label="Health" data-cell="health">
        <span class={`badge ${healthTone[t.health]}`}>{t.health}</span>
      </td>
      <td data-label="Front LB" data-cell="front">
        <span class={`badge ${frontTone[t.frontBalancer]}`}>{t.frontBalancer}</span>
      </td>
      <td data-label="Share" data-cell="share">
        <span
          class="share-bar"
          role="meter"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-label={`${t.name}'s share of traffic`}
        >
          <span style={{ width: `${pct}%` }} />
        </span>{' '}
        <span class="num">{pct}%</span>
      </td>
      <td data-label="Errors" class="num" data-cell="errors">
        {t.errors}
      </td>
    </tr>
  )
}

const windowTone = { succeeded: 'ok', 'rolled-back': 'bad', 'not-started': 'idle', running: 'busy' } as const

function Rollout({ r }: { r: FleetRolloutStatus }) {
  return (
    <div class="fleet-rollout" data-rollout-outcome={r.outcome}>
      <p>
        <strong>Rollout</strong> <span data-cell="place">{rolloutPlace(r)}</span>
        {r.interrupted && <span class="badge bad"> interrupted</span>}
        <span class="muted"> · {r.cause}</span>
      </p>
      <ol class="fleet-windows" aria-label="Windows">
        {r.windows.map((w) => (
          <li
            key={w.index}
            data-window={w.index}
            data-outcome={w.outcome}
            class={`fleet-window ${windowTone[w.outcome]}`}
          >
            <span class="fleet-window-title">
              Window {w.index}: <span class={`badge ${windowTone[w.outcome]}`}>{w.outcome}</span>
            </span>
            <ul>
              {w.targets.map((t) => {
                const step = w.steps?.[t]
                const failed = w.failures.find((f) => f.target === t)
                return (
                  <li key={t} data-window-target={t}>
                    {t}
                    {step && <span class="muted"> at {step}</span>}
                    {failed && (
                      <span class="fleet-failure">
                        {' '}
                        failed at {failed.step}: {failed.message}
                      </span>
                    )}
                  </li>
                )
              })}
            </ul>
          </li>
        ))}
      </ol>
    </div>
  )
}
