/**
 * @module
 * Per-revision traffic, polled from /apis/baton.dev/v1/traffic every second and drawn as SVG
 * lines over the last minute: requests per second by revision, with each revision's image, its
 * share of the traffic, latest error rate and p99 beside it. During a rollout one line falls as the other rises.
 */
import { useEffect, useState } from 'preact/hooks'
import type { TrafficMetrics } from '../../proxy/types.ts'
import { api } from './api.ts'
import { revisionColour } from './revision-colour.ts'
import { latencyText, trafficShares, trafficWindow, type RevisionRate } from './traffic-window.ts'
import { DataTable } from './data-table.tsx'

const WINDOW = 60
const W = 600
const H = 150

export interface Sample {
  rates: Map<string, RevisionRate>
}

export function useTraffic(): { samples: Sample[]; error?: string } {
  const [state, setState] = useState<{ samples: Sample[]; error?: string }>({ samples: [] })
  useEffect(() => {
    let prev: { m: TrafficMetrics; at: number } | undefined
    let stopped = false
    const tick = async () => {
      try {
        const m = (await api.traffic()) as TrafficMetrics
        const at = performance.now()
        if (prev && !stopped) {
          const rates = trafficWindow(prev.m, m, (at - prev.at) / 1000)
          setState((s) => ({ samples: [...s.samples, { rates }].slice(-WINDOW) }))
        }
        prev = { m, at }
      } catch (err) {
        if (!stopped) setState((s) => ({ ...s, error: (err as Error).message }))
      }
    }
    void tick()
    const t = setInterval(() => void tick(), 1000)
    return () => {
      stopped = true
      clearInterval(t)
    }
  }, [])
  return state
}

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)}%`

export interface TrafficRevision {
  hash: string
  revision: number
  image: string
}

/** The chart with its own poll of the load balancer's figures. */
export function TrafficChart(props: { revisions: TrafficRevision[] }) {
  const { samples, error } = useTraffic()
  return <TrafficView revisions={props.revisions} samples={samples} {...(error ? { error } : {})} />
}

/** The chart over samples polled by the caller (the Rollout page measures its canary's share from the same ones). */
export function TrafficView(props: { revisions: TrafficRevision[]; samples: Sample[]; error?: string }) {
  const { samples, error } = props
  const series = props.revisions.map(({ hash, revision, image }) => ({
    hash,
    revision,
    image,
    points: samples.map((s) => s.rates.get(hash)),
  }))
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p?.rps ?? 0)))
  const top = niceCeil(max)
  const x = (i: number) => W - (samples.length - 1 - i) * (W / (WINDOW - 1))
  const y = (v: number) => H - (v / top) * H
  const latest = samples[samples.length - 1]
  const shares = latest ? trafficShares(latest.rates) : new Map<string, number>()
  return (
    <div class="traffic">
      {error && <p class="muted">Traffic unavailable: {error}</p>}
      <figure>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`Requests per second by revision over the last minute; scale 0 to ${top}`}
        >
          {[0.25, 0.5, 0.75].map((f) => (
            <line key={f} x1="0" x2={W} y1={H * f} y2={H * f} class="grid" />
          ))}
          {series.map((s) => {
            const pts = s.points.map((p, i) => `${x(i).toFixed(1)},${y(p?.rps ?? 0).toFixed(1)}`)
            return pts.length > 1 ? (
              <polyline
                key={s.hash}
                points={pts.join(' ')}
                fill="none"
                stroke={revisionColour(s.revision)}
                stroke-width="2"
                vector-effect="non-scaling-stroke"
              />
            ) : null
          })}
        </svg>
        <figcaption class="axis">
          <span>{top} req/s</span>
          <span>last 60 s</span>
        </figcaption>
      </figure>
      {/* Five columns are wider than a phone: the table scrolls in its own box, not the page. */}
      <DataTable
        class="rates"
        caption="Traffic in the last second, by revision"
        hiddenCaption
        scrollLabel="Traffic by revision"
        columns={['Revision', 'Share', 'Requests/s', 'Errors', 'p99']}
      >
        {series.map((s) => {
          const r = latest?.rates.get(s.hash)
          const share = shares.get(s.hash)
          return (
            <tr key={s.hash} data-traffic-revision={s.revision}>
              <th scope="row">
                <span class="swatch" style={{ background: revisionColour(s.revision) }} aria-hidden="true" />
                rev {s.revision} <span class="mono muted">{s.image}</span>
              </th>
              <td class="num" data-traffic-share>
                {share !== undefined ? `${Math.round(share * 100)}%` : '–'}
              </td>
              <td class="num">{r ? r.rps.toFixed(0) : '–'}</td>
              <td class={`num${r && r.errorRate > 0 ? ' bad' : ''}`}>{r ? pct(r.errorRate) : '–'}</td>
              <td class="num">{latencyText(r?.p99Ms)}</td>
            </tr>
          )
        })}
      </DataTable>
    </div>
  )
}

/** 1, 2, 5 × 10^n at or above `v`, so the axis reads in round numbers. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v))
  return [1, 2, 5, 10].map((m) => m * p).find((n) => n >= v) ?? 10 * p
}
