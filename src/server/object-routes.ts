/**
 * @module
 * The Kubernetes-shaped object routes, for every kind in api/resources.ts:
 *
 *   GET    /api/v1/{resource}                                     list across namespaces
 *   GET    /api/v1/namespaces/{ns}/{resource}                     list (?labelSelector, ?fieldSelector, ?watch)
 *   POST   /api/v1/namespaces/{ns}/{resource}                     create
 *   GET    /api/v1/namespaces/{ns}/{resource}/{name}              read
 *   PUT    /api/v1/namespaces/{ns}/{resource}/{name}              replace (CAS on metadata.resourceVersion)
 *   PATCH  /api/v1/namespaces/{ns}/{resource}/{name}              JSON merge patch
 *   DELETE /api/v1/namespaces/{ns}/{resource}                     deletecollection (?labelSelector, ?fieldSelector)
 *   DELETE /api/v1/namespaces/{ns}/{resource}/{name}              delete (?propagationPolicy, ?gracePeriodSeconds, ?dryRun)
 *   GET|PUT /…/{name}/status                                      status subresource
 *   GET|PUT|PATCH /…/{name}/scale                                 autoscaling/v1 Scale
 *
 * and the same under /apis/apps/v1 for the apps group. Handlers parse, admit (default +
 * validate) and hand over to the store; the store enforces the API semantics.
 */
import type { Context, Hono } from 'hono'
import { admit, checkUpdate, warningsFor } from './admission.ts'
import { invalidObjectError } from '../api/field-errors.ts'
import { immutableDataErrors } from '../api/immutable-data.ts'
import { apiVersionOf, isClusterScoped, KINDS, resourcePath } from '../api/resources.ts'
import type { AnyObject, Kind, KObject, Service } from '../api/types.ts'
import type { Limits } from '../api/limits.ts'
import type { NodeRuntimes } from '../api/runtime-class.ts'
import type { ArtifactStore } from '../artifacts/types.ts'
import type { Clock } from '../platform/clock.ts'
import type { ObjectStore } from '../store/types.ts'
import { readDeleteOptions, readJson, readObject } from './body.ts'
import { badRequest } from './errors.ts'
import { matchesFields, parseFieldSelector } from './field-selector.ts'
import { getOr404, kindOf } from './lookup.ts'
import { bindToNode } from '../api/pod-binding.ts'
import { deleteCollection, deleteOptions } from './kube/delete-options.ts'
import { admitCreateInNamespace, admitDelete } from './kube/namespace-lifecycle.ts'
import { applyPatch, isApplyPatch } from './kube/patch.ts'
import { checkApplyRequest, serverSideApply } from './kube/server-side-apply.ts'
import { formatTimestamp } from '../api/timestamps.ts'
import { serviceAccountErrors } from '../api/service-account-ref.ts'
import { registerScaleRoutes } from './scale-routes.ts'
import { checkServicePorts, type ServicePortDeps } from './service-ports.ts'
import { page } from './kube/paging.ts'
import { includeObjectParam, TABLE_CONTENT_TYPE, type Table, toTable, wantsTable } from './kube/table.ts'
import { watchResponse } from './watch.ts'
import { watchListStart } from './kube/watch-list.ts'
import { checkWorkloadLimits, nodeObjects } from './workload-limits.ts'

export interface ObjectRouteDeps extends ServicePortDeps {
  store: ObjectStore
  clock: Clock
  /**
   * Problems with a Service's addresses that do not refuse it (another program holds the
   * port), sent back as `Warning` headers, which the CLI prints as kubectl prints them.
   */
  portWarnings?: (svc: Service, previous: Service | undefined) => Promise<string[]>
  limits: Limits
  /** Lets admission warn about an image no artifact was pushed for. */
  artifacts?: Pick<ArtifactStore, 'resolve'>
  /** The runtimes the node runs (api/runtime-class.ts); default: the process runtime only. */
  runtimes?: NodeRuntimes
}

