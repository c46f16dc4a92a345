import { describe, expect, it } from 'vitest'
import { DEFAULT_FEATURE_GATES, formatFeatureGates, parseFeatureGates } from './feature-gates.ts'

describe('parseFeatureGates', () => {
  const cases: Array<{ name: string; text: string; want?: Partial<typeof DEFAULT_FEATURE_GATES>; error?: RegExp }> = [
    { name: 'empty: the defaults', text: '', want: { DeploymentReplicaSetTerminatingReplicas: true } },
    {
      name: 'turns a beta gate off',
      text: 'DeploymentReplicaSetTerminatingReplicas=false',
      want: { DeploymentReplicaSetTerminatingReplicas: false },
    },
    {
      name: 'values are case-insensitive and spaces ignored, as Go strconv.ParseBool',
      text: ' DeploymentReplicaSetTerminatingReplicas = FALSE ,',
      want: { DeploymentReplicaSetTerminatingReplicas: false },
    },
    { name: 'an unknown gate', text: 'NoSuchGate=true', error: /unrecognized feature gate: NoSuchGate/ },
    { name: 'not Name=bool', text: 'DeploymentReplicaSetTerminatingReplicas', error: /is not Name=true or Name=false/ },
    { name: 'not a bool', text: 'DeploymentReplicaSetTerminatingReplicas=yes', error: /is not Name=true/ },
    {
      name: 'a known gate Baton does not implement, turned on',
      text: 'DeploymentPodReplacementPolicy=true',
      error: /DeploymentPodReplacementPolicy is an alpha gate .* Baton does not implement/,
    },
    {
      name: 'a known gate Baton does not implement, left off',
      text: 'DeploymentPodReplacementPolicy=false',
      want: { DeploymentReplicaSetTerminatingReplicas: true },
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) {
        expect(() => parseFeatureGates(c.text)).toThrow(c.error)
        try {
          parseFeatureGates(c.text)
        } catch (err) {
          expect(err).toMatchObject({ code: 'BATON_USAGE', hint: expect.any(String) })
        }
      } else expect(parseFeatureGates(c.text)).toEqual(c.want)
    })
  }

  it('formats as the flag takes them', () => {
    expect(formatFeatureGates(DEFAULT_FEATURE_GATES)).toBe('DeploymentReplicaSetTerminatingReplicas=true')
    expect(parseFeatureGates(formatFeatureGates(DEFAULT_FEATURE_GATES))).toEqual(DEFAULT_FEATURE_GATES)
  })
})
