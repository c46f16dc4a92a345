// ValidateStatefulSetUpdate's table (pkg/apis/apps/validation/validation_test.go,
// TestValidateStatefulSetUpdate), and those of ValidateDeploymentUpdate and
// ValidateReplicaSetUpdate with the apps/v1 strategies' selector rule (pkg/registry/apps/*/
// strategy_test.go, TestSelectorImmutability), case by case under upstream's names: both objects are
// admitted (validateObject: defaults filled), as the API does before it compares them, and a
// case's errors are its field paths with the error type, as upstream compares them.
import { describe, expect, it } from 'vitest'
import { isBatonError } from '../errors/baton-error.ts'
import { deployment, replicaSet, service, statefulSet, withChanges } from './test-objects.ts'
import type { AnyObject } from './types.ts'
import { validateObject } from './validate.ts'
import { STATEFULSET_SPEC_FORBIDDEN, semanticJson, validateUpdate } from './validate-update.ts'

const LABELS = { app: 'db' }
const LABELS2 = { app: 'db2' }
const container = { name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent', command: ['run'] }
const pvc = (name: string, storage: string, storageClassName: string) => ({
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage } } },
})
const PVC = pvc('pvc-abc', '1Gi', 'storage-class1')
const PVC_CHANGED_SIZE = pvc('pvc-abc', '2Gi', 'storage-class1')
const PVC_CHANGED_CLASS = pvc('pvc-abc', '1Gi', 'storage-class2')
const PVC2 = pvc('pvc-abc2', '2Gi', 'storage-class2')

/** mkStatefulSet: a valid set of template `labels` (its selector too), then the tweaks. */
function mkStatefulSet(changes: Record<string, unknown> = {}, labels = LABELS): Record<string, unknown> {
  return withChanges(statefulSet(), {
    'metadata.name': 'abc',
    'metadata.labels': undefined,
    'spec.serviceName': 'abc',
    'spec.replicas': 1,
    'spec.selector': { matchLabels: labels },
    'spec.template': { metadata: { labels }, spec: { containers: [container] } },
    ...changes,
  })
}
const addContainers = {
  'spec.template.spec.containers': [
    container,
    { name: 'def', image: 'image2', imagePullPolicy: 'IfNotPresent', command: ['run'] },
  ],
}

/** Upstream's errors of an update as "field: Type" (the spec validation's first, then the update's). */
function updateErrors(old: Record<string, unknown>, update: Record<string, unknown>): string[] {
  const stored = validateObject(old) as AnyObject
  let admitted: AnyObject
  try {
    admitted = validateObject(update) as AnyObject
  } catch (err) {
    if (!isBatonError(err)) throw err
    return (err.causes ?? []).map((c) => `${c.field}: ${c.message.split(':')[0]}`)
  }
  return validateUpdate(admitted, stored).map((e) => `${e.field}: ${e.message.split(':')[0]}`)
}

