/**
 * @module
 * What the Docker runtime (src/runtime/docker) maps of a pod spec, as an admission check: a
 * field it would otherwise accept and not pass to the engine is refused with its path, the
 * reason and the fix. The walk is the process runtime's (api/process-runtime-support.ts); this
 * is where the two differ, in the Docker runtime's words. Pure.
 *
 * Verdicts, per pod-spec field (the table in docs/docker.md, "Pod spec fields"):
 *
 * | field | verdict on a Docker pod |
 * | --- | --- |
 * | containers, restartPolicy, terminationGracePeriodSeconds | mapped (container-config.ts, the container supervisor) |
 * | hostname | mapped: the container's hostname (and HOSTNAME) |
 * | nodeName, schedulerName, nodeSelector, affinity, tolerations, topologySpreadConstraints, priority* | as for processes: one node |
 * | serviceAccountName, automountServiceAccountToken, enableServiceLinks, os, dnsPolicy | as for processes |
 * | imagePullSecrets | refused (api/runtime-class.ts): no Secrets; the daemon user's Docker config |
 * | securityContext (pod and container) | runAsUser, runAsGroup mapped (User uid[:gid]); runAsGroup without runAsUser and every other field refused |
 * | volumes, volumeMounts (a StatefulSet's claims too) | refused: nothing is mounted |
 * | hostPID, hostIPC, shareProcessNamespace | false only: the container has its own PID and IPC namespaces |
 * | hostNetwork | false only: ports are published on loopback |
 * | initContainers, activeDeadlineSeconds, overhead, subdomain, setHostnameAsFQDN, dnsConfig, hostAliases | refused |
 *
 * And per container: image, imagePullPolicy, command, args, env (fieldRef to the pod's
 * metadata and spec.nodeName, configMapKeyRef, secretKeyRef), envFrom, workingDir, ports
 * (TCP; containerPort, hostPort, hostIP 127.0.0.1), resources.limits.memory, probes and hooks (exec in the container, httpGet and
 * tcpSocket to the published port, sleep), securityContext.runAsUser/runAsGroup and
 * resizePolicy are mapped; fieldRef to status.podIP / status.hostIP, other resources, the rest
 * of securityContext, volumeMounts, stdin/tty, stopSignal and a non-default termination
 * message are refused.
 */
import { at, type FieldError, forbidden, idx } from './field-errors.ts'
import { entries, isRec, type Rec } from './guards.ts'
import {
  FIELD_PATHS,
  PROCESS_REASONS,
  podSpecOf,
  type Reason,
  type Refusal,
  type RuntimeSupport,
  runtimeSupportErrors,
} from './process-runtime-support.ts'

const RT = 'the Docker runtime'

