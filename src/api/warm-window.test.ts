import { describe, expect, it } from 'vitest'
import { aDeployment, aPod, T0 } from '../../test/support/builders.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { deployment } from './test-objects.ts'
import { formatTimestamp } from './timestamps.ts'
import { validateObject } from './validate.ts'
import {
  SCALE_DOWN_DELAY_ANNOTATION,
  WARM_UNTIL_ANNOTATION,
  isPodWarm,
  scaleDownDelaySeconds,
  warmUntil,
  warmWindowErrors,
} from './warm-window.ts'

const withDelay = (value: string, strategy: 'RollingUpdate' | 'Recreate' = 'RollingUpdate') =>
  aDeployment({ strategy, annotations: { [SCALE_DOWN_DELAY_ANNOTATION]: value } })

describe('warmWindowErrors', () => {
  it.each([
    { name: 'no annotation: no window, nothing to say', d: aDeployment(), errors: [] },
    { name: 'a whole number of seconds', d: withDelay('60'), errors: [] },
    { name: '0 turns it off', d: withDelay('0'), errors: [] },
    { name: 'a day at most', d: withDelay('86400'), errors: [] },
    { name: 'over a day', d: withDelay('86401'), errors: ['must be a whole number of seconds from 0 to 86400'] },
    { name: 'a duration is not seconds', d: withDelay('30s'), errors: ['Invalid value: "30s"'] },
    { name: 'negative', d: withDelay('-1'), errors: ['Invalid value: "-1"'] },
    { name: 'Recreate runs one revision at a time', d: withDelay('60', 'Recreate'), errors: ['Forbidden: a Recreate'] },
  ])('$name', ({ d, errors }) => {
    const got = warmWindowErrors(d)
    expect(got).toHaveLength(errors.length)
    errors.forEach((text, i) => {
      expect(got[i]?.field).toBe(`metadata.annotations[${SCALE_DOWN_DELAY_ANNOTATION}]`)
      expect(got[i]?.message).toContain(text)
      expect(got[i]?.hint).toContain('docs/instant-rollback.md')
    })
  })
})

describe('scaleDownDelaySeconds', () => {
  it.each([
    { name: 'absent', d: aDeployment(), seconds: 0 },
    { name: 'set', d: withDelay('45'), seconds: 45 },
    { name: 'malformed (admission refuses it) reads as off', d: withDelay('soon'), seconds: 0 },
  ])('$name → $seconds', ({ d, seconds }) => expect(scaleDownDelaySeconds(d)).toBe(seconds))
})

describe('isPodWarm / warmUntil', () => {
  it('reads the mark and its time; an unparsable mark ends at once', () => {
    const pod = aPod({ name: 'p' })
    expect(isPodWarm(pod)).toBe(false)
    const marked = {
      ...pod,
      metadata: { ...pod.metadata, annotations: { [WARM_UNTIL_ANNOTATION]: formatTimestamp(T0 + 30_000) } },
    }
    expect(isPodWarm(marked)).toBe(true)
    expect(warmUntil(marked)).toBe(T0 + 30_000)
    const garbled = { ...pod, metadata: { ...pod.metadata, annotations: { [WARM_UNTIL_ANNOTATION]: 'later' } } }
    expect(isPodWarm(garbled)).toBe(true)
    expect(warmUntil(garbled)).toBe(0)
  })
})

describe('admission', () => {
  it('refuses a malformed window, naming the annotation and the fix; stores nothing', () => {
    const d = deployment()
    const metadata = { ...d.metadata, annotations: { [SCALE_DOWN_DELAY_ANNOTATION]: '5m' } }
    const err = thrownBatonError(() => validateObject({ ...d, metadata }))
    expect(err.code).toBe('BATON_INVALID')
    expect(err.causes).toEqual([
      {
        field: `metadata.annotations[${SCALE_DOWN_DELAY_ANNOTATION}]`,
        message: 'Invalid value: "5m": must be a whole number of seconds from 0 to 86400',
      },
    ])
    expect(err.hint).toContain('docs/instant-rollback.md')
  })
  it('accepts a RollingUpdate Deployment with a window', () => {
    const d = deployment()
    const metadata = { ...d.metadata, annotations: { [SCALE_DOWN_DELAY_ANNOTATION]: '120' } }
    expect(() => validateObject({ ...d, metadata })).not.toThrow()
  })
})
