/**
 * GET /__admin/requests/stream: the journal as server-sent events. A stream never ends, so these
 * tests listen on 127.0.0.1 (port 0) and read it with fetch; every wait is bounded by the events
 * themselves (the `ready` event, then the entry), never by a sleep.
 */
import { get, type IncomingMessage } from 'node:http'
import t from 'tap'
import { build } from '../helper.js'

type App = Awaited<ReturnType<typeof build>>
interface Ev { event: string, id: string | undefined, data: any }

const FPT = { 'api-key': 'k', client_uuid: 'u-1', 'device-type': 'api' }

/** Open the stream and read its events; `next(name)` resolves with the next event of that name. */
async function open (t: { teardown: (fn: () => unknown) => void }, base: string, query = '', headers: Record<string, string> = {}): Promise<{ next: (name: string) => Promise<Ev>, events: Ev[], response: Response }> {
  const ctl = new AbortController()
  const response = await fetch(`${base}/__admin/requests/stream${query}`, { headers: { accept: 'text/event-stream', ...headers }, signal: ctl.signal })
  t.teardown(() => ctl.abort())
  const events: Ev[] = []
  const cursor = new Map<string, number>()
  const waiters: Array<{ name: string, resolve: (e: Ev) => void }> = []
  /** The next unread event of that name, if it has arrived. */
  const take = (name: string): Ev | undefined => {
    const at = cursor.get(name) ?? 0
    const e = events.filter((x) => x.event === name)[at]
    if (e !== undefined) cursor.set(name, at + 1)
    return e
  }
  const deliver = (e: Ev): void => {
    events.push(e)
    const i = waiters.findIndex((w) => w.name === e.event)
    const w = i === -1 ? undefined : waiters.splice(i, 1)[0]
    if (w !== undefined) w.resolve(take(w.name) as Ev)
  }
  const read = async (): Promise<void> => {
    const decoder = new TextDecoder()
    let buf = ''
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true })
        let cut: number
        while ((cut = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, cut)
          buf = buf.slice(cut + 2)
          const field = (name: string): string | undefined => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2)
          const data = field('data')
          if (data !== undefined) deliver({ event: field('event') ?? 'message', id: field('id'), data: JSON.parse(data) })
        }
      }
    } catch {}
  }
  read().catch(() => {})
  const next = async (name: string): Promise<Ev> => take(name) ?? await new Promise<Ev>((resolve) => waiters.push({ name, resolve }))
  return { next, events, response }
}

async function listen (t: { teardown: (fn: () => unknown) => void }, argv: string[] = []): Promise<{ app: App, base: string }> {
  const app = await build(t, { argv })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, base }
}

t.test('a new journal entry arrives as a `request` event, exactly as GET /requests returns it', async (t) => {
  const { base } = await listen(t)
  const s = await open(t, base, '', { 'x-sandbox-namespace': 'live' })
  t.equal(s.response.status, 200)
  t.match(s.response.headers.get('content-type'), /^text\/event-stream/)
  t.same((await s.next('ready')).data, { namespace: 'live' })
  await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: { ...FPT, 'x-sandbox-namespace': 'live' } })
  const ev = await s.next('request')
  const listed = ((await (await fetch(`${base}/__admin/requests`, { headers: { 'x-sandbox-namespace': 'live' } })).json()) as any).requests[0]
  t.same(ev.data, listed, 'the same JSON as the journal query')
  t.equal(ev.id, String(listed.id), 'the event id is the entry id')
  t.match(ev.data, { vendor: 'fpt', operation: 'fpt.session_init', status: 200, fault: null })
})

t.test('the namespace from the query parameter (EventSource cannot set headers); other namespaces are not heard', async (t) => {
  const { base } = await listen(t)
  const s = await open(t, base, '?namespace=q-ns')
  t.same((await s.next('ready')).data, { namespace: 'q-ns' })
  await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: FPT })
  await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: { ...FPT, 'x-sandbox-namespace': 'q-ns', client_uuid: 'mine' } })
  const ev = await s.next('request')
  t.equal(ev.data.request.headers.client_uuid, 'mine', 'the default namespace\'s request was not delivered')
})

