/**
 * @module
 * Test and benchmark support (never imported by the daemon): Debian's Chromium driven by
 * playwright-core, and the dashboard's sign-in through `baton dashboard --no-open`.
 * Chromium gets a fresh profile every launch and no background networking: this machine has
 * no network but loopback, and Chromium's own update and sync traffic would only fail.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM)
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Opens the one-time link in a new page and waits for the dashboard to render. */
export async function signIn(
  browser: Browser,
  link: string,
  viewport: { width: number; height: number } = VIEWPORTS.desktop,
): Promise<Page> {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    // A refused fetch (a log of a pod that just went) is handled by the page; Chromium logs it anyway.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  ;(page as Page & { errors?: string[] }).errors = errors
  await page.goto(link)
  await page.waitForURL(/\/ui\/$/)
  await page.getByRole('heading', { name: 'Deployments' }).waitFor()
  return page
}

/** The page's console errors and uncaught exceptions so far (CSP violations show up here), but failed requests. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? []
}

/** "rev N: 3 ready, 1 starting" for every ReplicaSet row, read from the dots. */
export function dotsByRevision(page: Page): Promise<Record<string, Record<string, number>>> {
  return page.evaluate(() => {
    const out: Record<string, Record<string, number>> = {}
    for (const row of document.querySelectorAll<HTMLElement>('[data-revision]')) {
      const counts: Record<string, number> = {}
      for (const dot of row.querySelectorAll<HTMLElement>('[data-state]'))
        counts[dot.dataset.state!] = (counts[dot.dataset.state!] ?? 0) + 1
      out[row.dataset.revision!] = counts
    }
    return out
  })
}

/**
 * For afterEach: a failed test leaves what the page showed, a screenshot in `dir` and the
 * page's text in the CI log.
 */
export async function recordFailure(page: Page | undefined, dir: string, testName: string): Promise<void> {
  if (!page) return
  const name = `failed-${testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => undefined)
  const body = page.locator('body')
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, the page as a person reads it
  const text = await body.innerText({ timeout: 5_000 }).catch((e: Error) => e.message)
  console.log(`${name}: ${page.url()}\n${text}`)
}