/** Admission, then what needs the rest of the store: the bounds on what a workload asks of the node, a Service's ports. */
async function admitWith(c: Context, obj: AnyObject, deps: ObjectRouteDeps, previous?: AnyObject): Promise<AnyObject> {
  const admitted = admit(obj, deps.runtimes)
  const account = serviceAccountErrors(admitted, (ns, name) => deps.store.get('ServiceAccount', ns, name) !== undefined)
  if (account.length > 0) throw invalidObjectError(admitted.kind, admitted.metadata.name, account)
  if (previous) checkUpdate(admitted, previous)
  const frozen = immutableDataErrors(previous, admitted)
  if (frozen.length > 0) throw invalidObjectError(admitted.kind, admitted.metadata.name, frozen)
  checkWorkloadLimits(admitted, previous, () => nodeObjects(deps.store), deps.limits)
  if (admitted.kind !== 'Service') return admitted
  checkServicePorts(admitted, deps)
  for (const w of (await deps.portWarnings?.(admitted, previous as Service | undefined)) ?? []) {
    c.header('warning', `299 - ${JSON.stringify(w)}`, { append: true })
  }
  return admitted
}

const BASES = [
  { group: '', base: '/api/v1' },
  { group: 'apps', base: '/apis/apps/v1' },
  { group: 'argoproj.io', base: '/apis/argoproj.io/v1alpha1' },
] as const

const ns = (c: Context): string => c.req.param('ns') ?? ''
const name = (c: Context): string => c.req.param('name') ?? ''

const truthy = (v: string | undefined) => v === 'true' || v === '1'

function intParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name)
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`${name} must be a non-negative integer, not "${v}"`, `Pass ${name}=<seconds>`)
  return n
}

/** The body must be of the path's kind, and name the path's namespace (and name) if it names one. */
function checkBody(obj: KObject, kind: Kind, ns: string, name?: string): AnyObject {
  if (obj.kind !== kind) {
    throw badRequest(
      `the body is a ${obj.kind || 'object without kind'}, but the path is for ${kind}`,
      `POST or PUT ${kind} objects to this path`,
    )
  }
  if (obj.apiVersion !== apiVersionOf(kind)) {
    throw badRequest(
      `${kind} is served as ${apiVersionOf(kind)}, not ${obj.apiVersion}`,
      `Set apiVersion: ${apiVersionOf(kind)}`,
    )
  }
  obj.metadata = { ...obj.metadata }
  // kube-apiserver clears the namespace of a cluster-scoped object (a Namespace) rather than refusing it.
  if (isClusterScoped(kind)) delete obj.metadata.namespace
  else if (obj.metadata.namespace === undefined || obj.metadata.namespace === '') obj.metadata.namespace = ns
  else if (obj.metadata.namespace !== ns) {
    throw badRequest(
      `the namespace of the provided object (${obj.metadata.namespace}) does not match the namespace sent on the request (${ns})`,
      'Leave metadata.namespace out, or send the object to its own namespace',
    )
  }
  if (name !== undefined && obj.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      'PUT an object to its own path',
    )
  }
  return obj as AnyObject
}

function listResponse(c: Context, kind: Kind, namespace: string | undefined, deps: ObjectRouteDeps): Response {
  const fields = parseFieldSelector(c.req.query('fieldSelector'))
  const labelSelector = c.req.query('labelSelector') || undefined
  const opts = { ...(namespace !== undefined ? { namespace } : {}), ...(labelSelector ? { labelSelector } : {}) }
  if (truthy(c.req.query('watch'))) {
    let resourceVersion = c.req.query('resourceVersion') || undefined
    const timeoutSeconds = intParam(c, 'timeoutSeconds')
    // client-go's watch-list: the current objects as ADDED events, then a bookmark saying they
    // are all there, then the changes after that list.
    let initial: Array<{ type: string; object: unknown }> | undefined
    if (truthy(c.req.query('sendInitialEvents'))) {
      const start = watchListStart(deps.store.list(kind, opts), fields, { kind, apiVersion: apiVersionOf(kind) })
      resourceVersion = start.resourceVersion
      initial = start.initial
    }
    return watchResponse(deps.store, deps.clock, {
      kind,
      opts: { ...opts, ...(resourceVersion ? { resourceVersion } : {}) },
      fields,
      ...(timeoutSeconds ? { timeoutSeconds } : {}),
      signal: c.req.raw.signal,
      ...(wantsTable(c.req.header('accept')) ? { encode: tableEvents(kind, c, deps.clock) } : {}),
      ...(initial ? { initial } : {}),
    })
  }
  const list = deps.store.list(kind, opts)
  const limit = intParam(c, 'limit')
  const continueToken = c.req.query('continue') || undefined
  const paged = page(
    list.items.filter((o) => matchesFields(o, fields)),
    { ...(limit ? { limit } : {}), ...(continueToken ? { continue: continueToken } : {}) },
  )
  const metadata = {
    resourceVersion: list.resourceVersion,
    ...(paged.continue ? { continue: paged.continue, remainingItemCount: paged.remainingItemCount } : {}),
  }
  if (wantsTable(c.req.header('accept'))) {
    const include = includeObjectParam(c.req.query('includeObject'))
    return tableJson(c, toTable(kind, paged.items, deps.clock.now(), include, metadata))
  }
  return c.json({ apiVersion: apiVersionOf(kind), kind: `${kind}List`, metadata, items: paged.items })
}

