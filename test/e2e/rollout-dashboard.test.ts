/**
 * Issue 17, item 5, as a person uses it: a real daemon and Debian's Chromium. A canary Rollout
 * applied with the CLI is listed on the overview; after `set image` its page shows the pause
 * step it waits in and the weight (25% asked, 25% applied, and the share the load balancer
 * measured under 100 requests/s); Promote from the page runs the last step (a web analysis,
 * shown with its measurement) and makes the new revision stable with no failed request;
 * a second update is aborted from the page (every request back to stable), retried from the
 * page, and a Promote confirmed after the CLI aborted it meanwhile shows the verb's refusal.
 * Screenshots go to test-results/rollout-dashboard/.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import type { Rollout } from '../../src/api/types.ts'
import { chromiumInstalled, pageErrors, signIn, VIEWPORTS } from '../../src/dashboard/testing.ts'
import { runLoad } from '../../src/verify/load-run.ts'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'
import { useChromium, widthAtPhone } from './support/chromium.ts'
import { otherVersion, templateVersion, webRolloutManifest } from './support/manifests.ts'
import { SERVICE_PORTS } from './support/ports.ts'

const SHOTS = join(REPO_ROOT, 'test-results', 'rollout-dashboard')
const WEIGHT = 25

let baton: Baton
let page: Page

function manifests(servicePort: number): string {
  const template = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'ready' },
    spec: {
      args: [{ name: 'port' }],
      metrics: [
        { name: 'ready', provider: { web: { url: 'http://127.0.0.1:{{args.port}}/ready', timeoutSeconds: 5 } } },
      ],
    },
  }
  const rollout = webRolloutManifest({
    replicas: 2,
    strategy: {
      canary: {
        abortScaleDownDelaySeconds: 5,
        steps: [
          { setWeight: WEIGHT },
          { pause: {} },
          {
            analysis: {
              templates: [{ templateName: 'ready' }],
              args: [{ name: 'port', value: String(servicePort) }],
            },
          },
        ],
      },
    },
    services: { web: servicePort },
  })
  return `${stringify(template)}---\n${rollout}`
}

async function rollout(): Promise<Rollout> {
  return JSON.parse(expectOk('get rollout', await baton.cli(['get', 'rollout', 'web', '-o', 'json'])).stdout) as Rollout
}

/** The highest revision `rollout history` lists: an update's canary is the one after it. */
async function lastRevision(): Promise<number> {
  const r = expectOk('history', await baton.cli(['rollout', 'history', 'rollout/web']))
  return Math.max(...[...r.stdout.matchAll(/^(\d+) /gm)].map((m) => Number(m[1])))
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

const stepStates = () =>
  page.locator('[data-step-state]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step-state')))
const phase = () => page.locator('[data-rollout-phase]').textContent()
const weight = (which: string) => page.locator(`[data-weight="${which}"]`).textContent()

/** Clicks the page's button for a verb and confirms its dialog. */
async function confirmVerb(label: string): Promise<void> {
  await page
    .getByRole('group', { name: 'Actions' })
    .getByRole('button', { name: `${label}…` })
    .click()
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  await dialog.getByRole('button', { name: label, exact: true }).click()
  await dialog.waitFor({ state: 'detached' })
}

/** Waits until the page shows the Rollout paused in its pause step (index 1) of a new update. */
async function pausedOnPage(): Promise<void> {
  await expect.poll(phase, { timeout: 90_000 }).toBe('Paused')
  await expect.poll(stepStates, { timeout: 30_000 }).toEqual(['done', 'current', 'pending'])
}

