/**
 * @module
 * The durability test's write schedule: which write the writer makes at step i, so the test
 * can rebuild the expected state from the steps the writer reported as committed.
 *
 * Steps cycle through 8: six creates, one update of an object made earlier in the cycle, one
 * delete of another. Payloads are about 1 KiB and derived from the step, so a torn or stale
 * object is detectable.
 */

export type Step =
  | { op: 'create'; name: string; payload: string }
  | { op: 'update'; name: string; payload: string }
  | { op: 'delete'; name: string }

export const payloadFor = (i: number) => `step-${i};`.repeat(Math.ceil(1024 / `step-${i};`.length))

export function stepAt(i: number): Step {
  const base = i - (i % 8)
  switch (i % 8) {
    case 6:
      return { op: 'update', name: `cm-${base + 1}`, payload: payloadFor(i) }
    case 7:
      return { op: 'delete', name: `cm-${base + 2}` }
    default:
      return { op: 'create', name: `cm-${i}`, payload: payloadFor(i) }
  }
}

/** The expected objects (name -> payload and resourceVersion) after the given committed steps. */
export function expectedAfter(steps: { i: number; rv: string }[]): Map<string, { payload: string; rv: string }> {
  const state = new Map<string, { payload: string; rv: string }>()
  for (const { i, rv } of steps) {
    const s = stepAt(i)
    if (s.op === 'delete') state.delete(s.name)
    else state.set(s.name, { payload: s.payload, rv })
  }
  return state
}
