/**
 * @module
 * The phase figures of a rollout under load, cut from the load generator's per-request records
 * exactly as the peers' Swarm harness cuts them (`../shared/peers/swarm/scenario.mjs` beside the checkout,
 * `stats` and `phaseFigures`), so Baton's figures and Swarm's can stand in one table. Pure.
 */

/** One CSV line of peers/common/loadgen.mjs --records: start (epoch ms), latency, outcome, version. */
export interface LoadRecord {
  t: number
  l: number
  /** HTTP status or error code ("ECONNRESET", "timeout"). */
  o: string
  v: string
}

export interface Stats {
  requests: number
  ok: number
  failed: number
  errors: Record<string, number>
  p50_ms: number | null
  p99_ms: number | null
  max_ms: number | null
}

export interface Phase {
  /** When the command was issued (epoch ms). */
  t0: number
  /** When the command returned. */
  tCmd: number
  /** When Baton reported the rollout done (`rollout status` exited 0); null if it never did. */
  tDone: number | null
}

export interface PhaseFigures extends Stats {
  rollout_s: number | null
  cli_s: number | null
  first_new_version_s: number | null
  last_old_version_s: number | null
  failures_first_s: number | null
  failures_last_s: number | null
}

export function parseRecords(csv: string): LoadRecord[] {
  return csv
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [t, l, o, v] = line.split(',')
      return { t: Number(t), l: Number(l), o: o ?? '', v: v ?? '' }
    })
}

/** Nearest rank, as scenario.mjs's pct: p99 of 200 values is the 198th. */
function pct(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return +sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!.toFixed(2)
}

const isOk = (o: string) => /^2\d\d$/.test(o)

/** Requests started in [from, to); latency over 2xx answers started before latTo. */
export function stats(recs: readonly LoadRecord[], from: number, to: number, latTo = to): Stats {
  const sel = recs.filter((r) => r.t >= from && r.t < to)
  const errors: Record<string, number> = {}
  const lat: number[] = []
  let ok = 0
  for (const r of sel) {
    if (isOk(r.o)) {
      ok++
      if (r.t < latTo) lat.push(r.l)
    } else errors[r.o] = (errors[r.o] ?? 0) + 1
  }
  lat.sort((a, b) => a - b)
  return {
    requests: sel.length,
    ok,
    failed: sel.length - ok,
    errors,
    p50_ms: pct(lat, 50),
    p99_ms: pct(lat, 99),
    max_ms: pct(lat, 100),
  }
}

/**
 * A phase runs from its command to the next command (`until`): the requests and failures of
 * the rollout and its settle time; latency only up to the rollout's end.
 */
export function phaseFigures(
  recs: readonly LoadRecord[],
  ph: Phase,
  until: number,
  newVer: string,
  oldVer: string,
): PhaseFigures {
  const rel = (t: number | null | undefined) => (t == null ? null : +((t - ph.t0) / 1000).toFixed(2))
  const inPhase = recs.filter((r) => r.t >= ph.t0 && r.t < until)
  const okInPhase = inPhase.filter((r) => isOk(r.o))
  const failedAt = inPhase.filter((r) => !isOk(r.o)).map((r) => r.t)
  return {
    ...stats(recs, ph.t0, until, ph.tDone ?? until),
    rollout_s: rel(ph.tDone),
    cli_s: rel(ph.tCmd),
    first_new_version_s: rel(okInPhase.find((r) => r.v === newVer)?.t),
    last_old_version_s: rel(okInPhase.findLast((r) => r.v === oldVer)?.t),
    failures_first_s: rel(failedAt[0]),
    failures_last_s: rel(failedAt.at(-1)),
  }
}

export function median(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b)
  if (v.length === 0) return null
  return v.length % 2 ? v[(v.length - 1) / 2]! : +((v[v.length / 2 - 1]! + v[v.length / 2]!) / 2).toFixed(3)
}
