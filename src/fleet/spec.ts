/**
 * @module
 * A Fleet manifest read and checked strictly (pure): every field Baton does not honour is
 * refused by name, every problem is listed at once with its field path, defaults are filled in.
 */
import {
  duplicate,
  type FieldError,
  forbidden,
  invalid,
  invalidObjectError,
  required,
  unknownField,
  unsupported,
} from '../api/field-errors.ts'
import { parseManifests } from '../api/manifest.ts'
import { BatonError } from '../errors/baton-error.ts'
import {
  type FailureAction,
  FLEET_API_VERSION,
  FLEET_KIND,
  type Fleet,
  type FleetTarget,
  type HaproxyFront,
  HOOK_NAMES,
  type Hooks,
  type TargetConnection,
} from './types.ts'

type Rec = Record<string, unknown>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const PERCENT = /^([0-9]+)%$/
const ACTIONS: readonly FailureAction[] = ['stop', 'rollback', 'continue']

/** Collects field errors while reading; each reader returns a usable value even when it complains. */
class Reader {
  readonly errs: FieldError[] = []

  /** The object at `path`, with every key outside `known` reported. */
  /** `known` null: any key (a map). */
  obj(v: unknown, path: string, known: readonly string[] | null, optional = false): Rec {
    if (v === undefined && optional) return {}
    if (!isRec(v)) {
      this.errs.push(v === undefined ? required(path) : invalid(path, v, 'must be an object'))
      return {}
    }
    if (known !== null)
      for (const k of Object.keys(v))
        if (!known.includes(k))
          this.errs.push(unknownField(`${path}.${k}`, `Known fields of ${path}: ${known.join(', ')}`))
    return v
  }

  str(v: unknown, path: string, dflt?: string): string {
    if (v === undefined && dflt !== undefined) return dflt
    if (typeof v === 'string' && v !== '') return v
    this.errs.push(v === undefined ? required(path) : invalid(path, v, 'must be a non-empty string'))
    return ''
  }

  int(v: unknown, path: string, min: number, max: number, dflt?: number): number {
    if (v === undefined && dflt !== undefined) return dflt
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v
    this.errs.push(v === undefined ? required(path) : invalid(path, v, `must be an integer from ${min} to ${max}`))
    return dflt ?? min
  }

  strings(v: unknown, path: string): string[] {
    if (v === undefined) return []
    if (Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '')) return v as string[]
    this.errs.push(invalid(path, v, 'must be a list of non-empty strings'))
    return []
  }
}

/** Parses fleet.yaml's text (one document). @throws BatonError BATON_MANIFEST_PARSE or BATON_INVALID. */
export function parseFleet(text: string, source = 'fleet.yaml'): Fleet {
  const docs = parseManifests(text, source)
  if (docs.length !== 1)
    throw new BatonError('BATON_INVALID', `${source} must hold exactly one Fleet, not ${docs.length} documents`, {
      hint: 'Put the Fleet alone in its file; the manifests it rolls out go in spec.manifests.',
    })
  return validateFleet(docs[0])
}

