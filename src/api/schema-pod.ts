/**
 * @module
 * Zod schemas for the pod spec and pod template (containers, probes, lifecycle hooks, ports,
 * env, volumes). Structure only; see validate-pod-spec.ts for the rules.
 */
import { z } from 'zod'
import {
  bool,
  ignored,
  int,
  intOrString,
  objectMeta,
  str,
  stringList,
  stringMap,
  unsupported,
} from './schema-common.ts'

const exec = z.strictObject({ command: stringList.optional() })

const httpGet = z.strictObject({
  path: str.optional(),
  port: intOrString,
  host: str.optional(),
  scheme: z.enum(['HTTP', 'HTTPS']).optional(),
  httpHeaders: z.array(z.strictObject({ name: str, value: str })).optional(),
})

const tcpSocket = z.strictObject({ port: intOrString, host: str.optional() })

const probe = z.strictObject({
  exec: exec.optional(),
  httpGet: httpGet.optional(),
  tcpSocket: tcpSocket.optional(),
  grpc: unsupported('Baton does not run gRPC probes; use httpGet, tcpSocket or exec').optional(),
  initialDelaySeconds: int.optional(),
  periodSeconds: int.optional(),
  timeoutSeconds: int.optional(),
  successThreshold: int.optional(),
  failureThreshold: int.optional(),
  terminationGracePeriodSeconds: int.optional(),
})

const lifecycleHandler = z.strictObject({
  exec: exec.optional(),
  httpGet: httpGet.optional(),
  tcpSocket: tcpSocket.optional(),
  sleep: z.strictObject({ seconds: int }).optional(),
})

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const

const containerPort = z.strictObject({
  name: str.optional(),
  containerPort: int,
  protocol: z.enum(PROTOCOLS).optional(),
  hostPort: int.optional(),
  hostIP: str.optional(),
})

const envVar = z.strictObject({
  name: str,
  value: str.optional(),
  valueFrom: z
    .strictObject({
      fieldRef: z.strictObject({ fieldPath: str, apiVersion: str.optional() }).optional(),
      configMapKeyRef: z.strictObject({ name: str, key: str, optional: bool.optional() }).optional(),
      secretKeyRef: z.strictObject({ name: str, key: str, optional: bool.optional() }).optional(),
      resourceFieldRef: unsupported('Baton does not expose container resources to env').optional(),
    })
    .optional(),
})

const quantities = z.record(z.string(), z.union([z.string(), z.number()]))

const container = z.strictObject({
  name: str,
  image: str.optional(),
  imagePullPolicy: z.enum(['Always', 'Never', 'IfNotPresent']).optional(),
  command: stringList.optional(),
  args: stringList.optional(),
  workingDir: str.optional(),
  env: z.array(envVar).optional(),
  envFrom: z
    .array(
      z.strictObject({
        prefix: str.optional(),
        configMapRef: z.strictObject({ name: str, optional: bool.optional() }).optional(),
        secretRef: z.strictObject({ name: str, optional: bool.optional() }).optional(),
      }),
    )
    .optional(),
  ports: z.array(containerPort).optional(),
  resources: z
    .strictObject({ limits: quantities.optional(), requests: quantities.optional(), claims: ignored.optional() })
    .optional(),
  readinessProbe: probe.optional(),
  livenessProbe: probe.optional(),
  startupProbe: probe.optional(),
  lifecycle: z
    .strictObject({
      postStart: lifecycleHandler.optional(),
      preStop: lifecycleHandler.optional(),
      stopSignal: ignored.optional(),
    })
    .optional(),
  terminationMessagePath: str.optional(),
  terminationMessagePolicy: z.enum(['File', 'FallbackToLogsOnError']).optional(),
  volumeMounts: z
    .array(
      z.strictObject({
        name: str,
        mountPath: str,
        readOnly: bool.optional(),
        subPath: str.optional(),
        subPathExpr: str.optional(),
        mountPropagation: ignored.optional(),
        recursiveReadOnly: ignored.optional(),
      }),
    )
    .optional(),
  // Valid Kubernetes; whether the node's runtime honours them is admission's call
  // (api/process-runtime-support.ts), which refuses what the process runtime would not do.
  securityContext: ignored.optional(),
  stdin: ignored.optional(),
  stdinOnce: ignored.optional(),
  tty: ignored.optional(),
  resizePolicy: ignored.optional(),
  restartPolicy: unsupported('Baton does not run sidecar containers (restartPolicy on a container)').optional(),
  volumeDevices: unsupported('Baton has no block devices').optional(),
})

