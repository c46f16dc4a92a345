/**
 * @module
 * v1 Secret as kube-apiserver keeps it (pkg/apis/core/validation ValidateSecret, and the v1
 * conversion that folds `stringData` into `data`): values are base64 in `data`, `type`
 * defaults to Opaque, and the types Kubernetes gives a meaning to must carry their keys.
 * Baton stores Secrets like ConfigMaps, unencrypted in its SQLite file (docs/helm.md).
 */
import { type FieldError, invalid, invalidAll, required, tooLong } from './field-errors.ts'
import { configRolloutErrors } from './config-snapshot.ts'
import { isRec, stringEntries } from './guards.ts'
import { configKeyErrors } from './names.ts'
import type { Secret } from './types.ts'

/** A Secret holds at most 1 MiB of data, like an etcd value (MaxSecretSize). */
const MAX_SECRET_BYTES = 1024 * 1024
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const utf8 = new TextEncoder()

/** The keys each well-known type requires (k8s.io/api core/v1 SecretType constants). */
const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
}

/** UTF-8 text as base64, without node:buffer (this folder is pure). */
export function base64Utf8(text: string): string {
  let binary = ''
  for (const byte of utf8.encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** The text a Secret value holds (base64 in `data`), as UTF-8: an env var's or an analysis arg's. */
export function secretText(base64: string): string {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return new TextDecoder().decode(bytes)
}

/** Defaulting: `stringData` folded into `data` (it wins on a shared key), type Opaque. */
export function defaultSecret(secret: Record<string, unknown>): void {
  if (secret.type === undefined || secret.type === '') secret.type = 'Opaque'
  if (!isRec(secret.stringData)) return
  const data: Record<string, unknown> = isRec(secret.data) ? { ...secret.data } : {}
  for (const [key, value] of stringEntries(secret.stringData)) data[key] = base64Utf8(value)
  secret.data = data
  delete secret.stringData
}

export function validateSecret(secret: Secret): FieldError[] {
  const errs: FieldError[] = []
  let size = 0
  const data = stringEntries(secret.data)
  for (const [key, value] of data) {
    errs.push(...invalidAll(`data[${key}]`, key, configKeyErrors(key)))
    if (!BASE64_RE.test(value))
      errs.push(invalid(`data[${key}]`, '<value>', 'must be base64-encoded', 'Put plain text under stringData instead'))
    size += Math.floor((value.length * 3) / 4)
  }
  if (size > MAX_SECRET_BYTES) errs.push(tooLong('data', MAX_SECRET_BYTES, 'Split the data over several Secrets.'))
  const keys = new Set(data.map(([k]) => k))
  const type = secret.type ?? 'Opaque'
  for (const key of REQUIRED_KEYS[type] ?? []) {
    if (!keys.has(key)) errs.push(required(`data[${key}]`, '', `A Secret of type ${type} needs the key ${key}`))
  }
  if (type === 'kubernetes.io/basic-auth' && !keys.has('username') && !keys.has('password'))
    errs.push(required('data[username]', '', 'A basic-auth Secret needs username or password'))
  if (type === 'kubernetes.io/service-account-token')
    errs.push(
      invalid('type', type, 'Baton issues no service account tokens', 'Use type Opaque for a token of your own'),
    )
  errs.push(...configRolloutErrors(secret.metadata?.annotations))
  return errs
}
