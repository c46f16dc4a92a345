/**
 * @module
 * The CLI's way into the daemon: the shared API client (client/api-client.ts) with the bearer
 * token. Its transport is the platform's `fetch` unless a test routes requests to an in-process
 * API app (`app.request`, no socket).
 */
import { ApiClient, type Transport } from '../client/api-client.ts'

export { ApiClient, ServerError, type ListQuery, type LogQuery, type Scale, type Transport, type WatchEvent } from '../client/api-client.ts'
export { listAndWatch, type ListWatchEvent, watchResuming } from '../client/list-and-watch.ts'

export function cliClient(server: string, token: string | undefined, transport?: Transport, onWarning?: (text: string) => void): ApiClient {
  return new ApiClient({ server, token, ...(transport ? { transport } : {}), ...(onWarning ? { onWarning } : {}) })
}
