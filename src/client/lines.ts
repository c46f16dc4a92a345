/**
 * @module
 * The lines of a streamed body (a watch's NDJSON, a followed log), without their newlines.
 */

/**
 * Yields each line as it arrives, and a last line without a newline at the end. Aborting
 * `signal` cancels the body itself: a fetch abort alone does not always reach a stream that is
 * already flowing (an in-process `app.request` never sees it), and the server must learn the
 * watcher left.
 */
export async function* lines(res: Response, signal?: AbortSignal): AsyncGenerator<string> {
  if (!res.body) return
  const reader = res.body.getReader()
  const cancel = () => void reader.cancel().catch(() => {})
  signal?.addEventListener('abort', cancel, { once: true })
  if (signal?.aborted) cancel()
  const decoder = new TextDecoder()
  let carry = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      carry += decoder.decode(value, { stream: true })
      let nl: number
      while ((nl = carry.indexOf('\n')) !== -1) {
        yield carry.slice(0, nl)
        carry = carry.slice(nl + 1)
      }
    }
  } finally {
    signal?.removeEventListener('abort', cancel)
    if (!signal?.aborted) cancel()
  }
  carry += decoder.decode()
  if (carry) yield carry
}
