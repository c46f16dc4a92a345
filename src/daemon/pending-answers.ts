/**
 * @module
 * Asynchronous work for the synchronous control plane: a reconcile cannot await, so the work
 * is started under a key and its answer handed out on a later sync (the controller looks again
 * shortly). The web provider's GETs (web-checks.ts) and the job provider's output reads
 * (job-outputs.ts) share it.
 */

/** An answer nobody took within this many pieces of work started is dropped (its run was deleted). */
const MAX_KEPT = 256

export class PendingAnswers<T> {
  readonly #pending = new Map<string, { answer?: T }>()

  /** The answer of the work under `key` once it is done (then forgotten); starts it if new. */
  take(key: string, start: () => Promise<T>): T | undefined {
    const entry = this.#pending.get(key)
    if (entry) {
      if (entry.answer === undefined) return undefined
      this.#pending.delete(key)
      return entry.answer
    }
    if (this.#pending.size >= MAX_KEPT) this.#pending.delete(this.#pending.keys().next().value!)
    const fresh: { answer?: T } = {}
    this.#pending.set(key, fresh)
    // `start` answers its own failures: the caller's promise never rejects.
    void start().then((answer) => (fresh.answer = answer))
    return undefined
  }
}
