import { describe, expect, it } from 'vitest'
import { dockerRuntimeErrors } from './docker-runtime-support.ts'
import { processRuntimeErrors } from './process-runtime-support.ts'
import { deployment, pod, service, statefulSet, withChanges } from './test-objects.ts'
import { validateObject } from './validate.ts'

const T = 'spec.template.spec'
const C = `${T}.containers[0]`
/** withChanges indexes lists with dotted numbers. */
const dotted = (changes: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(changes).map(([k, v]) => [k.replace(/\[(\d+)\]/g, '.$1'), v]))
/** The object as admission sees it: validated and defaulted. */
const judged = (obj: unknown) => dockerRuntimeErrors(validateObject(obj))
const changed = (changes: Record<string, unknown>) => withChanges(deployment(), dotted(changes))

// Fields the Docker runtime does not pass to the engine: each refused with its path, why, and the fix.
const REFUSED: Array<{ name: string; changes: Record<string, unknown>; fields: string[]; says: string }> = [
  {
    name: 'a sandbox field the engine is not given (privileged, seccomp)',
    changes: { [`${C}.securityContext`]: { privileged: true, seccompProfile: { type: 'Unconfined' } } },
    fields: [`${C}.securityContext.privileged`, `${C}.securityContext.seccompProfile`],
    says: 'no other field of a securityContext',
  },
  {
    name: "a container's securityContext field on the pod",
    changes: { [`${T}.securityContext`]: { readOnlyRootFilesystem: true, fsGroup: 2000 } },
    fields: [`${T}.securityContext.fsGroup`, `${T}.securityContext.readOnlyRootFilesystem`],
    says: 'securityContext',
  },
  {
    name: 'a group without a user to run as',
    changes: { [`${T}.securityContext`]: { runAsGroup: 1000 } },
    fields: [`${T}.securityContext.runAsGroup`],
    says: 'a group needs the user to run as',
  },
  {
    name: "a mount's propagation, a disk emptyDir's sizeLimit",
    changes: {
      [`${T}.volumes`]: [{ name: 'a', emptyDir: { sizeLimit: '1Gi' } }],
      [`${C}.volumeMounts`]: [{ name: 'a', mountPath: '/cache', mountPropagation: 'HostToContainer' }],
    },
    fields: [`${T}.volumes[0].emptyDir.sizeLimit`, `${C}.volumeMounts[0].mountPropagation`],
    says: 'the Docker runtime',
  },
  {
    name: 'a subPath of a Memory emptyDir (an engine volume)',
    changes: {
      [`${T}.volumes`]: [{ name: 'a', emptyDir: { medium: 'Memory' } }],
      [`${C}.volumeMounts`]: [
        { name: 'a', mountPath: '/run/app', subPath: 'x' },
        { name: 'a', mountPath: '/run/pod', subPathExpr: '$(POD_NAME)' },
      ],
    },
    fields: [`${C}.volumeMounts[0].subPath`, `${C}.volumeMounts[1].subPathExpr`],
    says: 'mounts whole',
  },
  {
    name: 'a resource other than cpu and memory, and claims',
    changes: {
      [`${C}.resources`]: {
        limits: { cpu: '500m', 'nvidia.com/gpu': 1 },
        requests: { 'ephemeral-storage': '1Gi' },
        claims: [{ name: 'gpu' }],
      },
    },
    fields: [
      `${C}.resources.claims`,
      `${C}.resources.limits["nvidia.com/gpu"]`,
      `${C}.resources.requests["ephemeral-storage"]`,
    ],
    says: 'applies limits and requests of cpu and memory only',
  },
  {
    name: "the host's PID and IPC namespaces, a shared process namespace",
    changes: { [`${T}.hostPID`]: true, [`${T}.hostIPC`]: true, [`${T}.shareProcessNamespace`]: true },
    fields: [`${T}.hostPID`, `${T}.hostIPC`, `${T}.shareProcessNamespace`],
    says: 'its own PID and IPC namespaces',
  },
  {
    name: "the pod's IP from the downward API",
    changes: {
      [`${C}.env`]: [
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      ],
    },
    fields: [`${C}.env[0].valueFrom.fieldRef.fieldPath`, `${C}.env[1].valueFrom.fieldRef.fieldPath`],
    says: 'own network namespace',
  },
  {
    name: 'a UDP port',
    changes: { [`${C}.ports`]: [{ containerPort: 53, protocol: 'UDP' }] },
    fields: [`${C}.ports[0].protocol`],
    says: 'publishes TCP ports only',
  },
  {
    name: 'a port published on every interface',
    changes: { [`${C}.ports`]: [{ containerPort: 8080, hostIP: '0.0.0.0' }] },
    fields: [`${C}.ports[0].hostIP`],
    says: 'published on 127.0.0.1 only',
  },
  {
    name: 'hostNetwork',
    changes: { [`${T}.hostNetwork`]: true },
    fields: [`${T}.hostNetwork`],
    says: 'own network namespace',
  },
  {
    name: 'init containers',
    changes: { [`${T}.initContainers`]: [{ name: 'init', image: 'busybox:1', command: ['true'] }] },
    fields: [`${T}.initContainers[0]`],
    says: 'the Docker runtime does not run init containers',
  },
  {
    name: 'a stop signal',
    changes: { [`${C}.lifecycle`]: { stopSignal: 'SIGINT' } },
    fields: [`${C}.lifecycle.stopSignal`],
    says: 'SIGTERM through the engine',
  },
  {
    name: 'a tty',
    changes: { [`${C}.tty`]: true },
    fields: [`${C}.tty`],
    says: 'the Docker runtime does not attach',
  },
  {
    name: 'a termination message file',
    changes: { [`${C}.terminationMessagePath`]: '/tmp/msg' },
    fields: [`${C}.terminationMessagePath`],
    says: 'the Docker runtime does not read a termination message',
  },
  {
    name: 'an HTTPS probe and a probe of another host',
    changes: { [`${C}.readinessProbe`]: { httpGet: { port: 8080, scheme: 'HTTPS', host: 'example.com' } } },
    fields: [`${C}.readinessProbe.httpGet.host`, `${C}.readinessProbe.httpGet.scheme`],
    says: 'probes and hooks',
  },
  {
    name: 'hostAliases and dnsPolicy None',
    changes: {
      [`${T}.hostAliases`]: [{ ip: '10.0.0.1', hostnames: ['db'] }],
      [`${T}.dnsPolicy`]: 'None',
      [`${T}.dnsConfig`]: { nameservers: ['10.0.0.53'] },
    },
    fields: [`${T}.dnsConfig`, `${T}.hostAliases`, `${T}.dnsPolicy`],
    says: 'resolver',
  },
  {
    name: 'a nodeSelector the one node cannot match (judged as for processes)',
    changes: { [`${T}.nodeSelector`]: { disktype: 'ssd' } },
    fields: [`${T}.nodeSelector["disktype"]`],
    says: 'would never match',
  },
]

