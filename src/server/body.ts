/**
 * @module
 * Request bodies: one object, as JSON or YAML (the same parser `apply -f` uses, so a
 * manifest can be POSTed as it is).
 */
import type { Context } from 'hono'
import { parseManifests } from '../api/manifest.ts'
import type { KObject } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { badRequest } from './errors.ts'
import { decodeKubeProtobuf } from './kube/protobuf.ts'

const mediaType = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
const isProtobuf = (c: Context) => mediaType(c) === 'application/vnd.kubernetes.protobuf'

/** A CBOR body answers 415, as kube-apiserver answers a media type it does not decode. */
export function refuseBinaryBody(c: Context): void {
  const type = mediaType(c)
  if (type === 'application/cbor') {
    throw new BatonError('BATON_BAD_REQUEST', `the body's media type ${type} is not supported`, {
      httpStatus: 415,
      hint: 'Send the object as JSON or YAML (Content-Type: application/json)',
    })
  }
}

export async function readObject(c: Context): Promise<KObject> {
  if (isProtobuf(c)) return decodeKubeProtobuf(new Uint8Array(await c.req.arrayBuffer())) as unknown as KObject
  refuseBinaryBody(c)
  const text = await c.req.text()
  if (text.trim() === '') throw badRequest('the request body is empty', 'Send one object as JSON or YAML')
  const objects = parseManifests(text, 'request body')
  if (objects.length !== 1 || !objects[0]) {
    throw badRequest(`the request body holds ${objects.length} objects, not one`, 'Send exactly one object per request')
  }
  return objects[0]
}

/** DeleteOptions, as JSON or as the protobuf a typed client (Helm's release storage) sends. */
export async function readDeleteOptions(c: Context): Promise<unknown> {
  if (isProtobuf(c)) return decodeKubeProtobuf(new Uint8Array(await c.req.arrayBuffer()))
  return readJson(c)
}

/** A body that need not be an object of a kind (a merge patch, a Scale, DeleteOptions). */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`, 'Send a JSON document')
  }
}
