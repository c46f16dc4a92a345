/**
 * @module
 * validateObject: the gate every user-supplied object passes before it is stored. It reports
 * every problem at once, like the API server, in one BatonError:
 *
 *   BATON_INVALID  The Deployment "web" is invalid
 *     spec.replicas: Invalid value: -1: must be greater than or equal to 0
 *     spec.template.spec.containers[0].imagePullPolice: unknown field "spec.template.spec.containers[0].imagePullPolice"
 *
 * Two layers: a strict zod schema per kind (unknown fields, types, enum values) and the rule
 * files (names, ranges, cross-field rules) run on the defaulted object, because Kubernetes
 * validates after defaulting (progressDeadlineSeconds 600 must exceed minReadySeconds even
 * when the user wrote only the latter).
 */
import type { z } from 'zod'
import { BatonError } from '../errors/baton-error.ts'
import { applyDefaults } from './defaults.ts'
import { type FieldError, invalidObjectError, required } from './field-errors.ts'
import { isRec, type Rec } from './guards.ts'
import { dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors } from './names.ts'
import { KINDS, apiVersionOf } from './resources.ts'
import * as schemas from './schema-kinds.ts'
import type { Kind, KObject } from './types.ts'
import { type NameRule, validateObjectMeta } from './validate-meta.ts'
import { validatePodSpec } from './validate-pod-spec.ts'
import { validateConfigMap, validateEndpoints, validateServiceSpec } from './validate-service.ts'
import { validateDeploymentSpec, validateReplicaSetSpec, validateStatefulSetSpec } from './validate-workloads.ts'
import { fieldErrorsFromZod } from './zod-issues.ts'
import { validateSecret } from './secret.ts'
import { validateRolloutSpec } from './validate-rollout.ts'
import { rollout as rolloutSchema } from './schema-rollout.ts'
import { analysisRun, analysisTemplate } from './schema-analysis.ts'
import { validateAnalysisSpec } from './validate-analysis.ts'

interface KindRules {
  schema: z.ZodType
  /** Service names become DNS names, so they follow the stricter DNS-1035 label rule. */
  nameRule: NameRule
  rules: (obj: never) => FieldError[]
}

interface ServedKind extends KindRules {
  apiVersion: string
  kind: Kind
}

const none = (): FieldError[] => []
const subdomain = dns1123SubdomainErrors

const RULES: Record<Kind, KindRules> = {
  Deployment: { schema: schemas.deployment, nameRule: subdomain, rules: validateDeploymentSpec },
  ReplicaSet: { schema: schemas.replicaSet, nameRule: subdomain, rules: validateReplicaSetSpec },
  StatefulSet: { schema: schemas.statefulSet, nameRule: subdomain, rules: validateStatefulSetSpec },
  ControllerRevision: { schema: schemas.controllerRevision, nameRule: subdomain, rules: none },
  PersistentVolumeClaim: { schema: schemas.persistentVolumeClaim, nameRule: subdomain, rules: none },
  Pod: { schema: schemas.pod, nameRule: subdomain, rules: (pod: Rec) => validatePodSpec(pod.spec as never, 'spec') },
  Service: { schema: schemas.service, nameRule: dns1035LabelErrors, rules: validateServiceSpec },
  Endpoints: { schema: schemas.endpoints, nameRule: subdomain, rules: validateEndpoints },
  ConfigMap: { schema: schemas.configMap, nameRule: subdomain, rules: validateConfigMap },
  Secret: { schema: schemas.secret, nameRule: subdomain, rules: validateSecret },
  ServiceAccount: { schema: schemas.serviceAccount, nameRule: subdomain, rules: none },
  Event: { schema: schemas.event, nameRule: subdomain, rules: none },
  Rollout: { schema: rolloutSchema, nameRule: subdomain, rules: validateRolloutSpec },
  AnalysisTemplate: { schema: analysisTemplate, nameRule: subdomain, rules: validateAnalysisSpec },
  AnalysisRun: { schema: analysisRun, nameRule: subdomain, rules: validateAnalysisSpec },
  Namespace: { schema: schemas.namespace, nameRule: dns1123LabelErrors, rules: none },
}

/**
 * Kinds Baton stores but does not serve yet, with the reason: applying one would store an
 * object that nothing acts on, so it is refused as an unknown kind is.
 */
const NOT_SERVED_YET: Partial<Record<Kind, string>> = {
  PersistentVolumeClaim:
    "Baton creates PersistentVolumeClaims only from a StatefulSet's volumeClaimTemplates (one directory per ordinal); a claim applied by itself would bind to nothing. Use volumeClaimTemplates.",
}

// The apiVersion of each kind comes from the resource table, the one place that names groups.
const SERVED: readonly ServedKind[] = KINDS.filter((kind) => NOT_SERVED_YET[kind] === undefined).map((kind) => ({
  kind,
  apiVersion: apiVersionOf(kind),
  ...RULES[kind],
}))

