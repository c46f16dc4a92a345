import { describe, expect, it } from 'vitest'
import { parseRef } from './artifact-ref.ts'

const D = `sha256:${'ab'.repeat(32)}`

describe('parseRef', () => {
  it.each([
    { ref: 'web', want: { name: 'web', tag: 'latest' } },
    { ref: 'web:v2', want: { name: 'web', tag: 'v2' } },
    { ref: 'team/web:1.0.3-rc_1', want: { name: 'team/web', tag: '1.0.3-rc_1' } },
    { ref: `web@${D}`, want: { name: 'web', tag: 'latest', digest: D } },
    { ref: `web:v2@${D}`, want: { name: 'web', tag: 'v2', digest: D } },
    { ref: 'Web', want: undefined },
    { ref: 'web:', want: undefined },
    { ref: 'web:-x', want: undefined },
    { ref: 'web@sha256:abc', want: undefined },
    { ref: '../web', want: undefined },
    { ref: '', want: undefined },
  ])('$ref', ({ ref, want }) => {
    expect(parseRef(ref)).toEqual(want)
  })
})
