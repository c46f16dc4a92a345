/**
 * @module
 * `rollout status` text, line for line what kubectl prints (polymorphichelpers/rollout_status.go).
 * Each call looks at one snapshot of the object; the CLI calls it on every watch event and stops
 * when `done` is true or `error` is set. Messages end with a newline, as kubectl's do.
 */
import type { Deployment, StatefulSet } from '../api/types.ts'
import type { ErrorCode } from '../errors/codes.ts'
import { REASON_PROGRESS_DEADLINE_EXCEEDED, getDeploymentCondition } from './conditions.ts'
import { revision as revisionOf } from './replica-sets.ts'

export interface RolloutStatus {
  message: string
  done: boolean
  /** Set when watching should stop with a failure (exit code 1); message is then empty. */
  error?: RolloutStatusError
}

/** Why watching stops: the code tells the caller which failure it is, the message is kubectl's. */
export interface RolloutStatusError {
  /** BATON_ROLLOUT_FAILED for an exceeded progress deadline; BATON_BAD_REQUEST for a status that cannot be asked for. */
  code: Extract<ErrorCode, 'BATON_ROLLOUT_FAILED' | 'BATON_BAD_REQUEST'>
  message: string
}

const failed = (message: string): RolloutStatusError => ({ code: 'BATON_ROLLOUT_FAILED', message })
const refused = (message: string): RolloutStatusError => ({ code: 'BATON_BAD_REQUEST', message })

/**
 * @example
 * deploymentStatusViewer(web) // { message: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n', done: false }
 */
export function deploymentStatusViewer(d: Deployment, revision?: number): RolloutStatus {
  const name = d.metadata.name
  if (revision !== undefined && revision > 0) {
    const running = revisionOf(d)
    if (running === undefined) {
      return {
        message: '',
        done: false,
        error: refused(`cannot get the revision of deployment "${name}": invalid revision annotation`),
      }
    }
    if (running !== revision) {
      return {
        message: '',
        done: false,
        error: refused(`desired revision (${revision}) is different from the running revision (${running})`),
      }
    }
  }
  const s = d.status ?? {}
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { message: 'Waiting for deployment spec update to be observed...\n', done: false }
  }
  if (getDeploymentCondition(s, 'Progressing')?.reason === REASON_PROGRESS_DEADLINE_EXCEEDED) {
    return { message: '', done: false, error: failed(`deployment "${name}" exceeded its progress deadline`) }
  }
  const replicas = s.replicas ?? 0
  const updated = s.updatedReplicas ?? 0
  const available = s.availableReplicas ?? 0
  const wait = (what: string) => ({
    message: `Waiting for deployment "${name}" rollout to finish: ${what}...\n`,
    done: false,
  })
  if (d.spec.replicas !== undefined && updated < d.spec.replicas) {
    return wait(`${updated} out of ${d.spec.replicas} new replicas have been updated`)
  }
  if (replicas > updated) return wait(`${replicas - updated} old replicas are pending termination`)
  if (available < updated) return wait(`${available} of ${updated} updated replicas are available`)
  return { message: `deployment "${name}" successfully rolled out\n`, done: true }
}

/** kubectl's StatefulSet wording, including "partitioned roll out" whenever a rollingUpdate block exists. */
export function statefulSetStatusViewer(sts: StatefulSet): RolloutStatus {
  const strategy = sts.spec.updateStrategy
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return {
      message: '',
      done: true,
      error: refused('rollout status is only available for RollingUpdate strategy type'),
    }
  }
  const s = sts.status ?? { replicas: 0 }
  const observed = s.observedGeneration ?? 0
  if (observed === 0 || (sts.metadata.generation ?? 0) > observed) {
    return { message: 'Waiting for statefulset spec update to be observed...\n', done: false }
  }
  const ready = s.readyReplicas ?? 0
  const updated = s.updatedReplicas ?? 0
  const replicas = sts.spec.replicas
  if (replicas !== undefined && ready < replicas) {
    return { message: `Waiting for ${replicas - ready} pods to be ready...\n`, done: false }
  }
  if (strategy?.rollingUpdate !== undefined) {
    const partition = strategy.rollingUpdate.partition
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return {
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...\n`,
        done: false,
      }
    }
    return { message: `partitioned roll out complete: ${updated} new pods have been updated...\n`, done: true }
  }
  if (s.updateRevision !== s.currentRevision) {
    return {
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${s.updateRevision ?? ''}...\n`,
      done: false,
    }
  }
  return {
    message: `statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision ?? ''}...\n`,
    done: true,
  }
}
