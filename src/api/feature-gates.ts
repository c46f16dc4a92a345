/**
 * @module
 * Kubernetes feature gates that change what Baton's controllers do, with kube-controller-manager
 * 1.35's defaults, set as kube-controller-manager takes them: `baton up
 * --feature-gates=Name=true,Other=false`.
 *
 * | gate                                     | stage in 1.35 | default |
 * |------------------------------------------|---------------|---------|
 * | DeploymentReplicaSetTerminatingReplicas  | beta          | true    |
 *
 * With DeploymentReplicaSetTerminatingReplicas on, ReplicaSets and Deployments report
 * `status.terminatingReplicas`: pods that are being shut down (a deletionTimestamp, not yet
 * Succeeded or Failed). Off, the field is absent, as before 1.33.
 *
 * DeploymentPodReplacementPolicy (alpha, off in Kubernetes) is known but not implemented:
 * turning it on is refused, and so is `spec.podReplacementPolicy`, which only exists behind it.
 */
import { BatonError } from '../errors/baton-error.ts'

export interface FeatureGates {
  DeploymentReplicaSetTerminatingReplicas: boolean
}

export type FeatureGateName = keyof FeatureGates

export const DEFAULT_FEATURE_GATES: Readonly<FeatureGates> = {
  DeploymentReplicaSetTerminatingReplicas: true,
}

/** Gates of kube-controller-manager Baton knows of but does not implement, with why. */
const NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  DeploymentPodReplacementPolicy:
    'an alpha gate (off in Kubernetes 1.35) that Baton does not implement; Deployments replace a terminating pod at once, as with the gate off',
}

/**
 * Parses kube-controller-manager's `--feature-gates` syntax: comma-separated `Name=bool`.
 *
 * @example
 * parseFeatureGates('DeploymentReplicaSetTerminatingReplicas=false')
 * // { DeploymentReplicaSetTerminatingReplicas: false }
 */
export function parseFeatureGates(text: string): FeatureGates {
  const gates: FeatureGates = { ...DEFAULT_FEATURE_GATES }
  for (const raw of text.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    const [name = '', value, ...rest] = item.split('=').map((s) => s.trim())
    if (value === undefined || rest.length > 0 || !/^(true|false)$/i.test(value)) {
      throw usage(
        `"${item}" is not Name=true or Name=false`,
        'e.g. --feature-gates=DeploymentReplicaSetTerminatingReplicas=false',
      )
    }
    const on = value.toLowerCase() === 'true'
    if (isGate(name)) {
      gates[name] = on
      continue
    }
    const why = NOT_IMPLEMENTED[name]
    if (why !== undefined) {
      if (!on) continue
      throw usage(`${name} is ${why}`, `Drop ${name}=true from --feature-gates`)
    }
    throw usage(`unrecognized feature gate: ${name}`, `Known gates: ${Object.keys(DEFAULT_FEATURE_GATES).join(', ')}`)
  }
  return gates
}

/** The gates as `--feature-gates` would write them, for logs and `baton get cs`. */
export function formatFeatureGates(gates: FeatureGates): string {
  return (Object.keys(gates) as FeatureGateName[]).map((k) => `${k}=${gates[k]}`).join(',')
}

function isGate(name: string): name is FeatureGateName {
  return Object.hasOwn(DEFAULT_FEATURE_GATES, name)
}

function usage(problem: string, hint: string): BatonError {
  return new BatonError('BATON_USAGE', `invalid argument for "--feature-gates" flag: ${problem}`, { hint })
}
