/**
 * @module
 * kubectl's `create configmap NAME` and `create secret generic NAME` from their sources
 * (config-sources.ts). A ConfigMap keeps UTF-8 values as text in `data` and the rest in
 * `binaryData`, base64-encoded; a Secret holds every value base64-encoded in `data`, and a
 * `type` only when `--type` gives one, as kubectl (the server then defaults it to Opaque).
 */
import type { ConfigMap, Secret } from '../../api/types.ts'
import { type ConfigSources, readConfigSources } from './config-sources.ts'

function decodeUtf8(buf: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf)
  } catch {
    return undefined
  }
}

export function generateConfigMap(name: string, namespace: string, src: ConfigSources): ConfigMap {
  const data: Record<string, string> = {}
  const binaryData: Record<string, string> = {}
  for (const [key, value] of readConfigSources('ConfigMap', name, src)) {
    const text = typeof value === 'string' ? value : decodeUtf8(value)
    if (text !== undefined) data[key] = text
    else binaryData[key] = (value as Buffer).toString('base64')
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  }
}

export function generateSecret(name: string, namespace: string, type: string | undefined, src: ConfigSources): Secret {
  const data: Record<string, string> = {}
  for (const [key, value] of readConfigSources('Secret', name, src)) data[key] = Buffer.from(value).toString('base64')
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    ...(type ? { type } : {}),
    ...(Object.keys(data).length > 0 ? { data } : {}),
  }
}
