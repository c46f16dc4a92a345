/**
 * @module
 * The web analysis provider's GETs for the control plane (ControllerDeps.web): started under
 * their key and handed out on a later sync (pending-answers.ts). A body is read up to 1 MiB; a request that
 * outlives its timeout is aborted and answers an error.
 */
import type { WebAnswer, WebCheck } from '../controllers/analysis/web-provider.ts'
import { PendingAnswers } from './pending-answers.ts'

const MAX_BODY_BYTES = 1 << 20

export class WebChecks {
  readonly #answers = new PendingAnswers<WebAnswer>()

  /** The answer of the check under `key` once it is back (then forgotten); starts it if new. */
  take(key: string, check: WebCheck): WebAnswer | undefined {
    return this.#answers.take(key, () => get(check))
  }
}

async function get(check: WebCheck): Promise<WebAnswer> {
  try {
    const res = await fetch(check.url, {
      method: 'GET',
      headers: check.headers,
      signal: AbortSignal.timeout(check.timeoutMs),
      redirect: 'follow',
    })
    const reader = res.body?.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    while (reader) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > MAX_BODY_BYTES) {
        await reader.cancel()
        return { error: `the answer of ${check.url} is larger than 1 MiB` }
      }
      chunks.push(value)
    }
    return { status: res.status, body: Buffer.concat(chunks).toString('utf8') }
  } catch (err) {
    const why =
      err instanceof Error && err.name === 'TimeoutError'
        ? `timed out after ${check.timeoutMs / 1000}s`
        : String((err as Error)?.cause ?? err)
    return { error: `GET ${check.url}: ${why}` }
  }
}