const keyToPath = z.strictObject({ key: str, path: str, mode: int.optional() })

const volume = z.strictObject({
  name: str,
  configMap: z
    .strictObject({
      name: str.optional(),
      items: z.array(keyToPath).optional(),
      defaultMode: int.optional(),
      optional: bool.optional(),
    })
    .optional(),
  emptyDir: z.strictObject({ medium: str.optional(), sizeLimit: z.union([str, int]).optional() }).optional(),
  hostPath: z.strictObject({ path: str, type: str.optional() }).optional(),
  // Valid Kubernetes; which runtime mounts it is admission's call (both do where they can).
  secret: z
    .strictObject({
      secretName: str.optional(),
      items: z.array(keyToPath).optional(),
      defaultMode: int.optional(),
      optional: bool.optional(),
    })
    .optional(),
  persistentVolumeClaim: unsupported('Baton has no persistent volume claims; use hostPath').optional(),
  downwardAPI: unsupported('Baton does not project pod metadata into files').optional(),
  projected: unsupported('Baton does not support projected volumes; mount a ConfigMap').optional(),
})

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const

export const podSpec = z.strictObject({
  containers: z.array(container).optional(),
  initContainers: z.array(container).optional(),
  restartPolicy: z.enum(RESTART_POLICIES).optional(),
  terminationGracePeriodSeconds: int.optional(),
  activeDeadlineSeconds: int.optional(),
  nodeName: str.optional(),
  volumes: z.array(volume).optional(),
  dnsPolicy: z.enum(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']).optional(),
  schedulerName: str.optional(),
  imagePullSecrets: z.array(z.strictObject({ name: str.optional() })).optional(),
  nodeSelector: stringMap.optional(),
  hostname: str.optional(),
  subdomain: str.optional(),
  // Which runtime runs the pod: admission checks the node runs it (api/runtime-class.ts).
  runtimeClassName: str.optional(),
  readinessGates: unsupported('Baton has no controllers that set custom pod conditions').optional(),
  ephemeralContainers: unsupported('Baton does not run ephemeral containers').optional(),
  // Scheduling, identity and sandboxing settings: valid Kubernetes; admission accepts those honoured
  // (trivially) on one node and refuses the rest (api/process-runtime-support.ts, docs/compatibility.md).
  securityContext: ignored.optional(),
  serviceAccountName: ignored.optional(),
  serviceAccount: ignored.optional(),
  automountServiceAccountToken: ignored.optional(),
  affinity: ignored.optional(),
  tolerations: ignored.optional(),
  topologySpreadConstraints: ignored.optional(),
  priorityClassName: ignored.optional(),
  priority: ignored.optional(),
  preemptionPolicy: ignored.optional(),
  hostNetwork: ignored.optional(),
  hostPID: ignored.optional(),
  hostIPC: ignored.optional(),
  shareProcessNamespace: ignored.optional(),
  dnsConfig: ignored.optional(),
  hostAliases: ignored.optional(),
  enableServiceLinks: ignored.optional(),
  overhead: ignored.optional(),
  os: ignored.optional(),
  setHostnameAsFQDN: ignored.optional(),
})

/** A pod template; `spec` may be absent here so that the rules report the missing containers. */
export const podTemplate = z.strictObject({ metadata: objectMeta.optional(), spec: podSpec.optional() })
