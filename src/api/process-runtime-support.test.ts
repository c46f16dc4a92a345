import { describe, expect, it } from 'vitest'
import { processRuntimeErrors } from './process-runtime-support.ts'
import { deployment, pod, replicaSet, service, statefulSet, withChanges } from './test-objects.ts'
import { validateObject } from './validate.ts'

const T = 'spec.template.spec'
const C = `${T}.containers[0]`
/** withChanges indexes lists with dotted numbers. */
const dotted = (changes: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(changes).map(([k, v]) => [k.replace(/\[(\d+)\]/g, '.$1'), v]))
/** The object as admission sees it: validated and defaulted. */
const judged = (obj: unknown) => processRuntimeErrors(validateObject(obj))

const REFUSED: Array<{ name: string; changes: Record<string, unknown>; fields: string[]; says: string }> = [
  {
    name: 'a configMap volume and its mount',
    changes: {
      [`${T}.volumes`]: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      [`${C}.volumeMounts`]: [{ name: 'cfg', mountPath: '/config' }],
    },
    fields: [`${T}.volumes[0].configMap`, `${C}.volumeMounts[0]`],
    says: 'mounts volumes only where the daemon runs as root',
  },
  {
    name: 'an emptyDir and a hostPath volume',
    changes: {
      [`${T}.volumes`]: [
        { name: 'a', emptyDir: {} },
        { name: 'b', hostPath: { path: '/srv' } },
      ],
    },
    fields: [`${T}.volumes[0].emptyDir`, `${T}.volumes[1].hostPath`],
    says: 'mounts volumes only where the daemon runs as root',
  },
  {
    name: 'init containers',
    changes: { [`${T}.initContainers`]: [{ name: 'init', image: 'web:v1', command: ['true'] }] },
    fields: [`${T}.initContainers[0]`],
    says: 'does not run init containers',
  },
  {
    name: 'a pod fsGroup',
    changes: { [`${T}.securityContext`]: { runAsUser: 1000, fsGroup: 2000 } },
    fields: [`${T}.securityContext.fsGroup`],
    says: 'only runAsUser, runAsGroup and runAsNonRoot',
  },
  {
    name: 'a read-only root and capabilities',
    changes: {
      [`${C}.securityContext`]: { runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    },
    fields: [`${C}.securityContext.readOnlyRootFilesystem`, `${C}.securityContext.capabilities`],
    says: 'only runAsUser, runAsGroup and runAsNonRoot',
  },
  {
    name: 'hostNetwork',
    changes: { [`${T}.hostNetwork`]: true },
    fields: [`${T}.hostNetwork`],
    says: 'allocated loopback ports',
  },
  {
    name: 'cpu limit and requests',
    changes: { [`${C}.resources`]: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } } },
    fields: [`${C}.resources.requests`, `${C}.resources.limits["cpu"]`],
    says: 'enforces only limits.memory',
  },
  {
    name: 'a nodeSelector the node cannot match',
    changes: { [`${T}.nodeSelector`]: { disktype: 'ssd', 'kubernetes.io/os': 'linux' } },
    fields: [`${T}.nodeSelector["disktype"]`],
    says: 'would never match',
  },
  {
    name: 'a required anti-affinity',
    changes: { [`${T}.affinity`]: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] } } },
    fields: [`${T}.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`],
    says: 'holds for every replica or for none',
  },
  {
    name: 'a zone spread that must be met',
    changes: {
      [`${T}.topologySpreadConstraints`]: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' },
      ],
    },
    fields: [`${T}.topologySpreadConstraints[0]`],
    says: 'kubernetes.io/hostname',
  },
  {
    name: 'another scheduler',
    changes: { [`${T}.schedulerName`]: 'volcano' },
    fields: [`${T}.schedulerName`],
    says: 'never be bound',
  },
  {
    name: 'another node',
    changes: { [`${T}.nodeName`]: 'worker-2' },
    fields: [`${T}.nodeName`],
    says: 'would never run',
  },
  {
    name: 'hostAliases (a subdomain is honoured)',
    changes: { [`${T}.hostAliases`]: [{ ip: '10.0.0.1', hostnames: ['db'] }], [`${T}.subdomain`]: 'web' },
    fields: [`${T}.hostAliases`],
    says: 'no cluster DNS',
  },
  {
    name: 'a UDP port',
    changes: { [`${C}.ports`]: [{ containerPort: 53, protocol: 'UDP' }] },
    fields: [`${C}.ports[0].protocol`],
    says: 'TCP ports only',
  },
  {
    name: 'an HTTPS probe',
    changes: { [`${C}.readinessProbe`]: { httpGet: { port: 8080, scheme: 'HTTPS' } } },
    fields: [`${C}.readinessProbe.httpGet.scheme`],
    says: 'plain HTTP',
  },
  {
    name: 'a hook on another host',
    changes: { [`${C}.lifecycle`]: { preStop: { httpGet: { port: 80, host: 'example.com' } } } },
    fields: [`${C}.lifecycle.preStop.httpGet.host`],
    says: '127.0.0.1',
  },
  {
    name: 'a tty',
    changes: { [`${C}.tty`]: true, [`${C}.stdin`]: true },
    fields: [`${C}.stdin`, `${C}.tty`],
    says: 'stdin or a terminal',
  },
  {
    name: 'a field path the runtime does not fill',
    changes: { [`${C}.env`]: [{ name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } }] },
    fields: [`${C}.env[0].valueFrom.fieldRef.fieldPath`],
    says: 'fills metadata.name',
  },
  {
    name: 'a termination message file',
    changes: { [`${C}.terminationMessagePath`]: '/tmp/msg' },
    fields: [`${C}.terminationMessagePath`],
    says: 'termination message',
  },
]

