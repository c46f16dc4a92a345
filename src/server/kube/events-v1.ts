/**
 * @module
 * events.k8s.io/v1 Events: a read-only view of the core v1 Events Baton records, converted as
 * kube-apiserver converts between the two versions of the one stored Event (involvedObject is
 * `regarding`, message is `note`, the v1 counters are `deprecated*`):
 *
 *   GET /apis/events.k8s.io/v1/events                              list across namespaces
 *   GET /apis/events.k8s.io/v1/namespaces/{ns}/events[?watch=true]  list or watch
 *   GET /apis/events.k8s.io/v1/namespaces/{ns}/events/{name}        one Event
 *
 * Field selectors name the v1 fields (`regarding.name=web`) and are matched on the stored
 * Events. Writes are refused with 405: Baton's controllers and node agents record events; a
 * client reads them (`kubectl events`, `kubectl get events.events.k8s.io`).
 */
import type { Context, Hono } from 'hono'
import type { Event } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { Clock } from '../../platform/clock.ts'
import { notFound } from '../../store/store-errors.ts'
import type { ObjectStore } from '../../store/types.ts'
import { badRequest } from '../errors.ts'
import { type FieldRequirement, matchesFields, parseFieldSelector } from '../field-selector.ts'
import { watchResponse } from '../watch.ts'
import { page } from './paging.ts'
import { watchListStart } from './watch-list.ts'
import { includeObjectParam, TABLE_CONTENT_TYPE, toTable, wantsTable } from './table.ts'

export const EVENTS_GROUP = 'events.k8s.io'
const API_VERSION = 'events.k8s.io/v1'
const BASE = '/apis/events.k8s.io/v1'

/** The events.k8s.io/v1 field each core v1 field is, by its first path segment. */
const V1_TO_CORE: Readonly<Record<string, string>> = {
  regarding: 'involvedObject',
  note: 'message',
  deprecatedSource: 'source',
  deprecatedCount: 'count',
  deprecatedFirstTimestamp: 'firstTimestamp',
  deprecatedLastTimestamp: 'lastTimestamp',
  reportingController: 'reportingComponent',
}

/** A stored core v1 Event as events.k8s.io/v1 shows it; pure. */
export function toEventsV1(ev: Event): Record<string, unknown> {
  const core = ev as Event & Record<string, unknown>
  const out: Record<string, unknown> = {
    apiVersion: API_VERSION,
    kind: 'Event',
    metadata: ev.metadata,
    eventTime: core.eventTime ?? null,
    ...(core.series !== undefined ? { series: core.series } : {}),
    reportingController: core.reportingComponent ?? ev.source?.component ?? '',
    reportingInstance: core.reportingInstance ?? ev.source?.host ?? '',
    ...(core.action !== undefined ? { action: core.action } : {}),
    reason: ev.reason,
    regarding: ev.involvedObject,
    ...(core.related !== undefined ? { related: core.related } : {}),
    note: ev.message,
    type: ev.type,
  }
  if (ev.source) out.deprecatedSource = ev.source
  if (ev.firstTimestamp) out.deprecatedFirstTimestamp = ev.firstTimestamp
  if (ev.lastTimestamp) out.deprecatedLastTimestamp = ev.lastTimestamp
  if (ev.count !== undefined) out.deprecatedCount = ev.count
  return out
}

/** A field selector over v1 field names, turned into one over the stored core fields; pure. */
export function coreFieldSelector(selector: string | undefined): FieldRequirement[] {
  return parseFieldSelector(selector).map((r) => {
    const [head = '', ...rest] = r.path
    return { ...r, path: [V1_TO_CORE[head] ?? head, ...rest] }
  })
}

const truthy = (v: string | undefined) => v === 'true' || v === '1'

function limitParam(c: Context): number | undefined {
  const v = c.req.query('limit')
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`limit must be a non-negative integer, not "${v}"`, 'Pass limit=<count>')
  return n
}