/** Every apiVersion/kind pair Baton serves, in `kubectl api-resources` order of groups. */
export const SERVED_KINDS: ReadonlyArray<{ apiVersion: string; kind: Kind }> = SERVED.map(({ apiVersion, kind }) => ({
  apiVersion,
  kind,
}))

/** The strict schema of a kind Baton serves (undefined for one it does not): what `/openapi/v3` publishes. */
export function servedSchema(kind: Kind): z.ZodType | undefined {
  return SERVED.find((s) => s.kind === kind)?.schema
}

const SERVED_LIST = [...new Set(SERVED.map((s) => s.apiVersion))]
  .map(
    (v) =>
      `${v} ${SERVED.filter((s) => s.apiVersion === v)
        .map((s) => s.kind)
        .join(', ')}`,
  )
  .join('; ')

/** JSON `null` and YAML `~` mean "not set" to Kubernetes; dropping them keeps the rules simple. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls)
  if (!isRec(v)) return v
  const out: Rec = {}
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x)
  return out
}

function servedKind(obj: Rec): ServedKind {
  const { apiVersion, kind } = obj
  const hasKind = typeof kind === 'string' && kind !== ''
  // A kind without apiVersion is a kind in no version: the unknown-kind answer says which to use.
  const missing = hasKind
    ? []
    : [...(typeof apiVersion === 'string' && apiVersion !== '' ? [] : [required('apiVersion')]), required('kind')]
  if (missing.length > 0) {
    const hint = 'Start each manifest with apiVersion and kind, e.g. apiVersion: apps/v1 and kind: Deployment.'
    throw new BatonError('BATON_INVALID', 'Object is missing apiVersion or kind', { hint, causes: missing })
  }
  const entry = SERVED.find((s) => s.kind === kind)
  if (entry && entry.apiVersion === apiVersion) return entry
  const notYet = Object.hasOwn(NOT_SERVED_YET, kind as string) ? NOT_SERVED_YET[kind as Kind] : undefined
  if (notYet !== undefined) {
    throw new BatonError(
      'BATON_UNKNOWN_KIND',
      `no matches for kind "${String(kind)}" in version "${String(apiVersion)}": not served yet`,
      {
        hint: `${notYet} Baton serves ${SERVED_LIST}.`,
      },
    )
  }
  const fix = entry ? `Use apiVersion: ${entry.apiVersion} for ${entry.kind}. ` : ''
  throw new BatonError(
    'BATON_UNKNOWN_KIND',
    `no matches for kind "${String(kind)}" in version "${String(apiVersion ?? '')}"`,
    {
      hint: `${fix}Baton serves ${SERVED_LIST}.`,
    },
  )
}

/**
 * Checks only that Baton serves the object's apiVersion and kind: what a client must know
 * before it can name the object's API path.
 *
 * @throws BatonError BATON_UNKNOWN_KIND (BATON_INVALID when the kind is missing).
 */
export function assertServedKind(input: unknown): Kind {
  if (!isRec(input)) {
    throw new BatonError('BATON_INVALID', 'Object is not a JSON/YAML object', {
      hint: 'Each manifest must be one object with apiVersion, kind, metadata and (usually) spec.',
    })
  }
  return servedKind(input).kind
}

/**
 * Checks one object (as parsed from a manifest or an API body) and returns it as it will be
 * stored: nulls removed and Kubernetes' defaults applied (applyDefaults). The semantic rules
 * judge that same defaulted object, so it is built once, here.
 *
 * @throws BatonError BATON_INVALID listing every problem (causes), BATON_UNKNOWN_KIND for an
 *   apiVersion/kind Baton does not serve.
 */
export function validateObject(input: unknown): KObject {
  const obj = withoutNulls(input)
  if (!isRec(obj)) {
    throw new BatonError('BATON_INVALID', 'Object is not a JSON/YAML object', {
      hint: 'Each manifest must be one object with apiVersion, kind, metadata and (usually) spec.',
    })
  }
  const served = servedKind(obj)
  const parsed = served.schema.safeParse(obj, { reportInput: true })
  const structural = parsed.success ? [] : fieldErrorsFromZod(served.schema, parsed.error.issues)
  const defaulted = applyDefaults(obj as unknown as KObject) as unknown as Rec
  const semantic = [
    ...validateObjectMeta(isRec(defaulted.metadata) ? (defaulted.metadata as never) : undefined, served.nameRule),
    ...served.rules(defaulted as never),
  ]
  // A field with a structural problem (wrong type, unknown) gets no second, derived complaint.
  const broken = new Set(structural.map((e) => e.field))
  const errs = [...structural, ...semantic.filter((e) => !broken.has(e.field))]
  if (errs.length > 0) {
    const name = isRec(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : ''
    throw invalidObjectError(served.kind, name, errs)
  }
  return defaulted as unknown as KObject
}
