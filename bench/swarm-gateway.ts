/**
 * Swarm's gateway network (`docker_gwbridge`) made by the benchmark instead of by
 * `docker swarm init`, so that the benchmark can remove what swarm mode leaves on the host.
 *
 * `docker swarm init` creates `docker_gwbridge`, a bridge network whose Linux bridge (named
 * `docker_gwbridge` too) lives in the host's network namespace, because the engine runs there.
 * `docker swarm leave` keeps the network, and once the private engine is stopped and its data
 * root removed, nothing knows the bridge any more: it stays on the host until someone deletes
 * it. Docker lets an operator create `docker_gwbridge` before the swarm starts (with the
 * options the engine itself would use), and swarm then uses that one. Creating it here gives it
 * a bridge named for this run, which also keeps two benchmarks on two private engines from
 * sharing one `docker_gwbridge` bridge, and `remove()` deletes the network and then the bridge
 * if the engine left it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import Docker from 'dockerode'
import { statusCode } from '../src/runtime/docker/engine.ts'

export const GATEWAY_NETWORK = 'docker_gwbridge'

export interface SwarmGateway {
  /** The Linux bridge of the gateway network. */
  bridge: string
  /** Removes the network and its bridge; safe to call when the run failed half way. */
  remove(): Promise<void>
}

/** The bridge's name: Linux allows 15 characters; the pid keeps two runs apart. */
export function gatewayBridgeName(pid: number): string {
  return `bgw${pid}`.slice(0, 15)
}

/**
 * Creates `docker_gwbridge` on the engine at `socket`, before any `swarm init`. An engine that
 * already has one (an earlier swarm on a long-lived engine) keeps it: the run did not create
 * it, so `remove()` leaves it alone.
 */
export async function createSwarmGateway(socket: string, pid = process.pid): Promise<SwarmGateway> {
  const engine = new Docker({ socketPath: socket })
  const existing = await engine
    .getNetwork(GATEWAY_NETWORK)
    .inspect()
    .catch((err: unknown) => {
      if (statusCode(err) === 404) return undefined
      throw err
    })
  if (existing) {
    const bridge = (existing.Options as Record<string, string> | undefined)?.['com.docker.network.bridge.name']
    return { bridge: bridge ?? GATEWAY_NETWORK, remove: async () => undefined }
  }
  const bridge = gatewayBridgeName(pid)
  await engine.createNetwork({
    Name: GATEWAY_NETWORK,
    Driver: 'bridge',
    // What the engine sets when it makes the network itself (no traffic between the tasks on
    // it), with a bridge name of the run's own.
    Options: {
      'com.docker.network.bridge.name': bridge,
      'com.docker.network.bridge.enable_icc': 'false',
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
    },
  })
  return {
    bridge,
    remove: async () => {
      // A new client: the one above sat idle through the whole Swarm run, and the engine has
      // closed its kept-alive connection by then (a write to it fails with EPIPE).
      const now = new Docker({ socketPath: socket })
      for (let attempt = 1; ; attempt++) {
        try {
          await now.getNetwork(GATEWAY_NETWORK).remove()
          break
        } catch (err) {
          if (statusCode(err) === 404) break
          // No answer at all (a connection error): asked again; an answer (still in use: the
          // swarm was not left, its ingress sandbox holds an endpoint) is final, and the bridge
          // must then stay until the engine stops.
          if (statusCode(err) === undefined && attempt < 3) continue
          throw new Error(
            `${GATEWAY_NETWORK} not removed (${err instanceof Error ? err.message : String(err)}); after the engine stops: ip link delete ${bridge}`,
          )
        }
      }
      // The engine deletes a bridge it created with the network; one it did not, it keeps.
      if (existsSync(`/sys/class/net/${bridge}`)) {
        const r = spawnSync('ip', ['link', 'delete', bridge], { encoding: 'utf8' })
        if (r.status !== 0) throw new Error(`ip link delete ${bridge}: ${r.stderr.trim()}`)
      }
    },
  }
}
