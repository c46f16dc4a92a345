/**
 * @module
 * One strict zod schema per served kind (apps/v1 Deployment, ReplicaSet, StatefulSet,
 * ControllerRevision; v1 Pod, Service, Endpoints, ConfigMap, Event). Structure only.
 * `spec` and `selector` are optional here so that the rule files report them with
 * Kubernetes' wording ("spec.selector: Required value").
 */
import { z } from 'zod'
import {
  bool,
  ignored,
  int,
  intOrString,
  labelSelector,
  objectMeta,
  status,
  str,
  stringList,
  stringMap,
  unsupported,
} from './schema-common.ts'
import { PROTOCOLS, podSpec, podTemplate } from './schema-pod.ts'

const typeMeta = { apiVersion: str, kind: str, metadata: objectMeta.optional() }

export const DEPLOYMENT_STRATEGIES = ['Recreate', 'RollingUpdate'] as const

export const deployment = z.strictObject({
  ...typeMeta,
  spec: z
    .strictObject({
      replicas: int.optional(),
      selector: labelSelector.optional(),
      template: podTemplate.optional(),
      strategy: z
        .strictObject({
          type: z.enum(DEPLOYMENT_STRATEGIES).optional(),
          rollingUpdate: z
            .strictObject({ maxUnavailable: intOrString.optional(), maxSurge: intOrString.optional() })
            .optional(),
        })
        .optional(),
      minReadySeconds: int.optional(),
      revisionHistoryLimit: int.optional(),
      paused: bool.optional(),
      progressDeadlineSeconds: int.optional(),
    })
    .optional(),
  status,
})

export const replicaSet = z.strictObject({
  ...typeMeta,
  spec: z
    .strictObject({
      replicas: int.optional(),
      minReadySeconds: int.optional(),
      selector: labelSelector.optional(),
      template: podTemplate.optional(),
    })
    .optional(),
  status,
})

const quantity = z.union([str, int])

