/**
 * @module
 * The two server-made pages: signed out (with how to sign in) and the hop after a login.
 * Both are tiny, script-free and self-contained.
 */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

const shell = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>${head}
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1d2330}
main{max-width:32rem;padding:2rem;background:#fff;border:1px solid #d9dde5;border-radius:12px;margin:1rem}
h1{font-size:1.25rem;margin:0 0 .5rem}code{background:#eef0f4;padding:.1rem .35rem;border-radius:4px}
</style></head><body><main>${body}</main></body></html>`

export function signedOutPage(reason: string): string {
  return shell(
    'Baton dashboard: sign in',
    '',
    `<h1>Baton dashboard</h1><p role="status">${escapeHtml(reason)}</p>
<p>On the daemon’s machine, run <code>baton dashboard</code>: it prints a one-time link that signs this browser in.</p>`,
  )
}

export function redirectPage(to: string): string {
  return shell(
    'Baton dashboard: signing in',
    `<meta http-equiv="refresh" content="0;url=${escapeHtml(to)}">`,
    `<h1>Signed in</h1><p><a href="${escapeHtml(to)}">Open the dashboard</a></p>`,
  )
}