// Honoured, or honoured trivially on one node (the argument is in the module's table).
const ACCEPTED: Array<{ name: string; changes: Record<string, unknown> }> = [
  { name: 'Kubernetes defaults only', changes: {} },
  { name: 'a memory limit', changes: { [`${C}.resources`]: { limits: { memory: '128Mi' } } } },
  {
    name: 'tolerations and priority',
    changes: { [`${T}.tolerations`]: [{ key: 'k', operator: 'Exists' }], [`${T}.priorityClassName`]: 'high' },
  },
  {
    name: 'preferred anti-affinity',
    changes: { [`${T}.affinity`]: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } } },
  },
  {
    name: 'a spread over hosts',
    changes: {
      [`${T}.topologySpreadConstraints`]: [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
      ],
    },
  },
  {
    name: 'a spread that may be skewed',
    changes: {
      [`${T}.topologySpreadConstraints`]: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
      ],
    },
  },
  { name: "the node's own labels", changes: { [`${T}.nodeSelector`]: { 'kubernetes.io/os': 'linux' } } },
  {
    name: 'the default service account, no token',
    changes: { [`${T}.serviceAccountName`]: 'default', [`${T}.automountServiceAccountToken`]: false },
  },
  { name: 'empty security contexts', changes: { [`${T}.securityContext`]: {}, [`${C}.securityContext`]: {} } },
  {
    name: 'the user to run as',
    changes: {
      [`${T}.securityContext`]: { runAsUser: 1000, runAsGroup: 1000 },
      [`${C}.securityContext`]: { runAsNonRoot: true },
    },
  },
  {
    name: 'hostname, pull secrets, hostPID',
    changes: { [`${T}.hostname`]: 'web', [`${T}.imagePullSecrets`]: [{ name: 'reg' }], [`${T}.hostPID`]: true },
  },
  {
    name: 'a label field path',
    changes: { [`${C}.env`]: [{ name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }] },
  },
]

describe('processRuntimeErrors', () => {
  it.each(REFUSED)('refuses $name with the path and the reason', ({ changes, fields, says }) => {
    const errs = judged(withChanges(deployment(), dotted(changes)))
    expect(errs.map((e) => e.field)).toEqual(fields)
    for (const e of errs) {
      expect(e.message).toMatch(/^Forbidden: /)
      expect(e.message).toContain(says)
      expect(e.hint).toContain(e.field)
    }
  })

  it.each(ACCEPTED)('accepts $name', ({ changes }) => {
    expect(judged(withChanges(deployment(), dotted(changes)))).toEqual([])
  })

  it("judges a Pod's spec and a ReplicaSet's template, and nothing of a Service", () => {
    const vol = [{ name: 'cfg', emptyDir: {} }]
    expect(judged(withChanges(pod(), { 'spec.volumes': vol })).map((e) => e.field)).toEqual([
      'spec.volumes[0].emptyDir',
    ])
    expect(judged(withChanges(replicaSet(), { [`${T}.volumes`]: vol })).map((e) => e.field)).toEqual([
      `${T}.volumes[0].emptyDir`,
    ])
    // A workload template may not set it at all (validateObject refuses it there).
    expect(judged(withChanges(pod(), { 'spec.activeDeadlineSeconds': 60 }))[0]?.message).toContain(
      'does not enforce activeDeadlineSeconds',
    )
    expect(judged(service())).toEqual([])
  })

  it('hints at the way around for volumes', () => {
    const [err] = judged(withChanges(deployment(), { [`${T}.volumes`]: [{ name: 'cfg', configMap: { name: 'cfg' } }] }))
    expect(err?.hint).toMatch(/env/)
  })
})

