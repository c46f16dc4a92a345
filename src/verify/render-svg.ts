/**
 * @module
 * The verification chart: for each second of the run, a column stacked by the share of ok
 * answers each version gave (so a rollout reads as one colour giving way to another), and
 * under it a strip of red marks where requests failed. One self-contained SVG string. Pure.
 */
import type { VerifyReport } from './report.ts'

const WIDTH = 800
const HEIGHT = 300
const LEFT = 48
const RIGHT = 16
const TOP = 40
const PLOT_H = 180
const STRIP_Y = TOP + PLOT_H + 8
const STRIP_H = 14
const PALETTE = ['#4e79a7', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#bab0ac']
const FAIL = '#d62728'

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const f1 = (n: number) => Number(n.toFixed(1))

export function renderSvg(r: VerifyReport): string {
  const plotW = WIDTH - LEFT - RIGHT
  const n = Math.max(1, r.buckets.length)
  const colW = plotW / n
  const colour = new Map(Object.keys(r.versions).map((v, i) => [v, PALETTE[i % PALETTE.length] as string]))
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(`${r.url}: ${r.total} requests, ${r.failed} failed`)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${LEFT}" y="16" font-size="13">${esc(`${r.url}  ${r.total} requests, ${r.failed} failed`)}</text>`,
  ]

  // Legend: versions in order of first appearance, then failures.
  let lx = LEFT
  for (const [v, c] of colour) {
    out.push(
      `<rect x="${lx}" y="24" width="10" height="10" fill="${c}"/>`,
      `<text x="${lx + 14}" y="33">${esc(v)}</text>`,
    )
    lx += 24 + 7 * v.length
  }
  out.push(`<rect x="${lx}" y="24" width="3" height="10" fill="${FAIL}"/>`, `<text x="${lx + 8}" y="33">failed</text>`)

  // Share of versions per second.
  out.push(`<g shape-rendering="crispEdges">`)
  for (const b of r.buckets) {
    const x = f1(LEFT + b.second * colW)
    let y = TOP + PLOT_H
    for (const [v, share] of Object.entries(b.versions)) {
      const h = f1(share * PLOT_H)
      y -= h
      out.push(`<rect x="${x}" y="${f1(y)}" width="${f1(colW)}" height="${h}" fill="${colour.get(v) ?? '#888'}"/>`)
    }
  }
  out.push(`</g>`)

  // Failures: one mark per failing second, taller the larger that second's failed share.
  for (const b of r.buckets) {
    if (b.failed === 0) continue
    const h = f1(Math.max(3, (STRIP_H * b.failed) / b.total))
    out.push(
      `<rect x="${f1(LEFT + b.second * colW)}" y="${f1(STRIP_Y + STRIP_H - h)}" width="${f1(Math.max(2, colW))}" height="${h}" fill="${FAIL}"><title>${b.failed} of ${b.total} failed in second ${b.second}</title></rect>`,
    )
  }

  // Axes: share on the left, seconds below, about 10 labels.
  out.push(
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + PLOT_H}" stroke="#333"/>`,
    `<line x1="${LEFT}" y1="${TOP + PLOT_H}" x2="${WIDTH - RIGHT}" y2="${TOP + PLOT_H}" stroke="#333"/>`,
    `<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">100%</text>`,
    `<text x="${LEFT - 6}" y="${TOP + PLOT_H / 2 + 4}" text-anchor="end">50%</text>`,
    `<text x="${LEFT - 6}" y="${TOP + PLOT_H + 4}" text-anchor="end">0%</text>`,
  )
  const step = Math.max(1, Math.ceil(n / 10))
  for (let s = 0; s <= n; s += step) {
    out.push(`<text x="${f1(LEFT + s * colW)}" y="${STRIP_Y + STRIP_H + 16}" text-anchor="middle">${s}s</text>`)
  }
  out.push(`</svg>`)
  return `${out.join('\n')}\n`
}