export function validateFleet(doc: unknown): Fleet {
  const r = new Reader()
  const top = r.obj(doc, '', ['apiVersion', 'kind', 'metadata', 'spec'])
  const name = typeof (top.metadata as Rec | undefined)?.name === 'string' ? String((top.metadata as Rec).name) : ''
  if (top.apiVersion !== FLEET_API_VERSION) r.errs.push(unsupported('apiVersion', top.apiVersion, [FLEET_API_VERSION]))
  if (top.kind !== FLEET_KIND) r.errs.push(unsupported('kind', top.kind, [FLEET_KIND]))
  const meta = r.obj(top.metadata, 'metadata', ['name'])
  const fleetName = r.str(meta.name, 'metadata.name')
  if (fleetName && !NAME.test(fleetName))
    r.errs.push(invalid('metadata.name', fleetName, 'must be lower-case letters, digits and "-" (a DNS label)'))

  const spec = r.obj(top.spec, 'spec', [
    'manifests',
    'artifacts',
    'targets',
    'frontLoadBalancer',
    'windowSize',
    'failurePolicy',
    'hooks',
    'rolloutTimeoutSeconds',
    'hookTimeoutSeconds',
  ])
  const manifests = r.strings(spec.manifests, 'spec.manifests')
  if (manifests.length === 0)
    r.errs.push(required('spec.manifests', 'the manifest files every target gets', 'e.g. manifests: [deploy.yaml]'))
  const artifacts: Record<string, string> = {}
  for (const [ref, dir] of Object.entries(r.obj(spec.artifacts, 'spec.artifacts', null, true))) {
    if (!/^[^:\s]+:[^:\s]+$/.test(ref))
      r.errs.push(invalid(`spec.artifacts.${ref}`, ref, 'the key must be NAME:TAG, as `baton push` takes it'))
    artifacts[ref] = r.str(dir, `spec.artifacts.${ref}`)
  }

  const targets = readTargets(r, spec.targets)
  const lb = r.obj(spec.frontLoadBalancer, 'spec.frontLoadBalancer', [
    'listen',
    'healthCheck',
    'drainTimeoutSeconds',
    'haproxy',
  ])
  const haproxy = lb.haproxy === undefined ? undefined : readHaproxy(r, lb)
  // Behind HAProxy, its own haproxy.cfg says where it listens and how it checks the targets.
  const listen = haproxy ? { host: '', port: 0 } : r.obj(lb.listen, 'spec.frontLoadBalancer.listen', ['host', 'port'])
  const hc = r.obj(
    lb.healthCheck,
    'spec.frontLoadBalancer.healthCheck',
    ['path', 'intervalSeconds', 'timeoutSeconds', 'unhealthyThreshold', 'healthyThreshold'],
    true,
  )
  const hcPath = r.str(hc.path, 'spec.frontLoadBalancer.healthCheck.path', '/')
  if (!hcPath.startsWith('/'))
    r.errs.push(invalid('spec.frontLoadBalancer.healthCheck.path', hcPath, 'must start with "/"'))

  const windowSize = readWindowSize(r, spec.windowSize)
  const fp = r.obj(spec.failurePolicy, 'spec.failurePolicy', ['action', 'maxFailedTargets'], true)
  const action = (fp.action ?? 'rollback') as FailureAction
  if (!ACTIONS.includes(action)) r.errs.push(unsupported('spec.failurePolicy.action', fp.action, ACTIONS))
  if (fp.maxFailedTargets !== undefined && action !== 'continue')
    r.errs.push(
      forbidden(
        'spec.failurePolicy.maxFailedTargets',
        `only used with action "continue", not "${action}"`,
        'Drop maxFailedTargets, or set action: continue',
      ),
    )
  const maxFailedTargets = r.int(
    fp.maxFailedTargets,
    'spec.failurePolicy.maxFailedTargets',
    0,
    10_000,
    action === 'continue' ? 1 : 0,
  )

  const hooksIn = r.obj(spec.hooks, 'spec.hooks', HOOK_NAMES, true)
  const hooks = Object.fromEntries(HOOK_NAMES.map((h) => [h, r.strings(hooksIn[h], `spec.hooks.${h}`)])) as Hooks

  const fleet: Fleet = {
    apiVersion: FLEET_API_VERSION,
    kind: FLEET_KIND,
    metadata: { name: fleetName },
    spec: {
      manifests,
      artifacts,
      targets,
      frontLoadBalancer: {
        ...(haproxy ? { haproxy } : {}),
        listen: haproxy
          ? { host: '', port: 0 }
          : {
              host: r.str(listen.host, 'spec.frontLoadBalancer.listen.host', '127.0.0.1'),
              port: r.int(listen.port, 'spec.frontLoadBalancer.listen.port', 1, 65535),
            },
        healthCheck: {
          path: hcPath,
          intervalSeconds: r.int(hc.intervalSeconds, 'spec.frontLoadBalancer.healthCheck.intervalSeconds', 1, 3600, 2),
          timeoutSeconds: r.int(hc.timeoutSeconds, 'spec.frontLoadBalancer.healthCheck.timeoutSeconds', 1, 3600, 1),
          unhealthyThreshold: r.int(
            hc.unhealthyThreshold,
            'spec.frontLoadBalancer.healthCheck.unhealthyThreshold',
            1,
            100,
            2,
          ),
          healthyThreshold: r.int(
            hc.healthyThreshold,
            'spec.frontLoadBalancer.healthCheck.healthyThreshold',
            1,
            100,
            1,
          ),
        },
        drainTimeoutSeconds: r.int(lb.drainTimeoutSeconds, 'spec.frontLoadBalancer.drainTimeoutSeconds', 0, 3600, 30),
      },
      windowSize,
      failurePolicy: { action, maxFailedTargets },
      hooks,
      rolloutTimeoutSeconds: r.int(spec.rolloutTimeoutSeconds, 'spec.rolloutTimeoutSeconds', 1, 86_400, 300),
      hookTimeoutSeconds: r.int(spec.hookTimeoutSeconds, 'spec.hookTimeoutSeconds', 1, 86_400, 60),
    },
  }
  if (r.errs.length > 0) throw invalidObjectError(FLEET_KIND, name, r.errs)
  return fleet
}

