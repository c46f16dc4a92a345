/**
 * @module
 * How a member of a headless Service finds its peers by stable name (pure): the process
 * runtime's stand-in for cluster DNS. In Kubernetes `web-1.web` resolves to web-1's pod IP and
 * the peer dials its containerPort. On Baton every replica listens on 127.0.0.1 with a port of
 * its own, allocated when the pod starts, so a name alone (a DNS record, a hosts-file line)
 * cannot tell two members apart, and a member's port changes when it is replaced. So the
 * runtime writes, per headless Service, a peers file mapping each stable name to the address
 * and ports it answers on, rewritten whenever the Service's Endpoints change; each container
 * whose pod names that Service as its `subdomain` gets the file's path in `BATON_PEERS_FILE`
 * and its own stable name in `BATON_PEER_NAME`.
 *
 * The file, `<data-dir>/peers/<namespace>/<service>.json`:
 *
 *   { "service": "web", "namespace": "default",
 *     "members": [ { "name": "web-0.web", "hostname": "web-0", "pod": "web-0",
 *                    "ip": "127.0.0.1", "ports": { "http": 20417 } } ] }
 *
 * Members are the Endpoints' ready addresses (what cluster DNS publishes for a headless
 * Service), sorted by pod name; `name` is `<hostname>.<service>` for a pod whose hostname is
 * published (its subdomain names the Service: a StatefulSet's members), absent otherwise.
 * `ports` is keyed by the Service port's name, or its number for an unnamed port, and holds
 * the loopback port to dial.
 */
import { isHeadless } from '../api/service-listen.ts'
import type { Endpoints, Pod, Service } from '../api/types.ts'

export interface PeerMember {
  name?: string
  hostname?: string
  pod: string
  ip: string
  ports: Record<string, number>
}

export interface PeersFile {
  service: string
  namespace: string
  members: PeerMember[]
}

/** The file's path below the data directory's peers folder, as path segments. */
export function peersFileSegments(namespace: string, service: string): [string, string] {
  return [namespace, `${service}.json`]
}

/** The peers file of `svc`, or undefined when it is not headless (pure). */
export function peerRecords(svc: Service, ep: Endpoints | undefined): PeersFile | undefined {
  if (!isHeadless(svc)) return undefined
  const members: PeerMember[] = []
  for (const subset of ep?.subsets ?? []) {
    for (const a of subset.addresses ?? []) {
      const ports: Record<string, number> = {}
      for (const sp of svc.spec.ports ?? []) {
        const p = subset.ports?.find((x) => (x.name ?? '') === (sp.name ?? ''))
        if (p) ports[sp.name || String(sp.port)] = p.port
      }
      members.push({
        ...(a.hostname ? { name: `${a.hostname}.${svc.metadata.name}`, hostname: a.hostname } : {}),
        pod: a.targetRef?.name ?? '',
        ip: a.ip,
        ports,
      })
    }
  }
  members.sort((x, y) => (x.pod < y.pod ? -1 : x.pod > y.pod ? 1 : 0))
  return { service: svc.metadata.name, namespace: svc.metadata.namespace ?? 'default', members }
}

/**
 * The variables a container of `pod` gets for its peers: BATON_PEERS_FILE (its subdomain's
 * file, which exists while that headless Service does) and, with a hostname, BATON_PEER_NAME
 * (its own stable name, as its peers find it); none for a pod without a subdomain.
 */
export function peerEnv(pod: Pod, peersDir: string): Record<string, string> {
  const subdomain = pod.spec.subdomain
  if (!subdomain) return {}
  const [ns, file] = peersFileSegments(pod.metadata.namespace ?? 'default', subdomain)
  const hostname = pod.spec.hostname
  return {
    BATON_PEERS_FILE: `${peersDir}/${ns}/${file}`,
    ...(hostname ? { BATON_PEER_NAME: `${hostname}.${subdomain}` } : {}),
  }
}
