/**
 * Issue 18, status for people: a fleet of two Baton hosts (127.0.0.2–.3) behind the front load
 * balancer, seen in target t1's dashboard in Debian's Chromium. The Fleets page shows each
 * target with its revision, health, place in the front balancer and share of the traffic sent
 * through it; while a rollout holds window 2 (t2's verify hook waits for the test) it shows
 * window 1 succeeded, window 2 running with t2 at verify and t2 drained; once the hook is let
 * go, revision 2 succeeded on both targets. Screenshots go to test-results/fleet-dashboard/.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumInstalled, pageErrors, signIn, VIEWPORTS } from '../../src/dashboard/testing.ts'
import { BATON_BIN, expectOk, REPO_ROOT } from './support/baton.ts'
import { useChromium, widthAtPhone } from './support/chromium.ts'
import { FleetHosts } from './support/fleet-hosts.ts'

const SHOTS = join(REPO_ROOT, 'test-results', 'fleet-dashboard')
const HOSTS = ['127.0.0.2', '127.0.0.3']

const fleet = new FleetHosts(HOSTS)
let coordinator: ChildProcess | undefined
let page: Page

const holdFile = () => join(fleet.dir, 'hold-t2-verify')

async function writeFleet(image: string): Promise<void> {
  await fleet.write(image, {
    windowSize: 1,
    tags: ['web'],
    // While the hold file exists, t2's verify hook waits (bounded): window 2 stays where it is.
    hooks: {
      verify: [
        `if [ "$BATON_TARGET" = t2 ]; then n=0; while [ -f '${holdFile()}' ] && [ $n -lt 600 ]; do sleep 0.2; n=$((n+1)); done; fi`,
      ],
    },
  })
}

const fleetArgs = fleet.args

const cell = (row: Locator, name: string) => row.locator(`[data-cell="${name}"]`)

/** Each target's row as "name revision health front". */
async function rows(): Promise<string[]> {
  const out: string[] = []
  for (const row of await page.locator('article[data-fleet="web"] tr[data-target]').all()) {
    const name = await row.getAttribute('data-target')
    const texts = await Promise.all(
      ['revision', 'health', 'front'].map(async (c) => (await cell(row, c).textContent())?.trim()),
    )
    out.push([name, ...texts].join(' '))
  }
  return out
}

describe.skipIf(!chromiumInstalled())('fleet in the dashboard (Chromium)', () => {
  beforeAll(async () => {
    await fleet.start('baton-fleet-dashboard-', () => writeFleet('web:v1'))
  }, 240_000)

  afterAll(async () => {
    await rm(holdFile(), { force: true })
    if (coordinator?.pid !== undefined && coordinator.exitCode === null) coordinator.kill('SIGKILL')
    await fleet.stop()
  }, 120_000)

  const browser = useChromium(SHOTS, () => page)

  it("shows each target's revision, health, front balancer state and share of traffic", async () => {
    // Some traffic through the front balancer, so each target has a share (weights 1:1).
    for (let i = 0; i < 40; i++) expect((await fetch(`http://127.0.0.1:${fleet.frontPort}/`)).status).toBe(200)
    const link = expectOk('baton dashboard', await fleet.targets[0]!.cli(['dashboard', '--no-open'])).stdout.trim()
    page = await signIn(browser(), link)
    await page.getByRole('link', { name: 'Fleets' }).click()
    await page.getByRole('heading', { name: 'Fleets' }).waitFor()
    await page.locator('article[data-fleet="web"]').waitFor({ timeout: 30_000 })
    await expect.poll(rows, { timeout: 30_000 }).toEqual(['t1 1 healthy in', 't2 1 healthy in'])
    await expect
      .poll(
        async () =>
          await page
            .locator('[data-cell="share"] [role="meter"]')
            .evaluateAll((ms) => ms.map((m) => Number(m.getAttribute('aria-valuenow')))),
        {
          timeout: 30_000,
        },
      )
      .toEqual([50, 50])
    expect(await page.locator('[data-cell="place"]').textContent()).toBe('revision 1 succeeded')
    await page.screenshot({ path: join(SHOTS, 'fleet-1280.png'), fullPage: true })
    expect(pageErrors(page)).toEqual([])
  }, 120_000)

  // No retry (P16): its failed attempt's rollout may have finished (or still run): web:v2 again
  // starts no "revision 2", and the page would show a later one.
  it("shows a rollout's progress: the window running, the target drained and its step, then done", {
    retry: 0,
    timeout: 240_000,
  }, async () => {
    await writeFleet('web:v2')
    await writeFile(holdFile(), '')
    coordinator = spawn(process.execPath, [BATON_BIN, ...fleetArgs('rollout')], { stdio: 'ignore' })
    const exited = new Promise<number | null>((done) => coordinator!.once('exit', (code) => done(code)))

    const place = page.locator('[data-cell="place"]')
    await expect
      .poll(() => place.textContent(), { timeout: 150_000, interval: 250 })
      .toBe('revision 2: window 2 of 2 (t2 at verify)')
    const windows = page.locator('li[data-window]')
    expect(
      await windows.evaluateAll((ws) =>
        ws.map((w) => `${w.getAttribute('data-window')} ${w.getAttribute('data-outcome')}`),
      ),
    ).toEqual(['1 succeeded', '2 running'])
    await expect.poll(rows, { timeout: 30_000 }).toEqual(['t1 2 healthy in', 't2 1 healthy drained'])
    await page.screenshot({ path: join(SHOTS, 'fleet-rollout-1280.png'), fullPage: true })
    // The targets' table becomes labelled rows at a phone's width: nothing wider than its screen.
    expect(await widthAtPhone(page, join(SHOTS, 'fleet-rollout-390.png'))).toBeLessThanOrEqual(VIEWPORTS.phone.width)

    await rm(holdFile())
    expect(await exited).toBe(0)
    await expect.poll(() => place.textContent(), { timeout: 30_000 }).toBe('revision 2 succeeded')
    await expect.poll(rows, { timeout: 30_000 }).toEqual(['t1 2 healthy in', 't2 2 healthy in'])
    expect(pageErrors(page)).toEqual([])
  })
})