function readHaproxy(r: Reader, lb: Rec): HaproxyFront {
  const h = r.obj(lb.haproxy, 'spec.frontLoadBalancer.haproxy', ['socket', 'backend'])
  for (const f of ['listen', 'healthCheck'])
    if (lb[f] !== undefined)
      r.errs.push(
        forbidden(
          `spec.frontLoadBalancer.${f}`,
          'HAProxy listens and checks the targets as its own haproxy.cfg says',
          `Drop ${f}, or drop haproxy to use Baton's own front load balancer`,
        ),
      )
  return {
    socket: r.str(h.socket, 'spec.frontLoadBalancer.haproxy.socket'),
    backend: r.str(h.backend, 'spec.frontLoadBalancer.haproxy.backend'),
  }
}

function readTargets(r: Reader, v: unknown): FleetTarget[] {
  if (!Array.isArray(v) || v.length === 0) {
    r.errs.push(
      v === undefined
        ? required('spec.targets', 'at least one target')
        : invalid('spec.targets', v, 'must be a non-empty list'),
    )
    return []
  }
  const seen = new Set<string>()
  const services = new Set<string>()
  return v.map((t, i) => {
    const p = `spec.targets[${i}]`
    const o = r.obj(t, p, ['name', 'connection', 'service', 'tags', 'weight'])
    const name = r.str(o.name, `${p}.name`)
    if (name && !NAME.test(name)) r.errs.push(invalid(`${p}.name`, name, 'must be a DNS label (a-z, 0-9, "-")'))
    if (seen.has(name)) r.errs.push(duplicate(`${p}.name`, name))
    seen.add(name)
    const svc = r.obj(o.service, `${p}.service`, ['host', 'port'])
    const service = {
      host: r.str(svc.host, `${p}.service.host`, '127.0.0.1'),
      port: r.int(svc.port, `${p}.service.port`, 1, 65535),
    }
    const key = `${service.host}:${service.port}`
    if (services.has(key)) r.errs.push(duplicate(`${p}.service`, key, 'Each target serves on its own address'))
    services.add(key)
    return {
      name,
      connection: readConnection(r, o.connection, `${p}.connection`),
      service,
      tags: r.strings(o.tags, `${p}.tags`),
      weight: r.int(o.weight, `${p}.weight`, 1, 100, 1),
    }
  })
}

function readConnection(r: Reader, v: unknown, p: string): TargetConnection {
  const o = r.obj(v, p, ['server', 'token', 'tokenFile', 'kubeconfig', 'context'])
  const hint = 'Give either server (+ token or tokenFile) or kubeconfig + context'
  if (o.kubeconfig !== undefined || o.context !== undefined) {
    for (const k of ['server', 'token', 'tokenFile'])
      if (o[k] !== undefined) r.errs.push(forbidden(`${p}.${k}`, 'may not be set together with kubeconfig', hint))
    return { kubeconfig: r.str(o.kubeconfig, `${p}.kubeconfig`), context: r.str(o.context, `${p}.context`) }
  }
  const server = r.str(o.server, `${p}.server`)
  if (server && !/^https?:\/\/[^/]+\/?$/.test(server))
    r.errs.push(invalid(`${p}.server`, server, 'must be an http:// or https:// origin', 'e.g. http://127.0.0.1:7071'))
  if (o.token !== undefined && o.tokenFile !== undefined)
    r.errs.push(forbidden(`${p}.tokenFile`, 'may not be set together with token', hint))
  const out: TargetConnection = { server: server.replace(/\/$/, '') }
  if (o.token !== undefined) out.token = r.str(o.token, `${p}.token`)
  if (o.tokenFile !== undefined) out.tokenFile = r.str(o.tokenFile, `${p}.tokenFile`)
  return out
}

function readWindowSize(r: Reader, v: unknown): number | string {
  if (v === undefined) return 1
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v
  if (typeof v === 'string') {
    const m = PERCENT.exec(v)
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= 100) return v
  }
  r.errs.push(
    invalid(
      'spec.windowSize',
      v,
      'must be a whole number of targets (at least 1) or a percentage from 1% to 100%',
      'e.g. windowSize: 1 or windowSize: "50%"',
    ),
  )
  return 1
}
