/**
 * @module
 * Test helpers for events/.
 */
import type { Event } from '../api/types.ts'

/** The Event a recordEvent call wrote; throws (failing the test) when the spam filter dropped it. */
export function recorded(ev: Event | undefined): Event {
  if (ev === undefined) throw new Error('the event was dropped by the spam filter')
  return ev
}
