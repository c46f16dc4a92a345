/**
 * @module
 * A load balancer worker: `node src/proxy/worker.ts --data-dir DIR --parent-pid P
 * [--orphan-max-wait-ms N]`, started by proxy/cluster.ts over an IPC channel. Its own entry
 * point so that it loads only the data plane, not the control API: a replacement proxy's
 * workers are what must listen soon after the old proxy died.
 */
import { parseArgs } from 'node:util'
import { createLogger } from '../platform/logger.ts'
import { runWorker } from './cluster.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    'data-dir': { type: 'string' },
    'parent-pid': { type: 'string' },
    'orphan-max-wait-ms': { type: 'string' },
    help: { type: 'boolean' },
  },
})
const orphanMaxWait = values['orphan-max-wait-ms']
if (values.help) process.stdout.write('usage: worker.ts --data-dir DIR --parent-pid P (started by the load balancer)\n')
else
  runWorker({
    dataDir: values['data-dir'] ?? '',
    parentPid: Number(values['parent-pid']),
    ...(orphanMaxWait !== undefined ? { orphanMaxWaitMs: Number(orphanMaxWait) } : {}),
    logger: createLogger({}, { component: 'proxy-worker', pid: process.pid }),
  })
