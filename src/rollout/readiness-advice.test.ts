import { describe, expect, it } from 'vitest'
import { aContainer, aDeployment, template } from '../../test/support/builders.ts'
import type { Deployment } from '../api/types.ts'
import { uncheckedReadinessNote } from './readiness-advice.ts'

const gateOff = (d: Deployment): Deployment => {
  d.spec.template.metadata = { ...d.spec.template.metadata, annotations: { 'baton.dev/implicit-readiness': 'false' } }
  return d
}

describe('uncheckedReadinessNote', () => {
  it.each([
    { name: 'a readiness probe', d: aDeployment(), note: undefined },
    {
      name: 'no probe, a declared port: the implicit gate checks it',
      d: aDeployment({ readinessProbe: false }),
      note: undefined,
    },
    { name: 'a probe, implicit readiness off', d: gateOff(aDeployment()), note: undefined },
    {
      name: 'no probe, implicit readiness off',
      d: gateOff(aDeployment({ readinessProbe: false })),
      note: 'container "app" (no readinessProbe, implicit readiness is off (baton.dev/implicit-readiness: "false"))',
    },
    {
      name: 'no probe, no port',
      d: aDeployment({ template: template('busybox:1.28') }),
      note: 'container "app" (no readinessProbe, no declared port)',
    },
    {
      name: 'two containers, one unchecked',
      d: aDeployment({
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [aContainer('app', 'a:1'), { name: 'side', image: 's:1' }] },
        },
      }),
      note: 'container "side" (no readinessProbe, no declared port)',
    },
    { name: 'scaled to 0', d: aDeployment({ replicas: 0, template: template('busybox:1.28') }), note: undefined },
  ])('$name', ({ d, note }) => {
    const got = uncheckedReadinessNote(d)
    if (note === undefined) expect(got).toBeUndefined()
    else
      expect(got).toBe(
        `Readiness cannot be checked for ${note}: a pod counts as ready as soon as it starts, so these figures assume the app serves from its first instant. Add a readinessProbe (or declare the port it listens on) to make them hold.`,
      )
  })
})
