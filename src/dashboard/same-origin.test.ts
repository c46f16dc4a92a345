import { describe, expect, it } from 'vitest'
import { crossOriginReason } from './same-origin.ts'

const URL_ = 'http://127.0.0.1:7070/ui/logout'
const post = (headers: Record<string, string>) => new Request(URL_, { method: 'POST', headers })

describe('crossOriginReason', () => {
  it.each([
    {
      name: 'a GET is never refused',
      req: new Request(URL_, { headers: { 'sec-fetch-site': 'cross-site' } }),
      want: undefined,
    },
    { name: 'curl or the CLI (no browser headers)', req: post({}), want: undefined },
    {
      name: 'the page itself',
      req: post({ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:7070' }),
      want: undefined,
    },
    // Chromium sends Origin: null for a form POST from a page with Referrer-Policy: no-referrer.
    {
      name: "the page's own sign-out form under no-referrer",
      req: post({ 'sec-fetch-site': 'same-origin', origin: 'null' }),
      want: undefined,
    },
    {
      name: 'a replica on another port',
      req: post({ 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:20001' }),
      want: 'Sec-Fetch-Site: same-site',
    },
    {
      name: 'another site',
      req: post({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }),
      want: 'Sec-Fetch-Site: cross-site',
    },
    {
      name: 'an old browser from another origin',
      req: post({ origin: 'http://127.0.0.1:20001' }),
      want: 'Origin: http://127.0.0.1:20001',
    },
    { name: 'an old browser from a sandboxed frame', req: post({ origin: 'null' }), want: 'Origin: null' },
    {
      name: 'same-origin claimed with a foreign Origin',
      req: post({ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }),
      want: 'Origin: https://evil.example',
    },
  ])('$name', ({ req, want }) => {
    expect(crossOriginReason(req)).toBe(want)
  })
})