const claimSpec = z.strictObject({
  accessModes: z.array(z.enum(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'])).optional(),
  resources: z
    .strictObject({
      requests: z.record(z.string(), quantity).optional(),
      limits: z.record(z.string(), quantity).optional(),
    })
    .optional(),
  storageClassName: str.optional(),
  volumeMode: z.enum(['Filesystem']).optional(),
  volumeName: str.optional(),
  selector: unsupported('Baton has no PersistentVolumes to select; remove selector').optional(),
  dataSource: unsupported('Baton does not populate volumes from a data source').optional(),
  dataSourceRef: unsupported('Baton does not populate volumes from a data source').optional(),
  volumeAttributesClassName: unsupported('Baton has no volume attributes classes').optional(),
})

const claimTemplate = z.strictObject({
  apiVersion: str.optional(),
  kind: str.optional(),
  metadata: z.strictObject({ name: str, labels: stringMap.optional(), annotations: stringMap.optional() }),
  spec: claimSpec,
})

const retention = z.enum(['Retain', 'Delete'])

export const persistentVolumeClaim = z.strictObject({ ...typeMeta, spec: claimSpec, status })

export const statefulSet = z.strictObject({
  ...typeMeta,
  spec: z
    .strictObject({
      replicas: int.optional(),
      selector: labelSelector.optional(),
      template: podTemplate.optional(),
      serviceName: str.optional(),
      podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).optional(),
      updateStrategy: z
        .strictObject({
          type: z.enum(['RollingUpdate', 'OnDelete']).optional(),
          rollingUpdate: z
            .strictObject({ partition: int.optional(), maxUnavailable: intOrString.optional() })
            .optional(),
        })
        .optional(),
      revisionHistoryLimit: int.optional(),
      minReadySeconds: int.optional(),
      ordinals: z.strictObject({ start: int.optional() }).optional(),
      volumeClaimTemplates: z.array(claimTemplate).optional(),
      persistentVolumeClaimRetentionPolicy: z
        .strictObject({ whenDeleted: retention.optional(), whenScaled: retention.optional() })
        .optional(),
    })
    .optional(),
  status,
})

export const controllerRevision = z.strictObject({ ...typeMeta, revision: int, data: ignored.optional() })

export const pod = z.strictObject({ ...typeMeta, spec: podSpec.optional(), status })

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const

export const service = z.strictObject({
  ...typeMeta,
  spec: z
    .strictObject({
      selector: stringMap.optional(),
      ports: z
        .array(
          z.strictObject({
            name: str.optional(),
            protocol: z.enum(PROTOCOLS).optional(),
            appProtocol: str.optional(),
            port: int,
            targetPort: intOrString.optional(),
            nodePort: int.optional(),
          }),
        )
        .optional(),
      type: z.enum(SERVICE_TYPES).optional(),
      clusterIP: str.optional(),
      clusterIPs: stringList.optional(),
      sessionAffinity: z.enum(['ClientIP', 'None']).optional(),
      externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
      externalName: unsupported('Baton does not serve ExternalName services').optional(),
      publishNotReadyAddresses: unsupported('Baton only routes to ready pods').optional(),
      // Printed by `kubectl get svc -o yaml`; cluster networking details with no effect here.
      sessionAffinityConfig: ignored.optional(),
      internalTrafficPolicy: ignored.optional(),
      ipFamilies: ignored.optional(),
      ipFamilyPolicy: ignored.optional(),
      loadBalancerIP: ignored.optional(),
      loadBalancerClass: ignored.optional(),
      loadBalancerSourceRanges: ignored.optional(),
      allocateLoadBalancerNodePorts: ignored.optional(),
      externalIPs: ignored.optional(),
      healthCheckNodePort: ignored.optional(),
      trafficDistribution: ignored.optional(),
    })
    .optional(),
  status,
})

const objectReference = z.strictObject({
  kind: str.optional(),
  name: str.optional(),
  namespace: str.optional(),
  uid: str.optional(),
  apiVersion: str.optional(),
  resourceVersion: str.optional(),
  fieldPath: str.optional(),
})

const endpointAddress = z.strictObject({
  ip: str,
  hostname: str.optional(),
  nodeName: str.optional(),
  targetRef: objectReference.optional(),
})

const endpointPort = z.strictObject({
  name: str.optional(),
  port: int,
  protocol: z.enum(PROTOCOLS).optional(),
  appProtocol: str.optional(),
})

export const endpoints = z.strictObject({
  ...typeMeta,
  subsets: z
    .array(
      z.strictObject({
        addresses: z.array(endpointAddress).optional(),
        notReadyAddresses: z.array(endpointAddress).optional(),
        ports: z.array(endpointPort).optional(),
      }),
    )
    .optional(),
})

export const configMap = z.strictObject({
  ...typeMeta,
  data: stringMap.optional(),
  binaryData: stringMap.optional(),
  immutable: bool.optional(),
})

export const secret = z.strictObject({
  ...typeMeta,
  data: stringMap.optional(),
  stringData: stringMap.optional(),
  type: str.optional(),
  immutable: bool.optional(),
})

export const serviceAccount = z.strictObject({
  ...typeMeta,
  secrets: z.array(objectReference).optional(),
  imagePullSecrets: z.array(z.strictObject({ name: str.optional() })).optional(),
  automountServiceAccountToken: bool.optional(),
})

/** A Namespace: `kubernetes` is the only finalizer, the namespace controller's (it is set on create). */
export const namespace = z.strictObject({
  ...typeMeta,
  spec: z.strictObject({ finalizers: z.array(z.literal('kubernetes')).optional() }).optional(),
  status: z.strictObject({ phase: z.enum(['Active', 'Terminating']).optional() }).optional(),
})

export const event = z.strictObject({
  ...typeMeta,
  involvedObject: objectReference,
  reason: str.optional(),
  message: str.optional(),
  type: z.enum(['Normal', 'Warning']).optional(),
  source: z.strictObject({ component: str.optional(), host: str.optional() }).optional(),
  firstTimestamp: str.optional(),
  lastTimestamp: str.optional(),
  count: int.optional(),
  eventTime: ignored.optional(),
  series: ignored.optional(),
  action: ignored.optional(),
  related: ignored.optional(),
  reportingComponent: ignored.optional(),
  reportingInstance: ignored.optional(),
})
