import { describe, expect, it } from 'vitest'
import type { Container, Pod } from '../../api/types.ts'
import { needsImageUser, nonRootProblem } from './security.ts'

const pod = (podSc: Record<string, unknown> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u' },
  spec: { containers: [], securityContext: podSc },
})
const c = (sc: Record<string, unknown> = {}): Container => ({ name: 'web', image: 'x', securityContext: sc })

describe("runAsNonRoot, as the kubelet's verifyRunAsNonRoot", () => {
  it.each<[string, Pod, Container, string, string | undefined]>([
    ['not asked', pod(), c(), '', undefined],
    ['image user root (none named)', pod({ runAsNonRoot: true }), c(), '', 'image will run as root'],
    ['image user 0:0', pod(), c({ runAsNonRoot: true }), '0:0', 'image will run as root'],
    ['image user by name', pod(), c({ runAsNonRoot: true }), 'app', 'non-numeric user (app)'],
    ['image user 1000', pod(), c({ runAsNonRoot: true }), '1000:1000', undefined],
    ['runAsUser 0', pod({ runAsNonRoot: true }), c({ runAsUser: 0 }), '1000', 'runAsUser breaks non-root policy'],
    ['runAsUser 1000 over a root image', pod({ runAsNonRoot: true, runAsUser: 1000 }), c(), '', undefined],
    [
      "the container's false over the pod's true",
      pod({ runAsNonRoot: true }),
      c({ runAsNonRoot: false }),
      '',
      undefined,
    ],
  ])('%s', (_name, p, container, imageUser, problem) => {
    const got = nonRootProblem(p, container, imageUser)
    if (problem === undefined) expect(got).toBeUndefined()
    else expect(got).toContain(problem)
  })

  it('needs the image user only without runAsUser', () => {
    expect(needsImageUser(pod({ runAsNonRoot: true }), c())).toBe(true)
    expect(needsImageUser(pod({ runAsNonRoot: true }), c({ runAsUser: 5 }))).toBe(false)
    expect(needsImageUser(pod(), c())).toBe(false)
  })
})
