// A stand-in daemon for the kill -9 test: opens the SQLite store at argv[2], runs a process
// node agent on the data dir argv[3] with the artifact store argv[4], creates pod argv[5]
// from the JSON in argv[6], prints "ready" once the pod is Ready, then idles until killed.
import { openArtifactStore } from '../../../artifacts/artifact-store.ts'
import { systemClock } from '../../../platform/clock.ts'
import { randomIds } from '../../../platform/ids.ts'
import { openSqliteStore } from '../../../store/sqlite/sqlite-store.ts'
import { createProcessNodeAgent } from '../process-node-agent.ts'

const [dbPath, dataDir, artifactsDir, , podJson] = process.argv.slice(2) as [string, string, string, string, string]
const store = openSqliteStore(dbPath, { clock: systemClock, ids: randomIds })
const agent = createProcessNodeAgent({ store, clock: systemClock, dataDir, artifacts: openArtifactStore(artifactsDir) })
await agent.start()
const pod = store.create(JSON.parse(podJson))
const timer = setInterval(() => {
  const p = store.get('Pod', 'default', pod.metadata.name)
  if (p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
    process.stdout.write('ready\n')
    clearInterval(timer)
  }
}, 20)
setInterval(() => {}, 1 << 30)
