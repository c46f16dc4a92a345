import { describe, expect, it } from 'vitest'
import { admissionWarnings, type WarningFacts } from './admission-warnings.ts'
import { deployment, pod, service, withChanges } from './test-objects.ts'
import type { Deployment, KObject, Service } from './types.ts'

const d = (changes: Record<string, unknown> = {}) => withChanges(deployment(), changes) as unknown as Deployment
const svc = (changes: Record<string, unknown> = {}) => withChanges(service(), changes) as unknown as Service
const facts = (over: Partial<WarningFacts> = {}): WarningFacts => ({
  hasArtifact: (i) => i === 'web:v1',
  services: [],
  deployments: [],
  ...over,
})
const C = 'spec.template.spec.containers.0'
const noProbe = { [`${C}.readinessProbe`]: undefined }
const optedOut = { 'spec.template.metadata.annotations': { 'baton.dev/implicit-readiness': 'false' } }

const CASES: Array<{ name: string; obj: KObject; facts: WarningFacts; says: string[] }> = [
  { name: 'a pushed image behind a matching Service', obj: d(), facts: facts({ services: [svc()] }), says: [] },
  {
    name: 'an image no artifact was pushed for',
    obj: d({ [`${C}.image`]: 'nginx:1.25' }),
    facts: facts(),
    says: [
      'spec.template.spec.containers[0].image: no artifact "nginx:1.25" has been pushed; its pods will wait in ImagePullBackOff until you run: baton push nginx:1.25 DIR',
    ],
  },
  {
    name: "a bare Pod's missing image",
    obj: withChanges(pod(), { 'spec.containers.0.image': 'x:1' }) as KObject,
    facts: facts(),
    says: ['spec.containers[0].image: no artifact "x:1"'],
  },
  {
    name: 'no command, and the artifact has none',
    obj: d(),
    facts: facts({ defaultCommand: () => undefined }),
    says: [
      `spec.template.spec.containers[0].command: container "web" sets no command and artifact "web:v1" has no default command; its pods will fail with RunContainerError: set command (and args), or push the artifact with one: baton push web:v1 DIR --cmd 'COMMAND'`,
    ],
  },
  {
    name: "no command, the artifact's default command runs",
    obj: d(),
    facts: facts({ defaultCommand: () => ['node', 'server.js'] }),
    says: [],
  },
  {
    name: 'a command of its own: the artifact needs none',
    obj: d({ [`${C}.command`]: ['node', 'app.js'] }),
    facts: facts({ defaultCommand: () => undefined }),
    says: [],
  },
  {
    name: 'no artifact store: nothing to say about images',
    obj: d({ [`${C}.image`]: 'nginx:1.25' }),
    facts: { services: [], deployments: [] },
    says: [],
  },
  {
    name: 'no readiness probe, but the implicit gate on its port',
    obj: d(noProbe),
    facts: facts({ services: [svc()] }),
    says: [],
  },
  {
    name: 'no readiness probe and the gate turned off, behind a Service',
    obj: d({ ...noProbe, ...optedOut }),
    facts: facts({ services: [svc()] }),
    says: ['Deployment "web" is behind Service "web" but has no readinessProbe and no implicit readiness gate'],
  },
  {
    name: 'no readiness probe and the gate off, behind no Service',
    obj: d({ ...noProbe, ...optedOut }),
    facts: facts(),
    says: [],
  },
  {
    name: 'a container with no port behind a Service',
    obj: d({ ...noProbe, [`${C}.ports`]: undefined }),
    facts: facts({ services: [svc({ 'spec.ports.0.targetPort': 8080 })] }),
    says: [
      'Deployment "web" is behind Service "web" but its container "web" declares no port',
      'has no readinessProbe and no implicit readiness gate',
      'Service "web" port 80: targetPort 8080 matches no container port of Deployment "web"',
    ],
  },
  {
    name: 'a Service whose targetPort names no port',
    obj: svc({ 'spec.ports.0.targetPort': 'https' }),
    facts: facts({ deployments: [d()] }),
    says: [
      'Service "web" port 80: targetPort "https" matches no container port of Deployment "web"; requests to it will fail',
    ],
  },
  {
    name: 'a Service whose numeric targetPort is a containerPort',
    obj: svc({ 'spec.ports.0.targetPort': 8080 }),
    facts: facts({ deployments: [d()] }),
    says: [],
  },
  {
    name: 'a headless Service without ports in front of a Deployment',
    obj: svc({ 'spec.ports': undefined, 'spec.clusterIP': 'None' }),
    facts: facts({ deployments: [d()] }),
    says: [],
  },
  {
    name: 'a Service that selects nothing',
    obj: svc({ 'spec.selector': { app: 'other' }, 'spec.ports.0.targetPort': 9 }),
    facts: facts({ deployments: [d()] }),
    says: [],
  },
]

describe('admissionWarnings', () => {
  it.each(CASES)('$name', ({ obj, facts: f, says }) => {
    const warnings = admissionWarnings(obj, f)
    expect(warnings).toHaveLength(says.length)
    for (const [i, s] of says.entries()) expect(warnings[i]).toContain(s)
  })
})