// What the Docker runtime maps (container-config.ts), or what holds trivially on one node.
const ACCEPTED: Array<{ name: string; changes: Record<string, unknown> }> = [
  { name: 'Kubernetes defaults only', changes: {} },
  {
    name: 'command, args, workingDir, env with pod fields',
    changes: {
      [`${C}.command`]: ['/app'],
      [`${C}.args`]: ['-v'],
      [`${C}.workingDir`]: '/srv',
      [`${C}.env`]: [
        { name: 'A', value: 'x' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      ],
    },
  },
  { name: 'a memory limit', changes: { [`${C}.resources`]: { limits: { memory: '128Mi' } } } },
  {
    name: 'cpu and memory limits and requests',
    changes: {
      [`${C}.resources`]: { limits: { cpu: '1', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
    },
  },
  {
    name: 'runAsNonRoot, a read-only root, capabilities, no privilege escalation',
    changes: {
      [`${T}.securityContext`]: { runAsNonRoot: true, runAsUser: 1000 },
      [`${C}.securityContext`]: {
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CAP_CHOWN'] },
        allowPrivilegeEscalation: false,
      },
    },
  },
  {
    name: 'emptyDir (disk and memory), hostPath, configMap and secret volumes, mounted',
    changes: {
      [`${T}.volumes`]: [
        { name: 'a', emptyDir: {} },
        { name: 'b', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'c', hostPath: { path: '/srv', type: 'DirectoryOrCreate' } },
        { name: 'd', configMap: { name: 'conf' } },
        { name: 'e', secret: { secretName: 'creds', defaultMode: 0o400 } },
      ],
      [`${C}.volumeMounts`]: [
        { name: 'a', mountPath: '/cache' },
        { name: 'b', mountPath: '/run/app' },
        { name: 'c', mountPath: '/srv', readOnly: true },
        { name: 'd', mountPath: '/etc/app' },
        { name: 'e', mountPath: '/run/creds' },
      ],
    },
  },
  {
    name: 'subPaths of a disk emptyDir, a hostPath, a configMap and a secret',
    changes: {
      [`${T}.volumes`]: [
        { name: 'a', emptyDir: {} },
        { name: 'c', hostPath: { path: '/srv', type: 'DirectoryOrCreate' } },
        { name: 'd', configMap: { name: 'conf' } },
        { name: 'e', secret: { secretName: 'creds' } },
      ],
      [`${C}.volumeMounts`]: [
        { name: 'a', mountPath: '/var/log/web', subPath: 'logs/web' },
        { name: 'c', mountPath: '/srv/data', subPath: 'data', readOnly: true },
        { name: 'd', mountPath: '/etc/app/app.conf', subPath: 'app.conf' },
        { name: 'e', mountPath: '/run/token', subPath: 'token' },
        { name: 'a', mountPath: '/var/log/pod', subPathExpr: 'pods/$(POD_NAME)' },
      ],
    },
  },
  {
    name: 'ports with a hostPort on loopback',
    changes: { [`${C}.ports`]: [{ containerPort: 8080, hostPort: 18080, hostIP: '127.0.0.1', protocol: 'TCP' }] },
  },
  { name: 'a hostname', changes: { [`${T}.hostname`]: 'web' } },
  {
    name: 'the user and group to run as, the container over the pod',
    changes: { [`${T}.securityContext`]: { runAsUser: 1000 }, [`${C}.securityContext`]: { runAsGroup: 2000 } },
  },
  { name: 'empty security contexts', changes: { [`${T}.securityContext`]: {}, [`${C}.securityContext`]: {} } },
  {
    name: 'exec, httpGet, tcpSocket probes and hooks',
    changes: {
      [`${C}.readinessProbe`]: { httpGet: { port: 8080, path: '/ready' } },
      [`${C}.livenessProbe`]: { exec: { command: ['true'] } },
      [`${C}.startupProbe`]: { tcpSocket: { port: 8080 } },
      [`${C}.lifecycle`]: { preStop: { sleep: { seconds: 1 } }, postStart: { exec: { command: ['true'] } } },
    },
  },
  {
    name: 'no host namespaces, tolerations, a preferred affinity',
    changes: {
      [`${T}.hostPID`]: false,
      [`${T}.hostNetwork`]: false,
      [`${T}.tolerations`]: [{ key: 'k', operator: 'Exists' }],
      [`${T}.affinity`]: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
    },
  },
]

describe('dockerRuntimeErrors', () => {
  it.each(REFUSED)('refuses $name with the path, the reason and the fix', ({ changes, fields, says }) => {
    const errs = judged(changed(changes))
    expect(errs.map((e) => e.field)).toEqual(fields)
    for (const e of errs) {
      expect(e.message).toMatch(/^Forbidden: /)
      expect(e.message).toContain(says)
      expect(e.hint).toContain(e.field)
      expect(e.message).not.toContain('process runtime')
    }
  })

  it.each(ACCEPTED)('accepts $name', ({ changes }) => {
    expect(judged(changed(changes))).toEqual([])
  })

  it.each<[string, Record<string, unknown>, Array<[string, string]>]>([
    [
      'quantities that do not parse, and a negative one',
      { [`${C}.resources`]: { limits: { memory: 'lots', cpu: '-1' }, requests: { cpu: '1 core' } } },
      [
        [`${C}.resources.limits["memory"]`, 'Invalid value: "lots": quantities must match the regular expression'],
        [`${C}.resources.limits["cpu"]`, 'Invalid value: "-1": must be greater than or equal to 0'],
        [`${C}.resources.requests["cpu"]`, 'Invalid value: "1 core": quantities must match'],
      ],
    ],
    [
      'a request above its limit',
      { [`${C}.resources`]: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '1', memory: '64Mi' } } },
      [[`${C}.resources.requests["cpu"]`, 'Invalid value: "1": must be less than or equal to cpu limit of 500m']],
    ],
    [
      'a capability name that is not one, and SYS_ADMIN without privilege escalation',
      {
        [`${C}.securityContext`]: {
          capabilities: { add: ['net admin', 'SYS_ADMIN'] },
          allowPrivilegeEscalation: false,
        },
      },
      [
        [`${C}.securityContext.capabilities.add[0]`, 'Invalid value: "net admin": must be a capability name'],
        [`${C}.securityContext.allowPrivilegeEscalation`, 'cannot set `allowPrivilegeEscalation` to false'],
      ],
    ],
    [
      'an unknown hostPath type and emptyDir medium',
      {
        [`${T}.volumes`]: [
          { name: 'a', hostPath: { path: '/srv', type: 'Dir' } },
          { name: 'b', emptyDir: { medium: 'HugePages' } },
        ],
      },
      [
        [`${T}.volumes[0].hostPath.type`, 'Unsupported value: "Dir"'],
        [`${T}.volumes[1].emptyDir.medium`, 'Unsupported value: "HugePages"'],
      ],
    ],
  ])('refuses %s, naming the path', (_name, changes, want) => {
    const errs = judged(changed(changes))
    expect(errs.map((e) => e.field)).toEqual(want.map(([f]) => f))
    errs.forEach((e, i) => {
      expect(e.message).toContain(want[i]?.[1])
      expect(e.hint).toContain(e.field)
    })
  })

  it("refuses a StatefulSet's claim mount, which the process runtime honours", () => {
    const sts = withChanges(statefulSet(), {
      'spec.volumeClaimTemplates': [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      'spec.template.spec.containers.0.volumeMounts': [{ name: 'data', mountPath: '/data' }],
    })
    expect(processRuntimeErrors(validateObject(sts))).toEqual([])
    expect(judged(sts).map((e) => [e.field, e.message])).toEqual([
      [
        `${C}.volumeMounts[0]`,
        "Forbidden: the Docker runtime does not mount volumeClaimTemplates; a mount names one of the pod's volumes",
      ],
    ])
  })

  it("judges a Pod's spec, and nothing of a Service", () => {
    expect(judged(withChanges(pod(), { 'spec.hostIPC': true })).map((e) => e.field)).toEqual(['spec.hostIPC'])
    expect(judged(service())).toEqual([])
  })
})
