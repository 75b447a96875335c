/**
 * The request journal: every vendor request and response, newest first, images as {bytes, sha256},
 * filters, cap per namespace, clear; recorded off the request path.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { Budget, DigestedBinary, headersOf, isBase64Payload, redact, summarise } from '../../src/core/journal/summarise.js'
import { sha256Hex } from '../../src/core/hash.js'
import { build, json, multipart } from '../helper.js'
import { photo } from '../images.js'

const KEY = { 'x-api-key': 'k' }
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

t.test('every vendor request is journaled with operation, status, request and response; newest first', async (t) => {
  const app = await build(t)
  const img = await photo()
  await app.inject({ method: 'POST', url: '/gtriip/liveness/?trace=1', headers: KEY, payload: { image_bytes: img.toString('base64') } })
  await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: {}, payload: {} })
  const res = await app.inject({ method: 'GET', url: '/__admin/requests' })
  t.equal(res.statusCode, 200)
  const [second, first] = json(res).requests
  t.equal(second.status, 401)
  t.equal(first.status, 200)
  t.match(first, { vendor: 'gtriip', operation: 'gtriip.liveness', method: 'POST', path: '/gtriip/liveness/?trace=1', scenario: null })
  t.equal(first.time, '2026-01-15T09:00:00.000Z', 'time on the virtual clock')
  t.same(first.request.query, { trace: '1' })
  t.equal(first.request.headers['x-api-key'], redact('k'), 'the API key is redacted')
  t.same(first.request.body.image_bytes, { bytes: img.length, sha256: sha(img) }, 'base64 image stored as bytes and sha256')
  t.equal(first.response.body.success, true)
  t.ok(first.id < second.id)
})

t.test('multipart files are journaled as {bytes, sha256} with their filename, never inline', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 4 })
  await app.inject({ method: 'POST', url: '/gtriip/liveness/', ...multipart([{ name: 'image', value: img, filename: 'me.jpg', contentType: 'image/jpeg' }], KEY) })
  const [entry] = json(await app.inject({ method: 'GET', url: '/__admin/requests?limit=1' })).requests
  t.same(entry.request.body.files, [{ field: 'image', filename: 'me.jpg', mimetype: 'image/jpeg', content: { bytes: img.length, sha256: sha(img) } }])
  t.notOk(JSON.stringify(entry).includes(img.subarray(0, 30).toString('base64')), 'no image bytes inline')
})

t.test('the journal records the scenario that applied', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...KEY, 'x-sandbox-scenario': 'gtriip/spoof' }, payload: { image_bytes: (await photo()).toString('base64') } })
  const [entry] = json(await app.inject({ method: 'GET', url: '/__admin/requests?scenario=gtriip/spoof' })).requests
  t.equal(entry.scenario, 'gtriip/spoof')
})

t.test('filters: vendor, operation, status, limit', async (t) => {
  const app = await build(t)
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: KEY, payload: {} })
  await app.inject({ method: 'POST', url: '/gtriip/nowhere', headers: KEY })
  const q = async (qs: string): Promise<any[]> => json(await app.inject({ method: 'GET', url: `/__admin/requests?${qs}` })).requests
  t.equal((await q('vendor=gtriip')).length, 4)
  t.equal((await q('operation=gtriip.liveness')).length, 3)
  t.equal((await q('status=404')).length, 1)
  t.equal((await q('limit=2')).length, 2)
  t.equal((await q('vendor=oz')).length, 0)
  const bad = await app.inject({ method: 'GET', url: '/__admin/requests?limit=0' })
  t.equal(bad.statusCode, 400)
  t.equal(json(bad).sandbox_error.code, 'invalid-request')
})

t.test('journals are per namespace, capped per namespace, and cleared by DELETE', async (t) => {
  const app = await build(t, { settings: { journal: { max_per_namespace: 3 } } })
  const a = { 'x-sandbox-namespace': 'a' }
  const b = { 'x-sandbox-namespace': 'b' }
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: `/gtriip/liveness/?i=${i}`, headers: { ...KEY, ...a }, payload: {} })
  await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...KEY, ...b }, payload: {} })
  const inA = json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: a })).requests
  t.same(inA.map((e: any) => e.request.query.i), ['4', '3', '2'], 'only the newest 3 are kept')
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: b })).requests.length, 1)
  const del = await app.inject({ method: 'DELETE', url: '/__admin/requests', headers: a })
  t.same(json(del), { cleared: 3 })
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: a })).requests.length, 0)
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: b })).requests.length, 1, 'other namespaces keep theirs')
})

t.test('recording does not write on the request path: entries are batched and flushed before a query', async (t) => {
  const app = await build(t)
  const before = app.core.db.prepare('SELECT count(*) FROM core_journal').pluck().get() as number
  await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: KEY, payload: {} })
  t.equal(app.core.db.prepare('SELECT count(*) FROM core_journal').pluck().get(), before, 'nothing written when the response is out')
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/requests' })).requests.length, 1, 'a query includes it')
})

t.test('summarise: buffers, data URIs and long base64 become {bytes, sha256}; long text is cut', async (t) => {
  const bin = Buffer.alloc(300, 7)
  t.same(summarise(bin, 100), { bytes: 300, sha256: sha(bin) })
  t.same(summarise(`data:image/png;base64,${bin.toString('base64')}`, 100), { bytes: 300, sha256: sha(bin) })
  t.same(summarise({ a: [bin.toString('base64')] }, 100), { a: [{ bytes: 300, sha256: sha(bin) }] })
  t.equal(summarise('short text', 100), 'short text')
  t.match(summarise('word '.repeat(100), 100), /… \[cut: 500 chars\]$/)
})

t.test('summarise within a budget: what is over it is cut, and the budget says so', async (t) => {
  const budget = new Budget(1000, 600)
  const out = summarise({ a: 'x '.repeat(350), b: 'y '.repeat(350), c: 'z '.repeat(350) }, budget) as Record<string, string>
  t.match(out.a, /^(x ){300}… \[cut: 700 chars\]$/)
  t.match(out.b, /^(y ){200}… \[cut: 700 chars\]$/)
  t.match(out['…'], /max_entry_bytes/)
  t.equal(budget.cut, true)
})

t.test('credentials are redacted: a short prefix and a hash tell two keys apart without keeping them', async (t) => {
  const secrets = { headers: new Set(['x-api-key']), fields: new Set(['pin', 'session_id']) }
  t.match(headersOf({ 'x-api-key': 'secret-key-123456', accept: '*/*' }, secrets), { 'x-api-key': /^secr…\[redacted [0-9a-f]{12}\]$/, accept: '*/*' })
  const a = summarise({ data: { pin: '123456', session_id: 'abc' } }, 100, secrets) as any
  t.match(a.data.pin, /^…\[redacted [0-9a-f]{12}\]$/, 'short secrets keep no prefix')
  t.not(redact('key-one-000000'), redact('key-two-000000'))
  t.equal(redact('key-one-000000'), redact('key-one-000000'))
})

t.test('an entry keeps at most journal.max_entry_bytes of body text, marked truncated; the query answers', async (t) => {
  const app = await build(t, { settings: { journal: { max_entry_bytes: 64 * 1024 } } })
  // The shape that made the journal unreadable: a JSON body of many long strings.
  const body = { image_bytes: 'not base64 at all! '.repeat(10), filler: Array.from({ length: 100 }, (_, i) => `${i} `.repeat(20_000)) }
  const res = await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: KEY, payload: body })
  t.equal(res.statusCode, 400)
  const list = await app.inject({ method: 'GET', url: '/__admin/requests' })
  t.equal(list.statusCode, 200)
  const [entry] = json(list).requests
  t.equal(entry.truncated, true)
  t.ok(list.payload.length < 80 * 1024, `the entry is ${list.payload.length} bytes of JSON`)
  t.match(entry.request.body.filler[1], /… \[cut: \d+ chars\]$/, 'the second string is cut')
  t.match(entry.request.body.filler.at(-1), /^\[cut: \d+ more items\]$/)
})

t.test('the journals of all namespaces together stay within journal.max_total_bytes: the oldest go first', async (t) => {
  const app = await build(t, { settings: { journal: { max_entry_bytes: 64 * 1024, max_total_bytes: 1024 * 1024 } } })
  const filler = 'z '.repeat(30 * 1024)
  for (let i = 0; i < 40; i++) {
    await app.inject({ method: 'POST', url: `/gtriip/liveness/?i=${i}`, headers: { ...KEY, 'x-sandbox-namespace': `ns${i % 2}` }, payload: { filler } })
  }
  const kept = [...json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: { 'x-sandbox-namespace': 'ns0' } })).requests,
    ...json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: { 'x-sandbox-namespace': 'ns1' } })).requests]
  const ids = kept.map((e: any) => Number(e.request.query.i)).sort((a: number, b: number) => a - b)
  t.ok(kept.length < 40 && kept.length >= 8, `${kept.length} entries kept`)
  t.same(ids, Array.from({ length: kept.length }, (_, k) => 40 - kept.length + k), 'the newest ones, across namespaces')
})

t.test('a long run keeps only what the caps allow: entries evicted by the namespace cap are let go (no leak)', async (t) => {
  const app = await build(t, { settings: { journal: { max_per_namespace: 10 } } })
  for (let i = 0; i < 2500; i++) await app.inject({ method: 'GET', url: '/oz/v1/face/pattern/health' })
  t.equal(app.core.journal.count('default'), 10)
  // The byte cap's arrival list is never reached here (tiny entries): before the fix it held all 2500.
  const held = (app.core.journal as unknown as { arrival: unknown[] }).arrival.length
  t.ok(held <= 10 + 2 * 1025, `${held} entries still referenced`)
})

t.test('summarise: a payload a vendor already digested shows as the bytes would, without its text being decoded again', async (t) => {
  const bytes = Buffer.alloc(300, 7)
  const text = bytes.toString('base64')
  t.ok(isBase64Payload(text))
  t.notOk(isBase64Payload('a short text'))
  t.same(summarise({ images: [new DigestedBinary(bytes.length, sha256Hex(bytes))] }, 1000), summarise({ images: [text] }, 1000))
})
