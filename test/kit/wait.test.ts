/**
 * waitForRequest: the journal is queried once, then the live journal feed (server-sent events on
 * GET /__admin/requests/stream) brings new entries; nothing polls. Tested against a small stand-in
 * sandbox that serves the query and the feed as the admin API documents them, and against the real
 * sandbox. The server-sent events parser on its own.
 */
import http from 'node:http'
import t from 'tap'
import { SandboxClient, startSandbox, WaitTimeoutError, type JournalEntry } from '../../src/kit/index.js'
import { sseParser, type ServerSentEvent } from '../../src/kit/http.js'

function entry (id: number, operation: string, status = 200): JournalEntry {
  return {
    id,
    time: '2026-01-15T09:00:00.000Z',
    vendor: operation.split('.')[0] as 'fpt',
    operation,
    method: 'POST',
    path: `/fpt/${operation}`,
    status,
    scenario: null,
    duration_ms: 1,
    request: { headers: {}, query: {}, body: null },
    response: { headers: {}, body: null }
  }
}

interface StandIn {
  url: string
  journal: JournalEntry[]
  queries: URL[]
  streams: Array<{ url: URL, headers: http.IncomingHttpHeaders, res: http.ServerResponse }>
  /** Resolves when the next feed is opened. */
  nextStream: () => Promise<StandIn['streams'][number]>
  send: (e: JournalEntry) => void
}

/** The admin API's journal query and live feed, as documented; the journal is what the test puts in it. */
async function standIn (t: { teardown: (fn: () => void) => void }): Promise<StandIn> {
  const s: StandIn = { url: '', journal: [], queries: [], streams: [], nextStream: async () => await Promise.reject(new Error('unset')), send: () => {} }
  let waiting: ((x: StandIn['streams'][number]) => void) | undefined
  s.nextStream = async () => await new Promise((resolve) => { waiting = resolve })
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/__admin/requests/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write(': the live journal\n\n')
      const stream = { url, headers: req.headers, res }
      s.streams.push(stream)
      waiting?.(stream)
      return
    }
    if (url.pathname === '/__admin/requests') {
      s.queries.push(url)
      const op = url.searchParams.get('operation')
      const limit = Number(url.searchParams.get('limit') ?? 100)
      const found = s.journal.filter((e) => op === null || e.operation === op).sort((a, b) => b.id - a.id).slice(0, limit)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests: found }))
      return
    }
    res.writeHead(404).end()
  })
  s.send = (e) => {
    s.journal.push(e)
    // A multi-line data field and an id, as a feed may send them.
    for (const st of s.streams) st.res.write(`event: request\nid: ${e.id}\ndata: ${JSON.stringify(e, null, 1).split('\n').join('\ndata: ')}\n\n`)
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  s.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return s
}

t.test('an entry already there: resolved from the one query', async (t) => {
  const s = await standIn(t)
  s.journal.push(entry(1, 'fpt.ocr'), entry(2, 'fpt.liveness'))
  const kit = new SandboxClient({ url: s.url, namespace: 'ns-1' })
  const found = await kit.waitForRequest({ operation: 'fpt.ocr' })
  t.equal(found.id, 1)
  t.equal(s.queries.length, 1)
  t.equal(s.queries[0]?.searchParams.get('limit'), '1')
})

t.test('an entry that arrives later comes from the feed: one query, no polling; filter, namespace and token sent', async (t) => {
  const s = await standIn(t)
  const kit = new SandboxClient({ url: s.url, namespace: 'ns-2', adminToken: 'sesame' })
  const wait = kit.waitForRequest({ operation: 'fpt.liveness', status: 200 }, { timeoutMs: 60_000 })
  const stream = await s.nextStream()
  t.equal(stream.url.searchParams.get('operation'), 'fpt.liveness')
  t.equal(stream.url.searchParams.get('status'), '200')
  t.equal(stream.headers['x-sandbox-namespace'], 'ns-2')
  t.equal(stream.headers.authorization, 'Bearer sesame')
  t.equal(stream.headers.accept, 'text/event-stream')
  await new Promise((resolve) => setImmediate(resolve))
  s.send(entry(7, 'fpt.liveness', 500)) // the stand-in does not filter: the client checks too
  s.send(entry(8, 'fpt.liveness', 200))
  const found = await wait
  t.equal(found.id, 8)
  t.equal(s.queries.length, 1, 'the journal was queried once')
  await new Promise((resolve) => stream.res.once('close', resolve))
  t.pass('the feed is closed once the entry is found')
})

