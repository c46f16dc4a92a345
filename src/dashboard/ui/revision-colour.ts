/**
 * @module
 * One colour per revision, shared by the ReplicaSet rows and the traffic chart's lines, so a
 * line and its pods are matched at a glance. Chosen to stay apart for common colour blindness.
 */
const PALETTE = ['#1864ab', '#d9480f', '#5f3dc4', '#087f5b', '#c2255c', '#5c940d', '#862e9c', '#0b7285']

export function revisionColour(revision: number): string {
  return PALETTE[((revision % PALETTE.length) + PALETTE.length) % PALETTE.length]!
}
