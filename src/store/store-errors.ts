/**
 * @module
 * The store's errors, worded as the Kubernetes API server words them so that messages read
 * the same in Baton as in kubectl: `deployments.apps "web" not found`.
 */
import { qualifiedResource, RESOURCES } from '../api/resources.ts'
import type { Kind } from '../api/types.ts'
import { BatonError, type ErrorSubject } from '../errors/baton-error.ts'

/** A Status's details for an error about one object: the resource's plural and group, and its name. */
const subject = (kind: Kind, name: string): ErrorSubject => ({
  kind: RESOURCES[kind].plural,
  ...(RESOURCES[kind].group ? { group: RESOURCES[kind].group } : {}),
  name,
})

export function notFound(kind: Kind, namespace: string, name: string): BatonError {
  const resource = qualifiedResource(kind)
  return new BatonError('BATON_NOT_FOUND', `${resource} "${name}" not found`, {
    hint: namespace
      ? `Check the name and namespace with \`baton get ${resource.split('.')[0]} -n ${namespace}\``
      : `Check the name with \`baton get ${resource.split('.')[0]}\``,
    subject: subject(kind, name),
  })
}

export function alreadyExists(kind: Kind, name: string): BatonError {
  return new BatonError('BATON_ALREADY_EXISTS', `${qualifiedResource(kind)} "${name}" already exists`, {
    hint: 'Use `baton apply` to change the existing object, or pick another name',
    subject: subject(kind, name),
  })
}

export function conflict(kind: Kind, name: string): BatonError {
  return new BatonError(
    'BATON_CONFLICT',
    `Operation cannot be fulfilled on ${qualifiedResource(kind)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    { hint: 'Read the object again and retry the change', subject: subject(kind, name) },
  )
}

/** The caller's object names another incarnation (same name, other uid) than the stored one. */
export function uidMismatch(kind: Kind, name: string, want: string, have: string): BatonError {
  return new BatonError(
    'BATON_CONFLICT',
    `Operation cannot be fulfilled on ${qualifiedResource(kind)} "${name}": Precondition failed: ` +
      `UID in precondition: ${want}, UID in object meta: ${have}`,
    { hint: 'The object was deleted and created again; read it again and retry the change' },
  )
}

export function gone(requested: number, oldest: number): BatonError {
  return new BatonError('BATON_GONE', `too old resource version: ${requested} (${oldest - 1})`, {
    hint: "List again and watch from the list's resourceVersion",
  })
}

export function badResourceVersion(value: string): BatonError {
  return new BatonError('BATON_BAD_REQUEST', `invalid resourceVersion "${value}": must be a decimal number`, {
    hint: 'Pass a resourceVersion taken from an object or a list',
  })
}

export function missingName(kind: Kind): BatonError {
  return new BatonError('BATON_INVALID', `${qualifiedResource(kind)}: metadata.name: Required value`, {
    hint: 'Set metadata.name in the manifest',
    causes: [{ field: 'metadata.name', message: 'Required value' }],
  })
}

export function storeClosed(): BatonError {
  return new BatonError('BATON_STORE', 'the object store is closed', {
    hint: 'This is a bug in the caller: the store was used after shutdown',
  })
}
