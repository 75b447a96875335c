/**
 * The request journal: every vendor request and response, newest first, images as {bytes, sha256},
 * filters, cap per namespace, clear; recorded off the request path.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { summarise } from '../../src/core/journal.js'
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
  t.equal(first.request.headers['x-api-key'], 'k')
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
  t.match(summarise('word '.repeat(100), 100), /… \[500 chars\]$/)
})
