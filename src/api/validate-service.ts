/**
 * @module
 * Rules for the v1 kinds around traffic and configuration: Service, Endpoints, ConfigMap.
 */
import {
  type FieldError,
  at,
  duplicate,
  forbidden,
  idx,
  invalid,
  invalidAll,
  required,
  tooLong,
} from './field-errors.ts'
import { entries, isInt, isNonEmptyString, isPresent, stringEntries } from './guards.ts'
import { configKeyErrors, dns1123LabelErrors, portNumberErrors, qualifiedNameErrors } from './names.ts'
import { validatePortNumOrName } from './validate-pod-spec.ts'
import { validateLabels } from './validate-meta.ts'
import { configRolloutErrors } from './config-snapshot.ts'
import type { ConfigMap, Endpoints, Service, ServicePort } from './types.ts'

const PORT_HINT = 'Service ports are numbers from 1 to 65535; targetPort is a number or a container port name.'
/** A ConfigMap holds at most 1 MiB of data, like an etcd value. */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024
const utf8 = new TextEncoder()

export function validateServiceSpec(svc: Service): FieldError[] {
  const spec: Partial<Service['spec']> = isPresent(svc.spec) ? svc.spec : {}
  const errs = validateLabels(spec.selector, 'spec.selector')
  const ports = entries<ServicePort>(spec.ports)
  const headless = spec.clusterIP === 'None'
  if (ports.length === 0 && !headless) {
    errs.push(required('spec.ports', '', 'List at least one port, e.g. ports: [{port: 80, targetPort: 8080}].'))
  }
  const names = new Set<string>()
  const keys = new Set<string>()
  for (const [i, port] of ports) {
    const p = idx('spec.ports', i)
    if (!isNonEmptyString(port.name)) {
      // With several ports, Endpoints and named lookups need a name to tell them apart.
      if (ports.length > 1) errs.push(required(at(p, 'name'), '', 'Name every port when a Service has more than one.'))
    } else {
      errs.push(...invalidAll(at(p, 'name'), port.name, dns1123LabelErrors(port.name)))
      if (names.has(port.name)) errs.push(duplicate(at(p, 'name'), port.name))
      names.add(port.name)
    }
    if (isInt(port.port)) errs.push(...invalidAll(at(p, 'port'), port.port, portNumberErrors(port.port), PORT_HINT))
    errs.push(...validatePortNumOrName(port.targetPort, at(p, 'targetPort')))
    if (isNonEmptyString(port.appProtocol)) {
      errs.push(...invalidAll(at(p, 'appProtocol'), port.appProtocol, qualifiedNameErrors(port.appProtocol)))
    }
    const key = `${port.port}/${port.protocol ?? 'TCP'}`
    if (keys.has(key)) errs.push(duplicate(p, key, 'Each port number and protocol pair may appear once.'))
    keys.add(key)
    if (port.nodePort !== undefined && spec.type === 'ClusterIP') {
      const detail = "may not be used when `type` is 'ClusterIP'"
      errs.push(forbidden(at(p, 'nodePort'), detail, 'Remove nodePort, or use type: NodePort.'))
    } else if (isInt(port.nodePort) && port.nodePort !== 0) {
      errs.push(...invalidAll(at(p, 'nodePort'), port.nodePort, portNumberErrors(port.nodePort), PORT_HINT))
    }
  }
  errs.push(...clusterIPErrors(spec))
  if (headless && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) {
    // kube-apiserver names spec.clusterIPs[0], which it fills from clusterIP; Baton names the field written.
    const detail = `may not be set to 'None' for ${spec.type} services`
    errs.push(invalid('spec.clusterIP', 'None', detail, 'Remove clusterIP: None, or use type: ClusterIP.'))
  }
  if (spec.externalTrafficPolicy !== undefined && spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
    const detail = "may only be set when `type` is 'NodePort' or 'LoadBalancer'"
    errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, detail))
  }
  return errs
}

const CLUSTER_IP_HINT =
  'Baton allocates no cluster IPs: leave clusterIP unset for a load-balanced Service (it listens on its ports ' +
  'on the service host, 127.0.0.1 by default), or set clusterIP: None for a headless one.'

/**
 * The cluster IPs Baton honours: none (unset or "": the Service is load-balanced on the service
 * host) or "None" (headless). An address would be stored and never listened on, so it is refused;
 * clusterIPs, kube-apiserver's list form, may only repeat clusterIP's "None".
 */
function clusterIPErrors(spec: Partial<Service['spec']>): FieldError[] {
  const errs: FieldError[] = []
  const ip = spec.clusterIP
  if (ip !== undefined && ip !== '' && ip !== 'None')
    errs.push(invalid('spec.clusterIP', ip, 'must be "None" or unset: Baton allocates no cluster IPs', CLUSTER_IP_HINT))
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : []
  if (ips.length > 0 && !(ips.length === 1 && ips[0] === 'None' && ip === 'None'))
    errs.push(invalid('spec.clusterIPs', ips, 'may only be ["None"], with clusterIP: None', CLUSTER_IP_HINT))
  return errs
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = []
  for (const [i, subset] of entries<NonNullable<Endpoints['subsets']>[number]>(ep.subsets)) {
    for (const [j, port] of entries<{ port?: unknown }>(subset.ports)) {
      const p = at(idx(at(idx('subsets', i), 'ports'), j), 'port')
      if (isInt(port.port)) errs.push(...invalidAll(p, port.port, portNumberErrors(port.port)))
    }
  }
  return errs
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = []
  let size = 0
  const data = stringEntries(cm.data)
  const binary = stringEntries(cm.binaryData)
  const dataKeys = new Set(data.map(([k]) => k))
  for (const [key, value] of data) {
    errs.push(...invalidAll(`data[${key}]`, key, configKeyErrors(key)))
    size += utf8.encode(value).length
  }
  for (const [key, value] of binary) {
    errs.push(...invalidAll(`binaryData[${key}]`, key, configKeyErrors(key)))
    if (dataKeys.has(key)) errs.push(invalid(`binaryData[${key}]`, key, 'duplicate of key present in data'))
    if (!BASE64_RE.test(value)) errs.push(invalid(`binaryData[${key}]`, '<value>', 'must be base64-encoded'))
    size += Math.floor((value.length * 3) / 4)
  }
  if (size > MAX_CONFIG_MAP_BYTES)
    errs.push(tooLong('', MAX_CONFIG_MAP_BYTES, 'Split the data over several ConfigMaps.'))
  errs.push(...configRolloutErrors(cm.metadata?.annotations))
  return errs
}