describe('ValidateStatefulSetUpdate', () => {
  it.each([
    { name: 'update replica count', old: mkStatefulSet(), update: mkStatefulSet({ 'spec.replicas': 3 }) },
    { name: 'update containers 1', old: mkStatefulSet(), update: mkStatefulSet(addContainers) },
    { name: 'update containers 2', old: mkStatefulSet(addContainers), update: mkStatefulSet() },
    {
      name: 'update containers and pvc retention policy 1',
      old: mkStatefulSet(addContainers),
      update: mkStatefulSet({
        'spec.persistentVolumeClaimRetentionPolicy': { whenDeleted: 'Retain', whenScaled: 'Retain' },
      }),
    },
    {
      name: 'update containers and pvc retention policy 2',
      old: mkStatefulSet({ 'spec.persistentVolumeClaimRetentionPolicy': { whenScaled: 'Retain' } }),
      update: mkStatefulSet(),
    },
    {
      name: 'update update strategy',
      old: mkStatefulSet(),
      update: mkStatefulSet({ 'spec.updateStrategy': { type: 'OnDelete' } }),
    },
    { name: 'update min ready seconds 1', old: mkStatefulSet(), update: mkStatefulSet({ 'spec.minReadySeconds': 10 }) },
    {
      name: 'update min ready seconds 2',
      old: mkStatefulSet({ 'spec.minReadySeconds': 5 }),
      update: mkStatefulSet({ 'spec.minReadySeconds': 10 }),
    },
    {
      name: 'update existing instance with now-invalid name',
      old: mkStatefulSet({ 'metadata.finalizers': ['final'] }),
      update: mkStatefulSet({ 'metadata.finalizers': [] }),
    },
    {
      name: 'update existing instance with .spec.ordinals.start',
      old: mkStatefulSet(),
      update: mkStatefulSet({ 'spec.ordinals': { start: 3 } }),
    },
    // Beyond upstream's table, the rest of the list it allows.
    {
      name: 'update revision history limit',
      old: mkStatefulSet(),
      update: mkStatefulSet({ 'spec.revisionHistoryLimit': 2 }),
    },
  ])('success case $name', ({ old, update }) => {
    expect(updateErrors(old, update)).toEqual([])
  })

  it.each([
    {
      name: 'update name',
      old: mkStatefulSet({ 'metadata.name': 'abc' }),
      update: mkStatefulSet({ 'metadata.name': 'abc2' }),
      errs: ['metadata.name: Invalid value'],
    },
    {
      name: 'update namespace',
      old: mkStatefulSet({ 'metadata.namespace': 'default' }),
      update: mkStatefulSet({ 'metadata.namespace': 'default1' }),
      errs: ['metadata.namespace: Invalid value'],
    },
    {
      name: 'update selector',
      old: mkStatefulSet({}, LABELS),
      update: mkStatefulSet({}, LABELS2),
      errs: ['spec: Forbidden'],
    },
    {
      // Upstream goes from "" to OrderedReady on its internal version; here "" is defaulted to
      // OrderedReady before the comparison, so the change from the unset default is to Parallel.
      name: 'update pod management policy 1',
      old: mkStatefulSet(),
      update: mkStatefulSet({ 'spec.podManagementPolicy': 'Parallel' }),
      errs: ['spec: Forbidden'],
    },
    {
      name: 'update pod management policy 2',
      old: mkStatefulSet({ 'spec.podManagementPolicy': 'Parallel' }),
      update: mkStatefulSet({ 'spec.podManagementPolicy': 'OrderedReady' }),
      errs: ['spec: Forbidden'],
    },
    {
      name: 'update to negative replicas',
      old: mkStatefulSet(),
      update: mkStatefulSet({ 'spec.replicas': -1 }),
      errs: ['spec.replicas: Invalid value'],
    },
    {
      name: 'update pvc template size',
      old: mkStatefulSet({ 'spec.volumeClaimTemplates': [PVC] }),
      update: mkStatefulSet({ 'spec.volumeClaimTemplates': [PVC_CHANGED_SIZE] }),
      errs: ['spec: Forbidden'],
    },
    {
      name: 'update pvc template storage class',
      old: mkStatefulSet({ 'spec.volumeClaimTemplates': [PVC] }),
      update: mkStatefulSet({ 'spec.volumeClaimTemplates': [PVC_CHANGED_CLASS] }),
      errs: ['spec: Forbidden'],
    },
    {
      name: 'add new pvc template',
      old: mkStatefulSet({ 'spec.volumeClaimTemplates': [PVC] }),
      update: mkStatefulSet({ 'spec.volumeClaimTemplates': [PVC, PVC2] }),
      errs: ['spec: Forbidden'],
    },
    // Beyond upstream's table: serviceName, the other field the issue names.
    {
      name: 'update service name',
      old: mkStatefulSet(),
      update: mkStatefulSet({ 'spec.serviceName': 'other' }),
      errs: ['spec: Forbidden'],
    },
  ])('error case $name', ({ old, update, errs }) => {
    expect(updateErrors(old, update)).toEqual(errs)
  })

  it("refuses with upstream's words on the field spec", () => {
    const stored = validateObject(mkStatefulSet()) as AnyObject
    const update = validateObject(mkStatefulSet({ 'spec.serviceName': 'other' })) as AnyObject
    expect(validateUpdate(update, stored)).toEqual([
      {
        field: 'spec',
        message: `Forbidden: ${STATEFULSET_SPEC_FORBIDDEN}`,
        hint: expect.stringContaining('--cascade=orphan'),
      },
    ])
    expect(STATEFULSET_SPEC_FORBIDDEN).toBe(
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    )
  })
})

