/**
 * The README's quick start, run as written: the shell block between the quickstart markers is
 * read from README.md and every `baton …` line runs, in order, against a fresh data directory
 * (BATON_HOME, as the user's data directory would be on a fresh machine). Only what must differ on a shared
 * machine is changed: `up -d` gets a free API port, and the Service's :8080 (in the manifest
 * and the curl line) becomes a free port. Every command must exit 0 and every line it prints
 * must have the shape the README shows; afterwards no process of the directory may be left.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { BATON_BIN, REPO_ROOT } from './support/baton.ts'
import { freePort } from './support/ports.ts'
import { killAll, processesUnder } from './support/processes.ts'

interface Shape {
  /** The command (after "baton") this shape is for. */
  command: RegExp
  /** Every printed line must match one of these. */
  lines: RegExp[]
  /** These must each match some line. */
  required?: RegExp[]
}

const PLAN_ROW = /^\d+\s+\d+(\.\d)?s\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+$/
const SCALING_EVENT =
  /^ {2}Normal\s+ScalingReplicaSet\s+\d+s( \(x\d+ over \d+s\))?\s+deployment-controller\s+(\(combined from similar events\): )?Scaled (up|down) replica set web-[0-9a-z]+ to \d+( from \d+)?$/

const SHAPES: Shape[] = [
  { command: /^up -d\b/, lines: [/^baton daemon started \(pid \d+\) on https:\/\/127\.0\.0\.1:\d+$/] },
  { command: /^push /, lines: [/^web:v[12] pushed \(digest sha256:[0-9a-f]{64}, \d+ bytes\)$/] },
  {
    command: /^apply /,
    lines: [/^deployment\.apps\/web created$/, /^service\/web created$/],
    required: [/^deployment\.apps\/web created$/, /^service\/web created$/],
  },
  {
    command: /^rollout status /,
    lines: [
      /^Waiting for deployment "web" rollout to finish: (\d+ out of 10 new replicas have been updated|\d+ old replicas are pending termination|\d+ of 10 updated replicas are available)\.\.\.$/,
      /^Waiting for deployment spec update to be observed\.\.\.$/,
      /^deployment "web" successfully rolled out$/,
    ],
    required: [/^deployment "web" successfully rolled out$/],
  },
  {
    command: /^rollout plan /,
    lines: [
      /^deployment\/web: RollingUpdate, 10 replicas, maxSurge 1, maxUnavailable 1 \(at most 11 pods, at least 9 available\)$/,
      /^new ReplicaSet: web-[0-9a-z]+$/,
      /^$/,
      /^STEP {3}AT {4}NEW {3}OLD {3}AVAILABLE \(MIN\) {3}PODS \(MAX\) {3}EXITING \(MAX\)$/,
      PLAN_ROW,
      /^Available pods never fall below 9 of 10 while the new pods stay ready; at most 11 pods run at once \(plus \d+ still exiting\)\.$/,
      /^minReadySeconds is 0: a new pod counts as available as soon as it is ready, so a version that passes readiness and then fails \(a crash loop\) takes available pods lower\. Set spec\.minReadySeconds \(e\.g\. 10\) to count a new pod only once it has stayed ready that long\.$/,
      /^Estimated duration: ~\d+(\.\d)?s until rolled out, ~\d+(\.\d)?s until the last old pod has exited, from$/,
      /^ {2}readiness ~1s per pod \(initialDelaySeconds 0 \+ periodSeconds 1 × successThreshold 1\), minReadySeconds 0;$/,
      /^ {2}an old pod exits ~1s after deletion \(terminationGracePeriodSeconds 30 at most\)$/,
    ],
  },
  { command: /^set image /, lines: [/^deployment\.apps\/web image updated$/] },
  {
    command: /^describe /,
    lines: [/^[A-Z][A-Za-z ]*:( .*)?$/, /^ {2,}\S.*$/, SCALING_EVENT],
    required: [
      /^Name:\s+web$/,
      /^Replicas:\s+10 desired \| 10 updated \| 10 total \| 10 available \| 0 unavailable$/,
      /^RollingUpdateStrategy:\s+1 max unavailable, 1 max surge$/,
      /^ {4}Image:\s+web:v2$/,
      /^NewReplicaSet:\s+web-[0-9a-z]+ \(10\/10 replicas created\)$/,
      // Past the tenth scaling, client-go combines them into one Event, as seed 001 shows.
      /^ {2}Normal\s+ScalingReplicaSet\s+\d+s \(x\d+ over \d+s\)\s+deployment-controller\s+\(combined from similar events\): Scaled down replica set web-[0-9a-z]+ to 0 from 1$/,
    ],
  },
  {
    command: /^rollout history /,
    lines: [
      /^deployment\.apps\/web$/,
      /^REVISION {2}CHANGE-CAUSE$/,
      /^\d+ +(<none>|baton set image deployment\/web web=web:v2 --record=true)$/,
      /^$/,
    ],
  },
  { command: /^rollout undo /, lines: [/^deployment\.apps\/web rolled back$/] },
  { command: /^down --all$/, lines: [/^baton daemon stopped \(pid \d+\)$/] },
]

