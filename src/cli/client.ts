/**
 * @module
 * The CLI's way into the daemon: the shared API client (client/api-client.ts) with the bearer
 * token. Its transport is the platform's `fetch` (a streamed upload goes through node:http,
 * stream-upload.ts) unless a test routes requests to an in-process API app (`app.request`, no socket).
 */
import { ApiClient, type Transport } from '../client/api-client.ts'
import type { Connection } from './config.ts'
import { cliTransport } from './stream-upload.ts'
import { trustCertificateAuthority } from './tls-trust.ts'

export {
  ApiClient,
  ServerError,
  type ListQuery,
  type LogQuery,
  type Scale,
  type Transport,
  type WatchEvent,
} from '../client/api-client.ts'
export { listAndWatch, type ListWatchEvent, watchResuming } from '../client/list-and-watch.ts'

/** A client for a resolved connection: its CA trusted (config.ts), its server and token. */
export function connectionClient(
  c: Pick<Connection, 'server' | 'token' | 'ca'>,
  transport?: Transport,
  onWarning?: (line: string) => void,
): ApiClient {
  if (c.ca && !transport) trustCertificateAuthority(c.ca)
  return cliClient(c.server, c.token, transport ?? cliTransport(), onWarning)
}

/** `onWarning` gets each distinct warning the API sends once per client, as kubectl prints it. */
export function cliClient(
  server: string,
  token: string | undefined,
  transport?: Transport,
  onWarning?: (line: string) => void,
): ApiClient {
  const seen = new Set<string>()
  const warn =
    onWarning &&
    ((text: string) => {
      if (seen.has(text)) return
      seen.add(text)
      onWarning(`Warning: ${text}\n`)
    })
  return new ApiClient({ server, token, ...(transport ? { transport } : {}), ...(warn ? { onWarning: warn } : {}) })
}