function list(c: Context, store: ObjectStore, clock: Clock, namespace: string | undefined): Response {
  const fields = coreFieldSelector(c.req.query('fieldSelector'))
  const labelSelector = c.req.query('labelSelector') || undefined
  const opts = { ...(namespace !== undefined ? { namespace } : {}), ...(labelSelector ? { labelSelector } : {}) }
  const table = wantsTable(c.req.header('accept'))
  const include = includeObjectParam(c.req.query('includeObject'))
  const encode = (object: unknown, first: boolean): unknown => {
    if (!table) return toEventsV1(object as Event)
    const t = toTable('Event', [object as Event], clock.now(), include, {
      resourceVersion: (object as Event).metadata.resourceVersion,
    })
    if (include === 'Object') t.rows[0]!.object = toEventsV1(object as Event)
    return first ? t : { ...t, columnDefinitions: [] }
  }
  if (truthy(c.req.query('watch'))) {
    let resourceVersion = c.req.query('resourceVersion') || undefined
    let initial: Array<{ type: string; object: unknown }> | undefined
    if (truthy(c.req.query('sendInitialEvents'))) {
      const start = watchListStart(store.list('Event', opts), fields, { kind: 'Event', apiVersion: API_VERSION })
      resourceVersion = start.resourceVersion
      initial = start.initial
    }
    const timeout = Number(c.req.query('timeoutSeconds') ?? 0)
    return watchResponse(store, clock, {
      kind: 'Event',
      opts: { ...opts, ...(resourceVersion ? { resourceVersion } : {}) },
      fields,
      ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutSeconds: timeout } : {}),
      signal: c.req.raw.signal,
      encode,
      ...(initial ? { initial } : {}),
    })
  }
  const all = store.list('Event', opts)
  const limit = limitParam(c)
  const cont = c.req.query('continue') || undefined
  const paged = page(
    all.items.filter((o) => matchesFields(o, fields)),
    { ...(limit ? { limit } : {}), ...(cont ? { continue: cont } : {}) },
  )
  const metadata = {
    resourceVersion: all.resourceVersion,
    ...(paged.continue ? { continue: paged.continue, remainingItemCount: paged.remainingItemCount } : {}),
  }
  if (table) {
    const t = toTable('Event', paged.items, clock.now(), include, metadata)
    if (include === 'Object') {
      for (const [i, row] of t.rows.entries()) row.object = toEventsV1(paged.items[i] as Event)
    }
    return c.body(JSON.stringify(t), 200, { 'content-type': TABLE_CONTENT_TYPE })
  }
  return c.json({
    apiVersion: API_VERSION,
    kind: 'EventList',
    metadata,
    items: paged.items.map((e) => toEventsV1(e as Event)),
  })
}

const readOnly = () =>
  new BatonError('BATON_BAD_REQUEST', 'events.k8s.io/v1 Events are read-only in Baton', {
    httpStatus: 405,
    hint: "Baton's controllers and node agents record events; read them with kubectl events or kubectl get events",
  })

export function registerEventsV1Routes(app: Hono, store: ObjectStore, clock: Clock): void {
  app.get(`${BASE}/events`, (c) => list(c, store, clock, undefined))
  app.get(`${BASE}/namespaces/:ns/events`, (c) => list(c, store, clock, c.req.param('ns')))
  app.get(`${BASE}/namespaces/:ns/events/:name`, (c) => {
    const { ns, name } = c.req.param()
    const ev = store.get('Event', ns, name)
    if (!ev) {
      const err = notFound('Event', ns, name)
      throw new BatonError(err.code, `events.events.k8s.io "${name}" not found`, {
        ...(err.hint ? { hint: err.hint } : {}),
        subject: { kind: 'events', group: EVENTS_GROUP, name },
      })
    }
    if (wantsTable(c.req.header('accept'))) {
      const include = includeObjectParam(c.req.query('includeObject'))
      const t = toTable('Event', [ev], clock.now(), include, { resourceVersion: ev.metadata.resourceVersion })
      if (include === 'Object') t.rows[0]!.object = toEventsV1(ev)
      return c.body(JSON.stringify(t), 200, { 'content-type': TABLE_CONTENT_TYPE })
    }
    return c.json(toEventsV1(ev))
  })
  app.post(`${BASE}/namespaces/:ns/events`, () => {
    throw readOnly()
  })
  app.delete(`${BASE}/namespaces/:ns/events`, () => {
    throw readOnly()
  })
  for (const method of ['put', 'patch', 'delete'] as const) {
    app[method](`${BASE}/namespaces/:ns/events/:name`, () => {
      throw readOnly()
    })
  }
}
