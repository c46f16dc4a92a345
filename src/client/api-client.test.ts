import { describe, expect, it } from 'vitest'
import { ApiClient, ServerError, type Transport } from './api-client.ts'
import { lines } from './lines.ts'

/** A transport that answers every request with `res` and remembers what it was asked. */
function answering(res: () => Response) {
  const seen: { url: string; init: RequestInit }[] = []
  const transport: Transport = async (url, init) => {
    seen.push({ url, init })
    return res()
  }
  return { seen, transport }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('ApiClient errors', () => {
  it.each([
    {
      name: 'an API error body becomes a ServerError with its code, hint and causes',
      res: () =>
        json(422, {
          code: 'BATON_INVALID',
          message: 'Deployment "web" is invalid',
          hint: 'fix spec.replicas',
          details: { causes: [{ field: 'spec.replicas', message: 'must be >= 0' }] },
        }),
      want: {
        code: 'BATON_INVALID',
        message: 'Deployment "web" is invalid',
        hint: 'fix spec.replicas',
        httpStatus: 422,
        causes: [{ field: 'spec.replicas', message: 'must be >= 0' }],
      },
    },
    {
      name: 'a body that is not JSON becomes the message, under BATON_INTERNAL',
      res: () => new Response('upstream exploded\n', { status: 502 }),
      want: { code: 'BATON_INTERNAL', message: 'upstream exploded', httpStatus: 502 },
    },
    {
      name: 'an empty body names the HTTP status',
      res: () => new Response('', { status: 503 }),
      want: { code: 'BATON_INTERNAL', message: 'request failed with HTTP 503', httpStatus: 503 },
    },
    {
      name: 'a code Baton does not know becomes BATON_INTERNAL with the message kept',
      res: () => json(400, { code: 'SOMETHING_ELSE', message: 'no' }),
      want: { code: 'BATON_INTERNAL', message: 'no', httpStatus: 400 },
    },
  ])('$name', async ({ res, want }) => {
    const client = new ApiClient({ server: 'http://baton.test', transport: answering(res).transport })
    const err = await client.version().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ServerError)
    expect(err).toMatchObject(want)
  })

  it('calls the 401 hook before throwing BATON_UNAUTHORIZED', async () => {
    const calls: string[] = []
    const client = new ApiClient({
      server: '',
      transport: answering(() => json(401, { code: 'BATON_UNAUTHORIZED', message: 'no session' })).transport,
      onUnauthorized: () => calls.push('signed out'),
    })
    await expect(client.version()).rejects.toMatchObject({ code: 'BATON_UNAUTHORIZED' })
    expect(calls).toEqual(['signed out'])
  })
})

describe('ApiClient requests', () => {
  it('sends the token as a bearer token', async () => {
    const t = answering(() => json(200, { version: '1' }))
    await new ApiClient({ server: 'http://baton.test', token: 'tok', transport: t.transport }).version()
    expect(t.seen[0]!.url).toBe('http://baton.test/version')
    expect(t.seen[0]!.init.headers).toMatchObject({ authorization: 'Bearer tok' })
    expect(t.seen[0]!.init.credentials).toBeUndefined()
  })

  it("sends a page's own headers and cookies, to the page's origin", async () => {
    const t = answering(() => json(200, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }))
    const client = new ApiClient({
      server: '',
      headers: { 'x-baton-dashboard': '1' },
      credentials: 'same-origin',
      transport: t.transport,
    })
    await client.get('Deployment', 'default', 'web')
    expect(t.seen[0]!.url).toBe('/apis/apps/v1/namespaces/default/deployments/web')
    expect(t.seen[0]!.init.headers).toMatchObject({ 'x-baton-dashboard': '1', accept: 'application/json' })
    expect(t.seen[0]!.init.headers).not.toHaveProperty('authorization')
    expect(t.seen[0]!.init.credentials).toBe('same-origin')
  })
})

/** A body delivered in the given chunks. */
function chunked(chunks: (string | Uint8Array)[]): Response {
  const enc = new TextEncoder()
  return new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(typeof chunk === 'string' ? enc.encode(chunk) : chunk)
        c.close()
      },
    }),
  )
}

describe('lines', () => {
  const euro = new TextEncoder().encode('€') // three bytes
  it.each([
    { name: 'one line per newline', chunks: ['a\nb\n'], want: ['a', 'b'] },
    { name: 'a line split across chunks', chunks: ['{"type":', '"ADDED"}\n'], want: ['{"type":"ADDED"}'] },
    { name: 'a last line without a newline', chunks: ['a\nb'], want: ['a', 'b'] },
    { name: 'empty lines kept', chunks: ['a\n\nb\n'], want: ['a', '', 'b'] },
    { name: 'a character split across chunks', chunks: [euro.slice(0, 1), euro.slice(1), '\n'], want: ['€'] },
  ])('$name', async ({ chunks, want }) => {
    const got: string[] = []
    for await (const line of lines(chunked(chunks))) got.push(line)
    expect(got).toEqual(want)
  })

  it('cancels the body when the signal aborts', async () => {
    let cancelled = false
    const res = new Response(
      new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new TextEncoder().encode('first\n')),
        cancel: () => void (cancelled = true),
      }),
    )
    const abort = new AbortController()
    const got: string[] = []
    for await (const line of lines(res, abort.signal)) {
      got.push(line)
      abort.abort()
    }
    expect(got).toEqual(['first'])
    expect(cancelled).toBe(true)
  })
})
