/**
 * @module
 * Namespaces, read-only: in Baton a namespace exists while an object is in it (and `default`
 * always), so `kubectl get namespaces` lists those, each Active, aged by its oldest object.
 * Creating or deleting one is refused with 405 MethodNotAllowed: objects create their namespace,
 * and deleting its objects empties it.
 *
 *   GET /api/v1/namespaces          NamespaceList (or a Table: NAME, STATUS, AGE)
 *   GET /api/v1/namespaces/{name}   Namespace, or 404
 */
import type { Context, Hono } from 'hono'
import { age } from '../../api/age.ts'
import { KINDS } from '../../api/resources.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { Clock } from '../../platform/clock.ts'
import type { ObjectStore } from '../../store/types.ts'
import { includeObjectParam, TABLE_CONTENT_TYPE, wantsTable } from './table.ts'

interface Namespace {
  apiVersion: 'v1'
  kind: 'Namespace'
  metadata: { name: string; creationTimestamp?: string }
  spec: { finalizers: string[] }
  status: { phase: 'Active' }
}

export function namespaces(store: ObjectStore): Namespace[] {
  const oldest = new Map<string, string | undefined>([['default', undefined]])
  for (const kind of KINDS) {
    for (const o of store.list(kind).items) {
      const ns = o.metadata.namespace ?? 'default'
      const t = o.metadata.creationTimestamp
      const seen = oldest.get(ns)
      if (!oldest.has(ns) || (t && (!seen || t < seen))) oldest.set(ns, t)
    }
  }
  return [...oldest.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, t]) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, ...(t ? { creationTimestamp: t } : {}) },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    }))
}

function table(c: Context, items: Namespace[], now: number): Response {
  const include = includeObjectParam(c.req.query('includeObject'))
  const col = (name: string, format = '') => ({ name, type: 'string', format, description: '', priority: 0 })
  const body = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [col('Name', 'name'), col('Status'), col('Age')],
    rows: items.map((n) => ({
      cells: [n.metadata.name, n.status.phase, age(n.metadata.creationTimestamp, now)],
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object'
                ? n
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: n.metadata },
          }),
    })),
  }
  return c.body(JSON.stringify(body), 200, { 'content-type': TABLE_CONTENT_TYPE })
}

const refused = () =>
  new BatonError('BATON_BAD_REQUEST', 'namespaces cannot be created or deleted in Baton: they are implicit', {
    httpStatus: 405,
    hint: 'Create objects with metadata.namespace (or -n NAME) and the namespace exists; delete its objects to empty it',
  })

export function registerNamespaceRoutes(app: Hono, store: ObjectStore, clock: Clock): void {
  app.get('/api/v1/namespaces', (c) => {
    const items = namespaces(store)
    if (wantsTable(c.req.header('accept'))) return table(c, items, clock.now())
    return c.json({ apiVersion: 'v1', kind: 'NamespaceList', metadata: {}, items })
  })
  app.get('/api/v1/namespaces/:name', (c) => {
    const name = c.req.param('name')
    const found = namespaces(store).find((n) => n.metadata.name === name)
    if (!found) {
      throw new BatonError('BATON_NOT_FOUND', `namespaces "${name}" not found`, {
        hint: 'A namespace exists while an object is in it; list them with `kubectl get namespaces`',
        subject: { kind: 'namespaces', name },
      })
    }
    if (wantsTable(c.req.header('accept'))) return table(c, [found], clock.now())
    return c.json(found)
  })
  app.post('/api/v1/namespaces', () => {
    throw refused()
  })
  for (const method of ['put', 'patch', 'delete'] as const) {
    app[method]('/api/v1/namespaces/:name', () => {
      throw refused()
    })
  }
}
