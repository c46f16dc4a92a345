/**
 * @module
 * The fleet's front load balancer as an HAProxy the user runs (`frontLoadBalancer.haproxy`),
 * driven through its runtime API (https://docs.haproxy.org/2.6/management.html#9.3): one
 * command per connection, answered and closed. The backend has one `server` per target, named
 * after it. Drain is `set server BACKEND/NAME state drain` (no new requests; HAProxy's own
 * health checks go on), then `show stat` until the server's current sessions (`scur`) are 0 or
 * the drain timeout passes; add is `set weight BACKEND/NAME W` then `state ready`. Health is
 * HAProxy's own (its `check` lines), read back from `show stat`.
 */
import net from 'node:net'
import { isAbsolute, resolve } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import type { FrontPort } from './coordinator.ts'
import type { TargetState } from './front.ts'
import type { Fleet, HaproxyFront } from './types.ts'

const POLL_MS = 100
const COMMAND_TIMEOUT_MS = 5000

/** One runtime API command: its answer, the whole text HAProxy wrote before it closed. */
export function haproxyCommand(socket: string, command: string): Promise<string> {
  const hostPort = /^([^/:]+):(\d+)$/.exec(socket)
  return new Promise((done, fail) => {
    const conn = hostPort ? net.connect(Number(hostPort[2]), hostPort[1]) : net.connect(socket)
    let answer = ''
    conn.setEncoding('utf8')
    conn.setTimeout(COMMAND_TIMEOUT_MS, () => conn.destroy(new Error(`no answer in ${COMMAND_TIMEOUT_MS / 1000} s`)))
    conn.on('connect', () => conn.write(`${command}\n`))
    conn.on('data', (c: string) => (answer += c))
    conn.on('error', (err) =>
      fail(
        new BatonError('BATON_FLEET_HAPROXY', `HAProxy's runtime API at ${socket} does not answer: ${err.message}`, {
          hint: 'Check spec.frontLoadBalancer.haproxy.socket, and that haproxy.cfg has `stats socket PATH level admin`',
          cause: err,
        }),
      ),
    )
    conn.on('end', () => done(answer))
  })
}

export interface HaproxyServer {
  name: string
  /** UP, DOWN, DRAIN, MAINT, "no check", ... with HAProxy's own transitions ("UP 1/3"). */
  status: string
  weight: number
  /** Sessions in flight now. */
  current: number
  total: number
  errors: number
  failedConnections: number
}

/** The servers of `backend` in `show stat`'s CSV. */
export function parseShowStat(csv: string, backend: string): HaproxyServer[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '')
  const header = (lines.shift() ?? '').replace(/^# /, '').split(',')
  const col = (row: string[], name: string) => row[header.indexOf(name)] ?? ''
  const num = (row: string[], name: string) => Number(col(row, name)) || 0
  return lines
    .map((l) => l.split(','))
    .filter((row) => col(row, 'pxname') === backend && !['FRONTEND', 'BACKEND'].includes(col(row, 'svname')))
    .map((row) => ({
      name: col(row, 'svname'),
      status: col(row, 'status'),
      weight: num(row, 'weight'),
      current: num(row, 'scur'),
      total: num(row, 'stot'),
      errors: num(row, 'eresp') + num(row, 'hrsp_5xx'),
      failedConnections: num(row, 'econ'),
    }))
}

export class HaproxyFrontClient implements FrontPort {
  readonly #fleet: Fleet
  readonly #h: HaproxyFront
  readonly #socket: string
  readonly #clock: Clock

  constructor(fleet: Fleet, h: HaproxyFront, baseDir: string, clock: Clock) {
    this.#fleet = fleet
    this.#h = h
    this.#socket = /^[^/:]+:\d+$/.test(h.socket) || isAbsolute(h.socket) ? h.socket : resolve(baseDir, h.socket)
    this.#clock = clock
  }

  async #run(command: string): Promise<void> {
    const answer = (await haproxyCommand(this.#socket, command)).trim()
    // A command that succeeds answers nothing; anything else is HAProxy's refusal.
    if (answer !== '')
      throw new BatonError('BATON_FLEET_HAPROXY', `HAProxy refused "${command}": ${answer}`, {
        hint: `Check that backend ${this.#h.backend} has a server named after each target, and that the socket has level admin`,
      })
  }

  /** The backend's servers; throws unless there is one per target. */
  async servers(): Promise<HaproxyServer[]> {
    const servers = parseShowStat(await haproxyCommand(this.#socket, 'show stat'), this.#h.backend)
    const missing = this.#fleet.spec.targets.filter((t) => !servers.some((s) => s.name === t.name)).map((t) => t.name)
    if (missing.length > 0)
      throw new BatonError(
        'BATON_FLEET_HAPROXY',
        `HAProxy's backend ${this.#h.backend} has no server named ${missing.join(', ')}`,
        {
          hint: `Add one \`server NAME host:port check\` line per target to backend ${this.#h.backend}, named as the fleet's targets are`,
        },
      )
    return servers
  }

  async drain(target: string): Promise<{ drained: boolean; inflight: number }> {
    await this.servers()
    await this.#run(`set server ${this.#h.backend}/${target} state drain`)
    const deadline = this.#clock.now() + this.#fleet.spec.frontLoadBalancer.drainTimeoutSeconds * 1000
    for (;;) {
      const inflight = (await this.servers()).find((s) => s.name === target)!.current
      if (inflight === 0) return { drained: true, inflight: 0 }
      if (this.#clock.now() >= deadline) return { drained: false, inflight }
      await this.#clock.sleep(POLL_MS)
    }
  }

  async add(target: string): Promise<void> {
    const t = this.#fleet.spec.targets.find((x) => x.name === target)
    await this.#run(`set weight ${this.#h.backend}/${target} ${t?.weight ?? 1}`)
    await this.#run(`set server ${this.#h.backend}/${target} state ready`)
  }

  async targets(): Promise<TargetState[]> {
    const servers = await this.servers()
    return this.#fleet.spec.targets.map((t) => {
      const s = servers.find((x) => x.name === t.name)!
      const drained = s.status.startsWith('DRAIN') || s.status.startsWith('MAINT')
      const healthy = s.status.startsWith('UP') || s.status.startsWith('DRAIN') || s.status === 'no check'
      return {
        name: t.name,
        address: `${t.service.host}:${t.service.port}`,
        weight: s.weight,
        tags: t.tags,
        drained,
        healthy,
        routed: healthy && !drained,
        inflight: s.current,
        requests: s.total,
        errors: s.errors,
        failedConnections: s.failedConnections,
      }
    })
  }
}
