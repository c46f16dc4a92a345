/**
 * @module
 * What the Deployment and Rollout pages share around their own parts: the line of facts under
 * the title, and the page for an object that is not (or not yet) there.
 */
import type { ComponentChildren } from 'preact'
import { followLink } from './router.ts'

export interface Fact {
  label: string
  value: ComponentChildren
  /** `mono` for images. */
  class?: string
}

export function Facts(props: { facts: Fact[] }) {
  return (
    <dl class="facts">
      {props.facts.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd class={f.class}>{f.value}</dd>
        </div>
      ))}
    </dl>
  )
}

/** Loading, or there is no such object: with the way back to the overview. */
export function Missing(props: { kind: string; name: string; namespace: string; loaded: boolean; back: string }) {
  return (
    <section>
      <p>
        <a href="/ui/" onClick={followLink}>
          ← {props.back}
        </a>
      </p>
      <h1>{props.name}</h1>
      <p>
        {props.loaded ? `There is no ${props.kind} "${props.name}" in namespace "${props.namespace}".` : 'Loading…'}
      </p>
    </section>
  )
}
