/**
 * @module
 * The dashboard's built bundle (dist/ui, made by `npm run build:ui`), served from memory.
 * Vite names every asset by its content hash, so assets are cacheable for good; index.html
 * never is, so a rebuilt daemon serves the new bundle at once. Only files that exist in the
 * bundle directory are served: a request path never reaches outside it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export interface StaticFile {
  body: Uint8Array
  type: string
  immutable: boolean
}

/** Every file under `dir`, keyed by its URL path below the mount ("index.html", "assets/x-1a2b.js"). */
export function loadBundle(dir: string): Map<string, StaticFile> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined
  const files = new Map<string, StaticFile>()
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else {
        const key = relative(dir, path).split(sep).join('/')
        files.set(key, {
          body: readFileSync(path),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          immutable: key.startsWith('assets/'),
        })
      }
    }
  }
  walk(dir)
  return files
}
