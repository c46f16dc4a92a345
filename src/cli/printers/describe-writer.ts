/**
 * @module
 * The building blocks of `describe`, shaped like kubectl's PrefixWriter: lines are written
 * at an indent level with tab-terminated cells, then aligned once with Go tabwriter rules
 * (padding 2). Shared sections (name, labels, annotations, pods status, conditions, events) live here so
 * every describer prints them the same way.
 */
import type { Event, ObjectMeta, OwnerReference, Pod, Timestamp } from '../../api/types.ts'
import { age } from '../../api/age.ts'
import { DESCRIBE_TABS, tabulate } from './tabwriter.ts'

export const LEVEL_0 = 0
export const LEVEL_1 = 1
export const LEVEL_2 = 2
export const LEVEL_3 = 3

/** Annotation values longer than this are folded onto their own lines, as kubectl does. */
const MAX_ANNOTATION_LEN = 140
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

export class DescribeWriter {
  #text = ''

  /** Writes `text` indented by two spaces per level; `text` carries its own tabs and newline. */
  write(level: number, text: string): void {
    this.#text += '  '.repeat(level) + text
  }

  line(level: number, text: string): void {
    this.write(level, `${text}\n`)
  }

  toString(): string {
    return tabulate(this.#text, DESCRIBE_TABS)
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad2 = (v: number) => String(v).padStart(2, '0')

/** Go's time.RFC1123Z, in UTC: "Sun, 19 Aug 2018 04:27:19 +0000"; "<unknown>" when unset. */
export function rfc1123z(ts: Timestamp | undefined): string {
  if (!ts) return '<unknown>'
  const d = new Date(ts)
  if (Number.isNaN(d.getTime())) return '<unknown>'
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  return `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} +0000`
}

const sortedKeys = (m: Record<string, string>) => Object.keys(m).sort()

/** "Labels:\tapp=web\n\ttier=fe\n": one label per line, sorted, continuation lines aligned. */
export function labelsMultiline(w: DescribeWriter, title: string, labels: Record<string, string> | undefined): void {
  w.write(LEVEL_0, `${title}:\t`)
  const keys = sortedKeys(labels ?? {})
  if (keys.length === 0) return w.write(LEVEL_0, '<none>\n')
  for (const [i, k] of keys.entries()) w.write(LEVEL_0, `${i === 0 ? '' : '\t'}${k}=${labels?.[k]}\n`)
}

/** "Annotations:\tkey: value\n", hiding last-applied-configuration and folding long values. */
export function annotationsMultiline(
  w: DescribeWriter,
  title: string,
  annotations: Record<string, string> | undefined,
): void {
  w.write(LEVEL_0, `${title}:\t`)
  const all = annotations ?? {}
  const keys = sortedKeys(all).filter((k) => k !== LAST_APPLIED)
  if (keys.length === 0) return w.write(LEVEL_0, '<none>\n')
  keys.forEach((k, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t')
    const value = (all[k] ?? '').replace(/\n$/, '')
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(LEVEL_0, `${k}:\n`)
      for (const s of value.split('\n')) {
        const short = s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 5)}...` : s
        w.write(LEVEL_0, `\t  ${short}\n`)
      }
    } else {
      w.write(LEVEL_0, `${k}: ${value}\n`)
    }
  })
}

/** The Name and Namespace lines every describe output opens with. */
export function nameAndNamespace(w: DescribeWriter, meta: ObjectMeta): void {
  w.line(LEVEL_0, `Name:\t${meta.name}`)
  w.line(LEVEL_0, `Namespace:\t${meta.namespace ?? 'default'}`)
}

/** "Pods Status:" of a controller's pods by phase, a pod without a phase counted as Pending (kubectl's getPodStatusForController). */
export function podsStatusLine(w: DescribeWriter, pods: readonly Pod[]): void {
  const count = (phase: string) => pods.filter((p) => (p.status?.phase ?? 'Pending') === phase).length
  w.line(
    LEVEL_0,
    `Pods Status:\t${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed`,
  )
}

/** A workload's Conditions table (Type, Status, Reason); nothing when it has none. */
export function conditionsTable(
  w: DescribeWriter,
  conditions: ReadonlyArray<{ type: string; status: string; reason?: string }> | undefined,
): void {
  if (!conditions?.length) return
  w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n')
  w.write(LEVEL_1, '----\t------\t------\n')
  for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`)
}

/** "Controlled By:\tReplicaSet/web-7d4b9c6f5", when an owner is the controller. */
export function controlledBy(w: DescribeWriter, meta: ObjectMeta): void {
  const owner: OwnerReference | undefined = meta.ownerReferences?.find((o) => o.controller)
  if (owner) w.line(LEVEL_0, `Controlled By:\t${owner.kind}/${owner.name}`)
}

/**
 * The Events table. Age is the first sighting, or "<last> (x<count> over <first>)" for a
 * repeated event, which is why that column is often the widest.
 */
export function eventsSection(w: DescribeWriter, events: readonly Event[] | undefined, now: number): void {
  if (!events) return
  if (events.length === 0) return w.line(LEVEL_0, 'Events:\t<none>')
  const sorted = [...events].sort((a, b) => eventTime(a) - eventTime(b))
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n')
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n')
  for (const e of sorted) {
    const first = age(e.firstTimestamp ?? e.metadata.creationTimestamp, now)
    const interval = (e.count ?? 1) > 1 ? `${age(e.lastTimestamp, now)} (x${e.count} over ${first})` : first
    w.write(LEVEL_1, `${e.type}\t${e.reason}\t${interval}\t${e.source?.component ?? ''}\t${e.message.trim()}\n`)
  }
}

function eventTime(e: Event): number {
  const t = Date.parse(e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '')
  return Number.isNaN(t) ? 0 : t
}
