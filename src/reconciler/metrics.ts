/**
 * @module
 * Reconcile outcomes per controller, counted as controller-runtime counts them
 * (`controller_runtime_reconcile_total{controller, result}`, pkg/internal/controller/metrics),
 * kept in memory and rendered in Prometheus' text exposition format.
 *
 * | the reconcile                  | result          |
 * | ------------------------------ | --------------- |
 * | throws (terminal or not)       | `error`         |
 * | returns `requeue: true`        | `requeue`       |
 * | returns `requeueAfterMs`       | `requeue_after` |
 * | returns nothing else           | `success`       |
 *
 * @example
 * const counts = newReconcileCounts()
 * counts.success++
 * renderReconcileTotals([{ controller: 'deployment-controller', counts }])
 * // controller_runtime_reconcile_total{controller="deployment-controller",result="success"} 1 …
 */

export const RECONCILE_RESULTS = ['success', 'error', 'requeue', 'requeue_after'] as const
export type ReconcileOutcome = (typeof RECONCILE_RESULTS)[number]
export type ReconcileCounts = Record<ReconcileOutcome, number>

export const RECONCILE_TOTAL = 'controller_runtime_reconcile_total'

export function newReconcileCounts(): ReconcileCounts {
  return { success: 0, error: 0, requeue: 0, requeue_after: 0 }
}

/** Prometheus text format: one HELP/TYPE header, one sample per controller and result (zeros included). */
export function renderReconcileTotals(rows: ReadonlyArray<{ controller: string; counts: ReconcileCounts }>): string {
  const lines = [
    `# HELP ${RECONCILE_TOTAL} Total number of reconciliations per controller`,
    `# TYPE ${RECONCILE_TOTAL} counter`,
  ]
  for (const { controller, counts } of rows) {
    for (const result of RECONCILE_RESULTS) {
      lines.push(`${RECONCILE_TOTAL}{controller="${escapeLabel(controller)}",result="${result}"} ${counts[result]}`)
    }
  }
  return `${lines.join('\n')}\n`
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