/** The process runtime's reasons, with those that are the runtime's own worded for containers. */
const DOCKER_REASONS: Readonly<Record<Reason, Refusal>> = {
  ...PROCESS_REASONS,
  initContainers: [`${RT} does not run init containers`, "run the step at the start of the container's command"],
  activeDeadlineSeconds: [`${RT} does not enforce activeDeadlineSeconds`, 'remove it, or stop the pod from a script'],
  volumes: [`${RT} does not mount volumes`, 'COPY the files into the image, or pass the data in env (configMapKeyRef)'],
  claimMountField: [`${RT} does not mount volumeClaimTemplates`, 'remove the mount'],
  volumeMounts: [
    `${RT} does not mount volumes (a StatefulSet's claims neither)`,
    'COPY the files into the image, or pass the data in env (configMapKeyRef)',
  ],
  automountToken: [`${RT} never mounts a service account token`, 'remove it, or set it to false'],
  hostNetwork: [
    'containers run in their own network namespace, their ports published on 127.0.0.1',
    'remove hostNetwork',
  ],
  dns: [
    `${RT} has no cluster DNS and no per-pod resolver or /etc/hosts entries; the engine's resolver answers`,
    'reach Services through their load-balancer port; remove it',
  ],
  dnsPolicy: [
    `dnsPolicy None needs a per-pod resolver, which ${RT} does not configure`,
    "use ClusterFirst (the engine's resolver answers)",
  ],
  enableServiceLinks: [
    `${RT} does not inject Service environment variables ({SVC}_SERVICE_HOST)`,
    'set the address in env; remove enableServiceLinks',
  ],
  securityContext: [
    `${RT} applies only runAsUser and runAsGroup of a securityContext: the container has the engine's default capabilities and a writable root`,
    'remove it',
  ],
  stdin: [`${RT} does not attach a stdin or a terminal`, 'remove it, or set it to false'],
  stopSignal: [`${RT} stops containers with SIGTERM through the engine`, 'remove stopSignal; handle SIGTERM'],
  resources: [
    `${RT} applies only limits.memory (the engine's memory limit); CPU limits, requests and claims are not applied`,
    'remove it',
  ],
  terminationMessage: [
    `${RT} does not read a termination message`,
    'remove it (the default is /dev/termination-log, File)',
  ],
  protocol: [`${RT} publishes TCP ports only`, 'use protocol TCP'],
  hostIP: ['container ports are published on 127.0.0.1 only', 'remove hostIP'],
  fieldPath: [
    `${RT} fills metadata.name, metadata.namespace, metadata.uid, metadata.labels['K'], metadata.annotations['K'] and spec.nodeName; inside the container's own network namespace 127.0.0.1 is not the pod's or the host's address`,
    'use one of those paths; reach other pods through their Service port',
  ],
  probeHost: ["probes and hooks dial the container's published port on 127.0.0.1", 'remove host'],
  probeScheme: ['probes and hooks speak plain HTTP', 'use scheme HTTP, or a tcpSocket probe'],
}

const OWN_NAMESPACES: Refusal = [
  "a container has its own PID and IPC namespaces; the Docker runtime does not share the host's or the pod's",
  'remove it, or set it to false',
]

export const DOCKER_SUPPORT: RuntimeSupport = {
  reasons: DOCKER_REASONS,
  securityContextFields: ['runAsUser', 'runAsGroup'],
  claimMounts: false,
  fieldPaths: new Set([...FIELD_PATHS].filter((p) => p !== 'status.podIP' && p !== 'status.hostIP')),
  podValueRules: [
    ['hostPID', (v) => v === false, OWN_NAMESPACES],
    ['hostIPC', (v) => v === false, OWN_NAMESPACES],
    ['shareProcessNamespace', (v) => v === false, OWN_NAMESPACES],
  ],
}

/** Every field of `obj`'s pod spec that the Docker runtime would not map; [] for kinds without one. */
export function dockerRuntimeErrors(obj: unknown): FieldError[] {
  return [...runtimeSupportErrors(obj, DOCKER_SUPPORT), ...groupWithoutUserErrors(obj)]
}

/**
 * runAsGroup with no runAsUser (the container's or the pod's): Kubernetes runs the image's user
 * with that group, which the engine cannot express (its User is `uid[:gid]`).
 */
function groupWithoutUserErrors(obj: unknown): FieldError[] {
  const found = isRec(obj) ? podSpecOf(obj) : undefined
  if (!found) return []
  const [spec, path] = found
  const of = (sc: unknown, field: string) => (isRec(sc) ? sc[field] : undefined)
  const errs: FieldError[] = []
  for (const [i, c] of entries<Rec>(spec.containers)) {
    if (of(c.securityContext, 'runAsUser') !== undefined || of(spec.securityContext, 'runAsUser') !== undefined)
      continue
    const where =
      of(c.securityContext, 'runAsGroup') !== undefined
        ? at(idx(at(path, 'containers'), i), 'securityContext', 'runAsGroup')
        : of(spec.securityContext, 'runAsGroup') !== undefined
          ? at(path, 'securityContext', 'runAsGroup')
          : undefined
    if (where && !errs.some((e) => e.field === where))
      errs.push(
        forbidden(
          where,
          `${RT} sets the container's user as uid[:gid]: a group needs the user to run as`,
          `${where}: set runAsUser too (the uid the image's USER names), or remove runAsGroup.`,
        ),
      )
  }
  return errs
}
