/**
 * @module
 * The fleet's status (api/fleet-status.ts) taken from its history and its front load balancer,
 * and published: `baton fleet lb` writes it every few seconds into a ConfigMap on each target
 * it can reach (`baton-fleet-NAME` in `default`, labelled `fleet.baton.dev/name`), which is how
 * a target's dashboard shows the fleet. `baton fleet status -o json` prints the same.
 */
import {
  FLEET_STATUS_KEY,
  FLEET_STATUS_LABEL,
  FLEET_STATUS_NAMESPACE,
  type FleetStatus,
  fleetStatusConfigMapName,
} from '../api/fleet-status.ts'
import { retryOnConflict } from '../api/retry-on-conflict.ts'
import type { ConfigMap } from '../api/types.ts'
import type { ApiClient } from '../client/api-client.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import type { TargetState } from './front.ts'
import type { FleetHistory } from './history.ts'
import type { Fleet } from './types.ts'

/** What a front load balancer says of its targets now, or why it could not say. */
export type FrontReading = { targets: TargetState[] } | { error: string }

export function takeStatus(fleet: Fleet, history: FleetHistory, front: FrontReading, now: number): FleetStatus {
  const live = 'targets' in front ? front.targets : undefined
  const total = live?.reduce((s, t) => s + t.requests, 0) ?? 0
  const last = history.revisions[history.revisions.length - 1]
  return {
    fleet: fleet.metadata.name,
    at: new Date(now).toISOString(),
    targets: fleet.spec.targets.map((t) => {
      const lt = live?.find((x) => x.name === t.name)
      const revision = history.targets[t.name]?.revision
      return {
        name: t.name,
        address: `${t.service.host}:${t.service.port}`,
        weight: t.weight,
        tags: t.tags,
        ...(revision !== undefined ? { revision } : {}),
        health: lt ? (lt.healthy ? 'healthy' : 'unhealthy') : 'unknown',
        frontBalancer: lt ? (lt.drained ? 'drained' : lt.routed ? 'in' : 'out') : 'unknown',
        requests: lt?.requests ?? 0,
        errors: lt?.errors ?? 0,
        share: total > 0 && lt ? lt.requests / total : 0,
      }
    }),
    ...(last
      ? {
          rollout: {
            revision: last.revision,
            outcome: last.outcome,
            cause: last.cause,
            startedAt: last.startedAt,
            ...(last.finishedAt ? { finishedAt: last.finishedAt } : {}),
            ...(last.reason ? { reason: last.reason } : {}),
            ...(last.interrupted ? { interrupted: true } : {}),
            windows: last.windows.map((w) => ({
              index: w.index,
              targets: w.targets,
              outcome: w.outcome,
              ...(w.steps ? { steps: w.steps } : {}),
              failures: w.failures,
            })),
          },
        }
      : {}),
    frontBalancer: 'error' in front ? front.error : 'running',
  }
}

export function statusConfigMap(s: FleetStatus): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: fleetStatusConfigMapName(s.fleet),
      namespace: FLEET_STATUS_NAMESPACE,
      labels: { [FLEET_STATUS_LABEL]: s.fleet, 'app.kubernetes.io/managed-by': 'baton-fleet' },
    },
    data: { [FLEET_STATUS_KEY]: JSON.stringify(s) },
  } as ConfigMap
}

/** Writes the status ConfigMap on one target (created, or replaced whole). */
export async function publishTo(client: ApiClient, s: FleetStatus): Promise<void> {
  const desired = statusConfigMap(s)
  const { name, namespace } = desired.metadata
  await retryOnConflict(async () => {
    let live: ConfigMap
    try {
      live = await client.get('ConfigMap', namespace!, name)
    } catch (err) {
      if (err instanceof BatonError && err.code === 'BATON_NOT_FOUND') {
        await client.create(desired)
        return
      }
      throw err
    }
    if (live.metadata.labels?.[FLEET_STATUS_LABEL] !== s.fleet)
      throw new BatonError(
        'BATON_ALREADY_EXISTS',
        `configmap ${namespace}/${name} exists and is not fleet ${s.fleet}'s status`,
        { hint: `Rename that ConfigMap: the fleet's front load balancer keeps its status under this name` },
      )
    await client.update({
      ...desired,
      metadata: { ...desired.metadata, resourceVersion: live.metadata.resourceVersion },
    } as ConfigMap)
  })
}

export interface Publisher {
  stop(): Promise<void>
}

/**
 * Every `everyMs`, takes the status and writes it to every target (in parallel); a target that
 * does not answer is skipped until the next round, and each change of a target's outcome
 * (published, or why not) is reported once through `report`.
 */
export function startPublisher(o: {
  targets: ReadonlyArray<{ name: string; client: () => ApiClient }>
  take: () => Promise<FleetStatus>
  everyMs: number
  clock: Clock
  report: (line: string) => void
}): Publisher {
  let stopped = false
  let round: Promise<void> = Promise.resolve()
  const lastOutcome = new Map<string, string>()
  let timer = o.clock.setTimeout(tick, 0)
  function tick() {
    round = (async () => {
      const s = await o.take()
      await Promise.all(
        o.targets.map(async (t) => {
          let outcome = 'ok'
          try {
            await publishTo(t.client(), s)
          } catch (err) {
            outcome = err instanceof Error ? err.message : String(err)
          }
          if (lastOutcome.get(t.name) === outcome) return
          lastOutcome.set(t.name, outcome)
          o.report(
            outcome === 'ok'
              ? `fleet status published to ${t.name}`
              : `fleet status not published to ${t.name}: ${outcome}`,
          )
        }),
      )
    })()
      .catch((err) => o.report(`fleet status not taken: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        if (!stopped) timer = o.clock.setTimeout(tick, o.everyMs)
      })
  }
  return {
    async stop() {
      stopped = true
      timer.cancel()
      await round
    },
  }
}
