/**
 * @module
 * Every Deployment of every namespace, live: desired, updated, ready and available counts,
 * strategy, images, age and the condition that matters, and above them the load balancer
 * while it is down; below them every Rollout (rollouts-table.tsx). A table at desktop width; at phone
 * width each row becomes a card (styles.css), each cell keeping its label.
 */
import { age } from '../../api/age.ts'
import { DataPlaneBanner } from './data-plane-banner.tsx'
import { conditionSummary, images, strategyText } from './deployment-summary.ts'
import { deploymentHref, followLink } from './router.ts'
import { useNow, useWatch } from './use-watch.ts'
import { DataTable } from './data-table.tsx'
import { RolloutsTable } from './rollouts-table.tsx'

export function Overview() {
  const { items, loaded } = useWatch('Deployment')
  const rollouts = useWatch('Rollout')
  const now = useNow()
  const sorted = [...items].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
  )
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Deployments</h1>
      <DataPlaneBanner />
      {!loaded ? (
        <p aria-busy="true">Loading…</p>
      ) : sorted.length === 0 ? (
        <p class="empty">
          No deployments yet. Apply one with <code>baton apply -f deployment.yaml</code>.
        </p>
      ) : (
        <DataTable
          class="overview"
          caption="Every deployment, updated live"
          hiddenCaption
          columns={['Name', 'Desired', 'Updated', 'Ready', 'Available', 'Strategy', 'Image', 'Age', 'Condition']}
        >
          {sorted.map((d) => {
            const s = d.status ?? {}
            const cond = conditionSummary(d)
            const ns = d.metadata.namespace ?? 'default'
            return (
              <tr key={d.metadata.uid} data-deployment={d.metadata.name}>
                <th scope="row" data-label="Name">
                  <a href={deploymentHref(ns, d.metadata.name)} onClick={followLink}>
                    {d.metadata.name}
                  </a>
                  {ns !== 'default' && <span class="muted"> ({ns})</span>}
                </th>
                <td data-label="Desired" class="num">
                  {d.spec.replicas ?? 1}
                </td>
                <td data-label="Updated" class="num">
                  {s.updatedReplicas ?? 0}
                </td>
                <td data-label="Ready" class="num">
                  {s.readyReplicas ?? 0}
                </td>
                <td data-label="Available" class="num">
                  {s.availableReplicas ?? 0}
                </td>
                <td data-label="Strategy">{strategyText(d)}</td>
                <td data-label="Image" class="mono">
                  {images(d)}
                </td>
                <td data-label="Age">{age(d.metadata.creationTimestamp, now)}</td>
                <td data-label="Condition">
                  <span class={`badge ${cond.tone}`}>{cond.text}</span>
                </td>
              </tr>
            )
          })}
        </DataTable>
      )}
      <RolloutsTable rollouts={rollouts.items} now={now} />
    </section>
  )
}
