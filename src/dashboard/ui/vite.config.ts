/**
 * The dashboard's bundle: `npm run build:ui` (also run by `npm ci` through "prepare") builds
 * src/dashboard/ui into dist/ui, which the daemon serves at /ui/. Preact via JSX with the
 * automatic runtime; no plugin needed.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../../dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
})
