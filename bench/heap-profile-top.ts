/**
 * Sums a V8 sampling heap profile (.heapprofile, e.g. from `bench/control-plane.ts
 * --alloc-profile`) by allocating function, with the caller chain that leads to it: which
 * code allocates the memory the profile counted.
 *
 *   node bench/heap-profile-top.ts /tmp/rollout.heapprofile [--top 25] [--depth 4]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: ProfileNode[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, depth: { type: 'string', default: '4' } },
})
const file = positionals[0]
if (!file) throw new Error('usage: node bench/heap-profile-top.ts FILE.heapprofile [--top N] [--depth N]')
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode }
const depth = Number(values.depth)

const frame = (n: ProfileNode) => {
  const where = n.callFrame.url.replace(/^.*\/(src|bench|test)\//, '$1/')
  return `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`
}

// Key: the allocating frame and up to `depth - 1` callers, innermost first.
const bySite = new Map<string, number>()
let total = 0
const walk = (n: ProfileNode, stack: string[]) => {
  const here = [...stack, frame(n)]
  if (n.selfSize > 0) {
    const key = here.slice(-depth).reverse().join('  <  ')
    bySite.set(key, (bySite.get(key) ?? 0) + n.selfSize)
    total += n.selfSize
  }
  for (const c of n.children) walk(c, here)
}
walk(head, [])

const mb = (b: number) => (b / 2 ** 20).toFixed(1).padStart(7)
console.log(`${mb(total)} MB sampled in all`)
for (const [site, size] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${mb(size)} MB ${((100 * size) / total).toFixed(0).padStart(3)} %  ${site}`)
}