describe("a StatefulSet's claim mounts", () => {
  const CLAIM = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }]
  const sts = (mount: Record<string, unknown>) =>
    withChanges(statefulSet(), {
      'spec.volumeClaimTemplates': CLAIM,
      'spec.template.spec.containers.0.volumeMounts': [{ name: 'data', mountPath: '/data', ...mount }],
    })
  it.each([
    ['a claim mounted by a container with an image is honoured', sts({}), []],
    ['subPath is refused', sts({ subPath: 'x' }), [`${C}.volumeMounts[0].subPath`]],
    ['readOnly is refused', sts({ readOnly: true }), [`${C}.volumeMounts[0].readOnly`]],
  ])('%s', (_name, obj, fields) => {
    expect(judged(obj).map((e) => e.field)).toEqual(fields)
  })
})

describe('volumes on a node that mounts them (a root daemon with overlayfs)', () => {
  const onMountingNode = (obj: unknown) => processRuntimeErrors(validateObject(obj), { mounts: true })
  const withVolume = (volume: Record<string, unknown>, mount: Record<string, unknown> = {}) =>
    withChanges(deployment(), {
      [`${T}.volumes`]: [{ name: 'v', ...volume }],
      'spec.template.spec.containers.0.volumeMounts': [{ name: 'v', mountPath: '/data', ...mount }],
    })
  it.each([
    ['an emptyDir', withVolume({ emptyDir: {} }), []],
    ['a hostPath with a type', withVolume({ hostPath: { path: '/srv', type: 'DirectoryOrCreate' } }), []],
    [
      'a configMap with items and modes, mounted read-only at a subPath',
      withVolume(
        { configMap: { name: 'cfg', items: [{ key: 'a', path: 'conf/a.yaml', mode: 0o600 }], defaultMode: 0o640 } },
        { readOnly: true, subPath: 'conf' },
      ),
      [],
    ],
    ['an optional secret', withVolume({ secret: { secretName: 's', optional: true } }), []],
    ['mountPropagation None', withVolume({ emptyDir: {} }, { mountPropagation: 'None' }), []],
    ['a Memory emptyDir', withVolume({ emptyDir: { medium: 'Memory' } }), [`${T}.volumes[0].emptyDir.medium`]],
    ['an emptyDir sizeLimit', withVolume({ emptyDir: { sizeLimit: '1Gi' } }), [`${T}.volumes[0].emptyDir.sizeLimit`]],
    [
      'an unknown hostPath type',
      withVolume({ hostPath: { path: '/srv', type: 'Dir' } }),
      [`${T}.volumes[0].hostPath.type`],
    ],
    ['a subPathExpr', withVolume({ emptyDir: {} }, { subPathExpr: 'logs/$(POD_NAME)' }), []],
    [
      'mountPropagation Bidirectional',
      withVolume({ emptyDir: {} }, { mountPropagation: 'Bidirectional' }),
      [`${C}.volumeMounts[0].mountPropagation`],
    ],
    [
      'recursiveReadOnly',
      withVolume({ emptyDir: {} }, { recursiveReadOnly: 'Enabled' }),
      [`${C}.volumeMounts[0].recursiveReadOnly`],
    ],
    ['a mount at /', withVolume({ emptyDir: {} }, { mountPath: '/' }), [`${C}.volumeMounts[0].mountPath`]],
  ])('%s', (_name, obj, fields) => {
    const errs = onMountingNode(obj)
    expect(errs.map((e) => e.field)).toEqual(fields)
    for (const e of errs) expect(e.hint).toBeDefined()
  })

  it('still refuses every volume on a node that does not mount them', () => {
    expect(judged(withVolume({ emptyDir: {} })).map((e) => e.field)).toEqual([
      `${T}.volumes[0].emptyDir`,
      `${C}.volumeMounts[0]`,
    ])
  })
})
