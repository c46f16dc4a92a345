/**
 * @module
 * The dashboard suites' browser: one Debian Chromium per file, launched before the first case,
 * a failed case's page recorded (a screenshot in the file's directory and the page's text in
 * the CI log), closed after the last case. Register it after the suite's own beforeAll (which
 * starts the daemon): vitest runs afterAll hooks in reverse, so the browser closes before the
 * daemon stops.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { launchChromium, recordFailure, VIEWPORTS } from '../../../src/dashboard/testing.ts'

/**
 * Registers the browser's hooks; `page` returns the page the cases drive (undefined before the
 * first signs in). The result returns the running browser.
 */
export function useChromium(shots: string, page: () => Page | undefined): () => Browser {
  let browser: Browser | undefined

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true })
    browser = await launchChromium()
  }, 60_000)

  // A failed step leaves what the page showed: a screenshot and its text, for the CI log. Then
  // the page is loaded again at the desktop's width: the retry (P16) starts from the objects its
  // failed attempt left, as the page shows them, but with no dialog of that attempt still open.
  afterEach(async (ctx) => {
    const p = page()
    if (ctx.task.result?.state !== 'fail' || !p) return
    await recordFailure(p, shots, ctx.task.name)
    await p.setViewportSize(VIEWPORTS.desktop).catch(() => undefined)
    await p.reload().catch(() => undefined)
  })

  afterAll(async () => {
    await browser?.close()
  }, 30_000)

  return () => browser as Browser
}

/**
 * The page at a phone's width (390 px): a screenshot to `path`, and how wide its content is
 * (the document's scrollWidth; anything over 390 scrolls the whole page sideways). The viewport
 * is put back to the desktop's even when the screenshot fails.
 */
export async function widthAtPhone(page: Page, path: string): Promise<number> {
  await page.setViewportSize(VIEWPORTS.phone)
  try {
    await page.screenshot({ path, fullPage: true })
    return await page.evaluate(() => document.documentElement.scrollWidth)
  } finally {
    await page.setViewportSize(VIEWPORTS.desktop)
  }
}