/** Upstream's Deployment (or ReplicaSet) of these tests: selector and template labels `labels`, Recreate. */
function mkWorkload(kind: 'Deployment' | 'ReplicaSet', changes: Record<string, unknown> = {}, labels = VALID_LABELS) {
  const base = kind === 'Deployment' ? deployment() : replicaSet()
  return withChanges(base, {
    'metadata.name': 'abc',
    'metadata.labels': undefined,
    'spec.replicas': 1,
    'spec.selector': { matchLabels: labels },
    'spec.template': { metadata: { labels }, spec: { containers: [container] } },
    ...(kind === 'Deployment' ? { 'spec.strategy': { type: 'Recreate' } } : {}),
    ...changes,
  })
}
const VALID_LABELS: Record<string, string> = { a: 'b' }
const INVALID_LABELS = { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' }

describe.each(['Deployment', 'ReplicaSet'] as const)('Validate%sUpdate', (kind) => {
  const mk = (changes: Record<string, unknown> = {}, labels = VALID_LABELS) => mkWorkload(kind, changes, labels)

  it.each([
    { name: 'positive replicas', old: mk(), update: mk({ 'spec.replicas': 3 }) },
    // Upstream's "Read-write volume verification" changes the template (a volume the process
    // runtime refuses); here the template changes by a container.
    { name: 'template change', old: mk(), update: mk(addContainers) },
    {
      name: 'the same selector, matchExpressions empty',
      old: mk(),
      update: mk({ 'spec.selector': { matchLabels: VALID_LABELS, matchExpressions: [] } }),
    },
  ])('success case $name', ({ old, update }) => {
    expect(updateErrors(old, update)).toEqual([])
  })

  it.each([
    {
      // Upstream counts 3 (the label, the selector not matching the template, the name from
      // ""); an invalid spec is refused on its own before it is compared with the stored one,
      // and a selector that does not parse is not matched against the template.
      name: 'invalid selector',
      old: mk(),
      update: mk({ 'spec.selector': { matchLabels: INVALID_LABELS } }),
      errs: ['spec.selector.matchLabels: Invalid value'],
    },
    {
      name: 'negative replicas',
      old: mk(),
      update: mk({ 'spec.replicas': -1 }),
      errs: ['spec.replicas: Invalid value'],
    },
    // TestSelectorImmutability, apps/v1: {a: b} to {c: v1}.
    {
      name: 'selector immutability apps/v1',
      old: mk({}, VALID_LABELS),
      update: mk({}, { c: 'v1' }),
      errs: ['spec.selector: Invalid value'],
    },
    {
      name: 'a label added to the selector',
      old: mk(),
      update: mk({}, { ...VALID_LABELS, c: 'd' }),
      errs: ['spec.selector: Invalid value'],
    },
    {
      name: 'update name',
      old: mk(),
      update: mk({ 'metadata.name': 'abc2' }),
      errs: ['metadata.name: Invalid value'],
    },
  ])('error case $name', ({ old, update, errs }) => {
    expect(updateErrors(old, update)).toEqual(errs)
  })

  it("refuses with upstream's words, naming the new selector", () => {
    const stored = validateObject(mk()) as AnyObject
    const update = validateObject(mk({}, { c: 'v1' })) as AnyObject
    expect(validateUpdate(update, stored)).toEqual([
      {
        field: 'spec.selector',
        message: 'Invalid value: {"matchLabels":{"c":"v1"}}: field is immutable',
        hint: expect.stringContaining('create a new object'),
      },
    ])
  })
})

/** A Service of upstream's tests, `clusterIP` as given (undefined: unset). */
const mkService = (clusterIP?: string) =>
  withChanges(service(), { 'spec.ports': [{ port: 80, targetPort: 8080 }], 'spec.clusterIP': clusterIP })

describe('ValidateServiceUpdate: spec.clusterIP', () => {
  it.each([
    { name: 'unset stays unset', old: mkService(), update: mkService() },
    { name: 'unset to "" (the same)', old: mkService(), update: mkService('') },
    { name: '"" to unset (the same)', old: mkService(''), update: mkService() },
    { name: 'headless stays headless', old: mkService('None'), update: mkService('None') },
    {
      name: 'headless, ports changed',
      old: mkService('None'),
      update: withChanges(mkService('None'), { 'spec.ports': [{ port: 81, targetPort: 8081 }] }),
    },
  ])('success case $name', ({ old, update }) => {
    expect(updateErrors(old, update)).toEqual([])
  })

  it.each([
    {
      name: 'load-balanced to headless',
      old: mkService(),
      update: mkService('None'),
      errs: ['spec.clusterIP: Invalid value'],
    },
    {
      name: 'headless to load-balanced',
      old: mkService('None'),
      update: mkService(),
      errs: ['spec.clusterIP: Invalid value'],
    },
    { name: 'headless to ""', old: mkService('None'), update: mkService(''), errs: ['spec.clusterIP: Invalid value'] },
    {
      name: 'to an address (refused as at create)',
      old: mkService(),
      update: mkService('10.0.0.1'),
      errs: ['spec.clusterIP: Invalid value'],
    },
  ])('error case $name', ({ old, update, errs }) => {
    expect(updateErrors(old, update)).toEqual(errs)
  })

  it('refuses with "field is immutable" and how to switch', () => {
    const stored = validateObject(mkService('None')) as AnyObject
    const update = validateObject(mkService()) as AnyObject
    expect(validateUpdate(update, stored)).toEqual([
      {
        field: 'spec.clusterIP',
        message: 'Invalid value: "": field is immutable',
        hint: expect.stringContaining('delete the Service and create it again'),
      },
    ])
  })
})

describe('semanticJson', () => {
  it.each([
    { name: 'an empty list equals none', a: { x: [] }, b: {}, same: true },
    { name: 'an empty map equals none', a: { x: {} }, b: { x: undefined }, same: true },
    { name: 'key order does not matter', a: { x: 1, y: 2 }, b: { y: 2, x: 1 }, same: true },
    { name: 'list order does', a: { x: [1, 2] }, b: { x: [2, 1] }, same: false },
    { name: 'a value does', a: { x: 'a' }, b: { x: 'b' }, same: false },
  ])('$name', ({ a, b, same }) => {
    expect(semanticJson(a) === semanticJson(b)).toBe(same)
  })
})