t.test('a predicate: applied to the query\'s entries and to the feed\'s', async (t) => {
  const s = await standIn(t)
  s.journal.push(entry(1, 'fpt.ocr'))
  const kit = new SandboxClient({ url: s.url })
  const wait = kit.waitForRequest(function backSide (e) { return e.id > 1 && e.operation === 'fpt.ocr' }, { timeoutMs: 60_000 })
  const stream = await s.nextStream()
  t.equal(stream.url.search, '', 'no filter sent with a predicate')
  await new Promise((resolve) => setImmediate(resolve))
  s.send(entry(2, 'fpt.ocr'))
  t.equal((await wait).id, 2)
  t.equal(s.queries[0]?.searchParams.get('limit'), '100')
})

t.test('timeout: WaitTimeoutError listing what the namespace did receive', async (t) => {
  const s = await standIn(t)
  s.journal.push(entry(1, 'fpt.session_init'), entry(2, 'fpt.ocr', 400))
  const kit = new SandboxClient({ url: s.url, namespace: 'ns-3' })
  const err = await kit.waitForRequest({ operation: 'fpt.liveness' }, { timeoutMs: 50 }).catch((e: unknown) => e) as WaitTimeoutError
  t.type(err, WaitTimeoutError)
  t.equal(err.namespace, 'ns-3')
  t.same(err.received.map((e) => e.id), [2, 1])
  t.equal(err.message, [
    'waitForRequest: no request matching {"operation":"fpt.liveness"} reached namespace "ns-3" within 50 ms. It received 2 (newest first):',
    '  #2 2026-01-15T09:00:00.000Z POST /fpt/fpt.ocr -> 400 fpt.ocr',
    '  #1 2026-01-15T09:00:00.000Z POST /fpt/fpt.session_init -> 200 fpt.session_init'
  ].join('\n'))
  const empty = await standIn(t)
  const none = await new SandboxClient({ url: empty.url, namespace: 'ns-4' }).waitForRequest({}, { timeoutMs: 20 }).catch((e: unknown) => e) as WaitTimeoutError
  t.equal(none.message, 'waitForRequest: no request matching {} reached namespace "ns-4" within 20 ms. It received no request at all: does your client send X-Sandbox-Namespace: ns-4 (client.headers())?')
})

t.test('an abort signal stops the wait with its reason', async (t) => {
  const s = await standIn(t)
  const kit = new SandboxClient({ url: s.url })
  const controller = new AbortController()
  const wait = kit.waitForRequest({ operation: 'fpt.ocr' }, { timeoutMs: 60_000, signal: controller.signal })
  await s.nextStream()
  controller.abort(new Error('test over'))
  await t.rejects(wait, { message: 'test over' })
})

t.test('the feed ending (the sandbox stopping) rejects the wait, saying so', async (t) => {
  const s = await standIn(t)
  const kit = new SandboxClient({ url: s.url })
  const wait = kit.waitForRequest({ operation: 'fpt.ocr' }, { timeoutMs: 60_000 })
  const stream = await s.nextStream()
  await new Promise((resolve) => setImmediate(resolve))
  stream.res.end()
  await t.rejects(wait, { name: 'NotASandboxError', message: /the live journal feed ended/ })
})

t.test('against the sandbox: resolves with a request answered after the wait began', async (t) => {
  const sandbox = await startSandbox()
  t.teardown(() => sandbox.close())
  const kit = sandbox.client()
  const wait = kit.waitForRequest({ vendor: 'fpt', status: 401 }, { timeoutMs: 30_000 })
  await fetch(`${sandbox.vendorUrl('fpt')}/session/init`, { method: 'POST', headers: { 'device-type': 'android', ...kit.headers() } })
  const found = await wait
  t.match(found, { vendor: 'fpt', operation: 'fpt.session_init', status: 401, path: '/fpt/session/init' })
  t.equal((await kit.waitForRequest({ status: 401 })).id, found.id, 'at once when it is already there')
  await t.rejects(kit.waitForRequest({ status: 200 }, { timeoutMs: 100 }), { name: 'WaitTimeoutError', message: /It received 1 \(newest first\):\n {2}#\d+ .* POST \/fpt\/session\/init -> 401 fpt\.session_init$/ })
})

t.test('the server-sent events parser: fields, multi-line data, comments, CRLF, chunks split anywhere', async (t) => {
  const text = ': comment\r\nevent: request\r\nid: 1\r\ndata: {"a":\r\ndata: 1}\r\n\r\ndata: plain\n\nevent: ping\ndata:x\r\rdata: no end'
  for (const size of [1, 2, 3, 7, text.length]) {
    const events: ServerSentEvent[] = []
    const feed = sseParser((e) => events.push(e))
    for (let i = 0; i < text.length; i += size) feed(text.slice(i, i + size))
    t.same(events, [
      { event: 'request', data: '{"a":\n1}', id: '1' },
      { event: 'message', data: 'plain', id: '1' },
      { event: 'ping', data: 'x', id: '1' }
    ], `chunks of ${size}`)
  }
})
