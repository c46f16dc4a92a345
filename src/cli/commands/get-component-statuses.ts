/**
 * @module
 * `baton get componentstatuses` (`cs`): the health of the daemon's own parts, as
 * `kubectl get componentstatuses` prints it (NAME STATUS MESSAGE ERROR). The one part
 * reported is the load balancer: Healthy is False while the daemon replaces it.
 */
import { componentHealthy, type ComponentStatus } from '../../api/component-status.ts'
import { stringify } from 'yaml'
import { table } from '../printers/tabwriter.ts'
import type { OutputFormat } from './output.ts'

export const COMPONENT_STATUS_NAMES: readonly string[] = ['componentstatuses', 'componentstatus', 'cs']

export function printComponentStatuses(items: readonly ComponentStatus[], format: OutputFormat): string {
  const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }
  switch (format) {
    case 'json':
      return `${JSON.stringify(list, null, 4)}\n`
    case 'yaml':
      return stringify(list)
    case 'name':
      return items.map((cs) => `componentstatus/${cs.metadata.name}\n`).join('')
  }
  const rows = items.map((cs) => {
    const c = cs.conditions.find((x) => x.type === 'Healthy')
    const status = componentHealthy(cs) ? 'Healthy' : c?.status === 'False' ? 'Unhealthy' : 'Unknown'
    return [cs.metadata.name, status, componentHealthy(cs) ? (c?.message ?? 'ok') : '', c?.error ?? '']
  })
  return table([['NAME', 'STATUS', 'MESSAGE', 'ERROR'], ...rows])
}