/** Watch events as one-row Tables, the columns named in the first only (as kube-apiserver sends them). */
function tableEvents(kind: Kind, c: Context, clock: Clock) {
  const include = includeObjectParam(c.req.query('includeObject'))
  return (object: unknown, first: boolean): unknown => {
    const obj = object as AnyObject
    const table = toTable(kind, [obj], clock.now(), include, { resourceVersion: obj.metadata.resourceVersion })
    return first ? table : { ...table, columnDefinitions: [] }
  }
}

function tableJson(c: Context, table: Table): Response {
  return c.body(JSON.stringify(table), 200, { 'content-type': TABLE_CONTENT_TYPE })
}

/** One object, or (when kubectl asks for it) its one-row Table. */
function objectResponse(c: Context, kind: Kind, obj: AnyObject, clock: Clock): Response {
  if (!wantsTable(c.req.header('accept'))) return c.json(obj)
  const include = includeObjectParam(c.req.query('includeObject'))
  return tableJson(c, toTable(kind, [obj], clock.now(), include, { resourceVersion: obj.metadata.resourceVersion }))
}

/**
 * `?fieldValidation=`: Baton validates strictly whatever is asked, because a field it does not
 * honour is refused rather than dropped; the value must still be one kube-apiserver accepts.
 */
function checkFieldValidation(c: Context): void {
  const v = c.req.query('fieldValidation')
  if (v === undefined || v === 'Strict' || v === 'Warn' || v === 'Ignore') return
  throw badRequest(
    `fieldValidation must be one of "Ignore", "Warn" or "Strict", not "${v}"`,
    'Leave fieldValidation out, or pass Strict',
  )
}

/** `?dryRun=All` (kubectl's --dry-run=server): admitted and warned about, not stored. */
const dryRun = (c: Context): boolean => c.req.query('dryRun') === 'All'

/** Kubernetes' warning headers (RFC 7234 warn-code 299, agent "-"), which kubectl prints on stderr. */
function warn(c: Context, warnings: readonly string[]): void {
  for (const w of warnings) c.header('Warning', `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`, { append: true })
}

export function registerObjectRoutes(app: Hono, deps: ObjectRouteDeps): void {
  // Cluster-scoped kinds first (Namespace): /api/v1/namespaces/{name} is one of them, not a
  // namespace's collection.
  for (const kind of KINDS.filter(isClusterScoped)) {
    const base = resourcePath(kind)
    registerKindRoutes(
      app,
      deps,
      { collection: base, one: `${base}/:name`, clusterScoped: true },
      () => kind,
      () => '',
    )
  }
  for (const { group, base } of BASES) {
    app.get(`${base}/:resource`, (c) => listResponse(c, kindOf(c, group), undefined, deps))
    const paths = { collection: `${base}/namespaces/:ns/:resource`, one: `${base}/namespaces/:ns/:resource/:name` }
    registerKindRoutes(app, deps, paths, (c) => kindOf(c, group), ns)
    registerScaleRoutes(app, `${paths.one}/scale`, group, deps.store, deps.limits)
  }
}