describe.skipIf(!chromiumInstalled())('the Rollout page in Chromium', () => {
  beforeAll(async () => {
    baton = await startBaton({ servicePort: SERVICE_PORTS.rolloutDashboard })
  }, 90_000)

  afterAll(async () => {
    await baton?.stop()
  }, 60_000)

  const browser = useChromium(SHOTS, () => page)

  it('lists the Rollout on the overview and opens its page', async () => {
    await baton.apply(manifests(baton.servicePort))
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
    // A retry (P16) signs in afresh; its failed attempt's page goes first.
    await page?.context().close()
    page = await signIn(browser(), expectOk('dashboard', await baton.cli(['dashboard', '--no-open'])).stdout.trim())
    const row = page.locator('tr[data-rollout="web"]')
    await row.waitFor()
    await expect.poll(() => row.locator('td[data-label="Status"]').textContent(), { timeout: 30_000 }).toBe('Healthy')
    expect(await row.locator('td[data-label="Step"]').textContent()).toBe('3/3')
    await row.getByRole('link', { name: 'web' }).click()
    await page.getByRole('heading', { name: /^web/ }).waitFor()
    expect(await stepStates()).toEqual(['done', 'done', 'done'])
    expect(await page.locator('[data-revision="1"]').getAttribute('data-role')).toBe('stable')
  }, 150_000)

  it('shows the pause step and the weight under load, and Promote runs the analysis and makes the update stable', async () => {
    // v1 -> v2, revision 2, from the case before. A retry (P16) finds its failed attempt's canary
    // paused, in analysis, aborted by it or promoted: finish it, then roll to the version not
    // running, the revision after the last, through every step again.
    const st0 = (await rollout()).status
    if (st0?.currentPodHash !== st0?.stableRS) {
      if (st0?.abort) expectOk('retry', await baton.cli(['rollout', 'retry', 'rollout/web']))
      expectOk('promote --full', await baton.cli(['rollout', 'promote', '--full', 'rollout/web']))
      expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
    }
    const to = otherVersion(templateVersion(await rollout()))
    const canary = `[data-revision="${(await lastRevision()) + 1}"]`
    const load = runLoad({ url: baton.url('/'), rate: 100, keepAlive: true, durationMs: 120_000 })
    try {
      expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', `web=web:${to}`]))
      await pausedOnPage()
      expect(await page.locator('[data-step-state="current"]').textContent()).toContain('Pause until promoted')
      expect(await page.locator('[data-step-state="current"]').textContent()).toContain('waiting for Promote')
      expect(await weight('desired')).toBe(`${WEIGHT}%`)
      expect(await weight('applied')).toBe(`${WEIGHT}%`)
      expect(await page.locator(canary).getAttribute('data-role')).toBe('canary')
      // The load balancer's own share over the last 5 s, once 5 s of it are the canary's weight.
      await expect
        .poll(
          async () => {
            const text = (await weight('measured')) ?? ''
            const share = Number(/^([\d.]+)%/.exec(text)?.[1] ?? Number.NaN)
            const requests = Number(/of (\d+) requests/.exec(text)?.[1] ?? 0)
            return requests >= 300 && Math.abs(share - WEIGHT) <= 5
          },
          { timeout: 30_000, interval: 500 },
        )
        .toBe(true)
      await shot('paused-1280')

      await confirmVerb('Promote')
      await expect.poll(phase, { timeout: 90_000 }).toBe('Healthy')
      expect(await stepStates()).toEqual(['done', 'done', 'done'])
      expect(await page.locator(canary).getAttribute('data-role')).toBe('stable')
      // The analysis step's run (the newest revision's is listed first), with its one measurement.
      const run = page.locator('[data-analysis-run]').first()
      expect(await run.getAttribute('data-phase')).toBe('Successful')
      expect(await run.locator('tr[data-metric="ready"]').getAttribute('data-phase')).toBe('Successful')
      expect(await run.locator('.measurement[data-phase="Successful"]').count()).toBe(1)
      await shot('promoted-1280')
    } finally {
      const result = await load.stop()
      expect(result.records.length).toBeGreaterThan(500)
      expect(result.records.filter((r) => r.kind !== 'ok')).toEqual([])
    }
    const st = (await rollout()).status!
    expect(st.phase).toBe('Healthy')
    expect(st.stableRS).toBe(st.currentPodHash)
    expect((await rollout()).spec.template.spec.containers[0]!.image).toBe(`web:${to}`)
  }, 240_000)

  it('aborts a second update from the page: all traffic back to stable; Retry runs the steps again', async () => {
    // The canary is the version not stable (v1 after the case before). A retry (P16) may find its
    // failed attempt's canary paused (leave it) or aborted (`rollout retry` runs its steps again).
    const r0 = await rollout()
    if (r0.status?.abort) expectOk('retry', await baton.cli(['rollout', 'retry', 'rollout/web']))
    else if (r0.status?.currentPodHash === r0.status?.stableRS)
      expectOk(
        'set image',
        await baton.cli(['set', 'image', 'rollout/web', `web=web:${otherVersion(templateVersion(r0))}`]),
      )
    await pausedOnPage()
    const load = runLoad({ url: baton.url('/'), rate: 100, keepAlive: true, durationMs: 60_000 })
    try {
      await confirmVerb('Abort')
      await expect.poll(phase, { timeout: 30_000 }).toBe('Degraded')
      expect(await stepStates()).toEqual(['done', 'aborted', 'pending'])
      expect(await page.locator('[data-rollout-message]').textContent()).toContain('RolloutAborted')
      await expect.poll(() => weight('applied'), { timeout: 30_000 }).toBe('0%')
      // Once the load balancer's last 5 s are all after the abort, the canary's measured share is 0.
      await expect.poll(async () => (await weight('measured'))?.startsWith('0%'), { timeout: 30_000 }).toBe(true)
      await shot('aborted-1280')
      // Nothing on the page (the traffic table's columns above all) is wider than a phone's screen.
      expect(await widthAtPhone(page, join(SHOTS, 'aborted-390.png'))).toBeLessThanOrEqual(VIEWPORTS.phone.width)
    } finally {
      const result = await load.stop()
      expect(result.records.length).toBeGreaterThan(300)
      expect(result.records.filter((r) => r.kind !== 'ok')).toEqual([])
    }
    const st = (await rollout()).status!
    expect(st.abort).toBe(true)
    expect(st.canary?.weights?.canary.weight).toBe(0)
    const status = await baton.cli(['rollout', 'status', 'rollout/web', '--watch=false'])
    expect(status.stdout).toContain('Degraded - RolloutAborted')

    // Abort is done; Retry is the way on.
    const actions = page.getByRole('group', { name: 'Actions' })
    expect(await actions.getByRole('button', { name: 'Abort…' }).isDisabled()).toBe(true)
    await confirmVerb('Retry')
    await pausedOnPage()
    expect((await rollout()).status?.abort).toBeUndefined()
  }, 180_000)

  it('shows the verb’s refusal when the Rollout changed under an open dialog', async () => {
    // From the paused canary the case before left. A retry (P16) finds the abort its failed
    // attempt made: `rollout retry` brings the paused canary back.
    if ((await rollout()).status?.abort) expectOk('retry', await baton.cli(['rollout', 'retry', 'rollout/web']))
    await pausedOnPage()
    await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Promote…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expectOk('abort', await baton.cli(['rollout', 'abort', 'rollout/web']))
    await dialog.getByRole('button', { name: 'Promote', exact: true }).click()
    const alert = dialog.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain("rollout 'web' is aborted: promote does not resume it")
    expect(await alert.textContent()).toContain('rollout retry')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await rollout()).status?.phase).toBe('Degraded')
    expect(pageErrors(page).join('\n')).toBe('')
  }, 60_000)
})
