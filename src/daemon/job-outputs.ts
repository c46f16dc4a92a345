/**
 * @module
 * The job analysis provider's output for the control plane (ControllerDeps.jobs): the last
 * lines of a finished job container's log, read from the node's runtime as `baton logs --tail`
 * reads them (the process runtime's log files, or the Docker engine's log API), started under
 * their key and handed out on a later sync (pending-answers.ts); the previous instance's
 * (`--previous`) when the container failed and was restarted in place (restartPolicy
 * OnFailure). A log that cannot be read answers why, so the measurement is still recorded.
 */
import { OUTPUT_TAIL_LINES, type JobOutputRef } from '../controllers/analysis/job-provider.ts'
import type { LogSource } from '../server/ports.ts'
import { PendingAnswers } from './pending-answers.ts'

export class JobOutputs {
  readonly #answers = new PendingAnswers<string>()
  readonly #logs: LogSource

  constructor(logs: LogSource) {
    this.#logs = logs
  }

  /** The tail of the output under `key` once read (then forgotten); starts reading it if new. */
  take(key: string, ref: JobOutputRef): string | undefined {
    return this.#answers.take(key, () => this.#tail(ref))
  }

  async #tail(ref: JobOutputRef): Promise<string> {
    try {
      const lines: string[] = []
      for await (const line of this.#logs.read(ref.namespace, ref.pod, ref.container, {
        tail: OUTPUT_TAIL_LINES,
        ...(ref.previous ? { previous: true } : {}),
      })) {
        lines.push(line)
      }
      return lines.join('\n')
    } catch (err) {
      return `(the output of ${ref.pod}/${ref.container} could not be read: ${(err as Error)?.message ?? String(err)})`
    }
  }
}