/** The first ```sh block between the quickstart markers, one command per line, comments dropped. */
function quickstartCommands(readme: string): string[] {
  const section = /<!-- quickstart:begin -->([\s\S]*?)<!-- quickstart:end -->/.exec(readme)?.[1]
  const block = section && /```sh\n([\s\S]*?)```/.exec(section)?.[1]
  if (!block)
    throw new Error('README.md has no ```sh block between <!-- quickstart:begin --> and <!-- quickstart:end -->')
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

let dataDir: string | undefined

/** A failed run may have left the daemon up: stop it the way the README does, then by PID. */
async function cleanUp(): Promise<void> {
  if (!dataDir) return
  await baton(['down', '--all'], { ...process.env, BATON_HOME: dataDir }).catch(() => {})
  killAll(processesUnder(dataDir))
  await rm(dataDir, { recursive: true, force: true })
  dataDir = undefined
}

afterAll(cleanUp, 60_000)

function baton(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BATON_BIN, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out, err })
    })
  })
}

function expectShape(command: string, out: string): void {
  const shape = SHAPES.find((s) => s.command.test(command))
  expect(shape, `no expected shape for "baton ${command}": add one to SHAPES`).toBeDefined()
  const lines = out.replace(/\n$/, '').split('\n')
  for (const line of lines) {
    expect(
      shape!.lines.some((re) => re.test(line)),
      `"baton ${command}" printed an unexpected line:\n${line}\n\nwhole output:\n${out}`,
    ).toBe(true)
  }
  for (const re of shape!.required ?? []) {
    expect(
      lines.some((l) => re.test(l)),
      `"baton ${command}" printed no line matching ${re}:\n${out}`,
    ).toBe(true)
  }
}

it('the README quick start runs as written, prints what it shows, and leaves nothing running', async () => {
  const commands = quickstartCommands(await readFile(join(REPO_ROOT, 'README.md'), 'utf8'))
  expect(commands[0]).toBe('source .ci/node.sh && npm ci')
  expect(commands[1]).toBe('alias baton="$PWD/bin/baton.mjs"')
  expect(commands.at(-1)).toBe('baton down --all')

  // A retry (P16) gets a fresh directory too; its failed attempt's daemon would outlive it.
  await cleanUp()
  dataDir = await mkdtemp(join(tmpdir(), 'baton-quickstart-'))
  const [apiPort, servicePort] = [await freePort(), await freePort()]
  const env: NodeJS.ProcessEnv = { ...process.env, BATON_HOME: dataDir }
  delete env.BATON_SERVER
  delete env.BATON_TOKEN

  const outputs: Array<{ command: string; out: string }> = []
  for (const line of commands.slice(2)) {
    if (line.startsWith('curl ')) {
      const url = /http:\/\/127\.0\.0\.1:8080\/\S*/.exec(line)?.[0]
      expect(url, line).toBeDefined()
      const res = await fetch(url!.replace(':8080', `:${servicePort}`))
      expect(`${res.status} ${await res.text()}`).toBe('200 v2\n')
      continue
    }
    expect(line, 'the quick start may only hold baton and curl lines after the install').toMatch(
      /^baton [^'"`$|;&<>]+$/,
    )
    const command = line.slice('baton '.length)
    let args = command.split(/\s+/)
    if (command === 'up -d') args = [...args, '--port', String(apiPort)]
    const manifest = args.indexOf('-f') >= 0 ? args[args.indexOf('-f') + 1] : undefined
    if (manifest) {
      // The same manifest, with the Service on a free port instead of 8080.
      const copy = join(dataDir, 'quickstart-manifest.yaml')
      const text = await readFile(join(REPO_ROOT, manifest), 'utf8')
      expect(text).toMatch(/^ {6}port: 8080$/m)
      await writeFile(copy, text.replace(/^( {6}port:) 8080$/m, `$1 ${servicePort}`))
      args = args.map((a) => (a === manifest ? copy : a))
    }
    const r = await baton(args, env)
    expect({ command, code: r.code, err: r.err }).toEqual({ command, code: 0, err: '' })
    expectShape(command, r.out)
    outputs.push({ command, out: r.out })
  }

  // The plan is seed 001's: two pods at a time, never fewer than 9 available.
  const plan = outputs.find((o) => o.command.startsWith('rollout plan'))!.out
  const rows = plan
    .split('\n')
    .filter((l) => PLAN_ROW.test(l))
    .map((l) => l.split(/\s+/).slice(2, 4).join('/'))
  expect(rows).toEqual(['2/9', '4/7', '6/5', '8/3', '10/1', '10/0'])
  // Revisions as Kubernetes numbers them: undo moves revision 1 to 3, then 2 to 4.
  const histories = outputs
    .filter((o) => o.command.startsWith('rollout history'))
    .map((o) => [...o.out.matchAll(/^(\d+) /gm)].map((m) => m[1]).join(' '))
  expect(histories).toEqual(['1 2', '2 3'])

  const leftovers = processesUnder(dataDir)
  killAll(leftovers)
  expect(leftovers).toEqual([])
}, 90_000)
