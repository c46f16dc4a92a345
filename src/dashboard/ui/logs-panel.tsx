/**
 * @module
 * One pod's log, followed: pick a pod of the Deployment, and its lines stream in (the last 200
 * first), kept to the newest 1,000. Scrolling up stops the view from jumping to the end.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Pod } from '../../api/types.ts'
import { followLog } from './api.ts'

const KEEP = 1000

export function LogsPanel(props: { namespace: string; pods: Pod[] }) {
  const names = props.pods
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort()
  const [picked, setPicked] = useState<string | undefined>(undefined)
  const pod = picked && names.includes(picked) ? picked : names[0]
  const [lines, setLines] = useState<string[]>([])
  const [note, setNote] = useState<string>('')
  const pre = useRef<HTMLPreElement>(null)

  useEffect(() => {
    setLines([])
    setNote('')
    if (!pod) return
    const abort = new AbortController()
    void (async () => {
      try {
        let batch: string[] = []
        let frame = 0
        for await (const line of followLog(props.namespace, pod, abort.signal)) {
          batch.push(line)
          frame ||= requestAnimationFrame(() => {
            frame = 0
            const add = batch
            batch = []
            setLines((l) => [...l, ...add].slice(-KEEP))
          })
        }
        setNote('The log stream ended (the pod stopped).')
      } catch (err) {
        if (!abort.signal.aborted) setNote(`No log: ${(err as Error).message}`)
      }
    })()
    return () => abort.abort()
  }, [props.namespace, pod])

  useEffect(() => {
    const el = pre.current
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 60) el.scrollTop = el.scrollHeight
  }, [lines])

  if (names.length === 0) return <p class="muted">No running pods.</p>
  return (
    <div class="logs">
      <label>
        Pod{' '}
        <select value={pod} onChange={(e) => setPicked((e.currentTarget as HTMLSelectElement).value)}>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <pre ref={pre} tabIndex={0} aria-label={`Log of ${pod}, followed`}>
        {lines.join('\n')}
      </pre>
      {note && <p class="muted">{note}</p>}
    </div>
  )
}