/** The routes of one kind (cluster-scoped) or of one group's namespaced kinds, by the path's kind and namespace. */
function registerKindRoutes(
  app: Hono,
  deps: ObjectRouteDeps,
  paths: { collection: string; one: string; clusterScoped?: boolean },
  kindOf: (c: Context) => Kind,
  ns: (c: Context) => string,
): void {
  const { store } = deps
  const { collection, one } = paths
  app.get(collection, (c) => listResponse(c, kindOf(c), ns(c) || undefined, deps))

  app.post(collection, async (c) => {
    const kind = kindOf(c)
    checkFieldValidation(c)
    const admitted = await admitWith(c, checkBody(await readObject(c), kind, ns(c)), deps)
    const obj = bindToNode(admitCreateInNamespace(store, admitted, dryRun(c)))
    warn(c, warningsFor(obj, deps))
    if (dryRun(c)) return c.json(obj, 201)
    return c.json(store.create(obj), 201)
  })

  app.get(one, (c) => {
    const kind = kindOf(c)
    return objectResponse(c, kind, getOr404(store, kind, ns(c), name(c)), deps.clock)
  })

  app.put(one, async (c) => {
    const kind = kindOf(c)
    checkFieldValidation(c)
    const obj = await admitWith(
      c,
      checkBody(await readObject(c), kind, ns(c), name(c)),
      deps,
      store.get(kind, ns(c), name(c)),
    )
    warn(c, warningsFor(obj, deps))
    if (dryRun(c)) return c.json(obj)
    return c.json(store.update(obj))
  })

  app.patch(one, async (c) => {
    const kind = kindOf(c)
    if (isApplyPatch(c.req.header('content-type'))) {
      checkFieldValidation(c)
      const current = store.get(kind, ns(c), name(c))
      const applied = checkApplyRequest(await readObject(c), c.req.query('fieldManager'))
      const opts = { manager: c.req.query('fieldManager') ?? '', force: truthy(c.req.query('force')) }
      const obj = serverSideApply(current, applied, { ...opts, now: formatTimestamp(deps.clock.now()) })
      const admitted = await admitWith(c, checkBody(obj as unknown as KObject, kind, ns(c), name(c)), deps, current)
      warn(c, warningsFor(admitted, deps))
      if (current) return c.json(dryRun(c) ? admitted : store.update(admitted))
      const created = bindToNode(admitCreateInNamespace(store, admitted, dryRun(c)))
      return c.json(dryRun(c) ? created : store.create(created), 201)
    }
    const current = getOr404(store, kind, ns(c), name(c))
    checkFieldValidation(c)
    const patched = applyPatch(c.req.header('content-type'), current, await readJson(c))
    const obj = checkBody(patched, kind, ns(c), name(c))
    // A patch applies to what was read; a write in between is a conflict, not a lost update.
    obj.metadata.resourceVersion ??= current.metadata.resourceVersion
    const admitted = await admitWith(c, obj, deps, current)
    warn(c, warningsFor(admitted, deps))
    if (dryRun(c)) return c.json(admitted)
    return c.json(store.update(admitted))
  })

  app.delete(one, async (c) => {
    const kind = kindOf(c)
    const { dryRun: dry, ...opts } = deleteOptions(c, await readDeleteOptions(c))
    const current = getOr404(store, kind, ns(c), name(c))
    admitDelete(kind, name(c))
    if (dry) return c.json(current)
    return c.json(store.delete(kind, ns(c), name(c), opts))
  })

  // kube-apiserver serves no deletecollection of Namespaces either.
  if (!paths.clusterScoped) {
    app.delete(collection, async (c) =>
      c.json(deleteCollection(c, store, kindOf(c), ns(c), await readDeleteOptions(c))),
    )
  }

  app.get(`${one}/status`, (c) => c.json(getOr404(store, kindOf(c), ns(c), name(c))))
  app.put(`${one}/status`, async (c) => {
    const kind = kindOf(c)
    const obj = checkBody(await readObject(c), kind, ns(c), name(c))
    getOr404(store, kind, ns(c), name(c))
    return c.json(store.updateStatus(obj))
  })
}