t.test('filters: vendor, operation, status and scenario as in GET /requests', async (t) => {
  const { base } = await listen(t)
  const s = await open(t, base, '?vendor=fpt&status=401')
  await s.next('ready')
  await fetch(`${base}/gtriip/liveness/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: FPT })
  await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: { ...FPT, 'api-key': '' } })
  const ev = await s.next('request')
  t.match(ev.data, { vendor: 'fpt', status: 401 })
  const byScenario = await open(t, base, `?scenario=${encodeURIComponent('fpt/init-400-device-type')}&operation=fpt.session_init`)
  await byScenario.next('ready')
  await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: FPT })
  await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: { ...FPT, 'x-sandbox-scenario': 'fpt/init-400-device-type' } })
  const chosen = await byScenario.next('request')
  t.match(chosen.data, { scenario: 'fpt/init-400-device-type', status: 400 })
  t.equal(byScenario.events.filter((e) => e.event === 'request').length, 1)
})

t.test('`cleared` when the journal is cleared or the namespace reset', async (t) => {
  const { base } = await listen(t)
  const s = await open(t, base, '?namespace=c')
  await s.next('ready')
  await fetch(`${base}/__admin/requests`, { method: 'DELETE', headers: { 'x-sandbox-namespace': 'c' } })
  t.same((await s.next('cleared')).data, { namespace: 'c' })
  await fetch(`${base}/__admin/reset`, { method: 'POST', headers: { 'x-sandbox-namespace': 'c' } })
  await s.next('cleared')
  await fetch(`${base}/__admin/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"all":true}' })
  await s.next('cleared')
  t.equal(s.events.filter((e) => e.event === 'cleared').length, 3)
})

t.test('refusals are sandbox errors: a malformed namespace, a missing admin token', async (t) => {
  const { base } = await listen(t, ['--admin-token', 'sesame'])
  const bad = await fetch(`${base}/__admin/requests/stream?namespace=${encodeURIComponent('no spaces')}`, { headers: { authorization: 'Bearer sesame' } })
  t.equal(bad.status, 400)
  t.equal(bad.headers.get('x-sandbox-error'), 'invalid-namespace')
  const anon = await fetch(`${base}/__admin/requests/stream`)
  t.equal(anon.status, 401)
  t.equal(((await anon.json()) as any).sandbox_error.code, 'admin-unauthorized')
  const s = await open(t, base, '', { authorization: 'Bearer sesame' })
  t.same((await s.next('ready')).data, { namespace: 'default' })
})

t.test('a closed stream unsubscribes', async (t) => {
  const { app, base } = await listen(t)
  // node:http, not fetch: destroying the request closes its socket at once (undici's abort lets the
  // socket linger for seconds), which is what a closed browser tab does.
  const req = get(`${base}/__admin/requests/stream?namespace=gone`)
  const res = await new Promise<IncomingMessage>((resolve) => { req.once('response', resolve) })
  await new Promise((resolve) => { res.once('data', resolve) })
  const listeners = (): number => ((app.core.journal as any).listeners as Map<string, Set<unknown>>).get('gone')?.size ?? 0
  t.equal(listeners(), 1)
  req.destroy()
  await new Promise<void>((resolve) => {
    const check = (): void => { if (listeners() === 0) resolve(); else setImmediate(check) }
    check()
  })
  t.equal(listeners(), 0)
})

t.test('closing the app ends the streams still open, so the close does not wait for their clients', async (t) => {
  const app = await build(t, { fresh: true })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const req = get(`${base}/__admin/requests/stream?namespace=open`)
  const res = await new Promise<IncomingMessage>((resolve) => { req.once('response', resolve) })
  await new Promise((resolve) => { res.once('data', resolve) })
  const ended = new Promise((resolve) => { res.once('end', () => { resolve('ended') }) })
  const closed = new Promise((resolve) => { req.socket?.once('close', () => { resolve('closed') }) })
  await app.close()
  t.equal(await ended, 'ended', "the client sees the stream's end")
  t.equal(await closed, 'closed', 'and its connection closed')
})
