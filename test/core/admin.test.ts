/**
 * The admin API (CONTRACT.md): health, clock, reset, namespaces, the admin token, and the sandbox's
 * own error shape.
 */
import t from 'tap'
import { build, json } from '../helper.js'
import { photo } from '../images.js'

t.test('GET /__admin/health answers ok with the served vendors', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/__admin/health' })
  t.equal(res.statusCode, 200)
  t.same(json(res).vendors, ['weber', 'gtriip', 'fpt', 'riset', 'oz'])
  t.equal(json(res).status, 'ok')
  const one = await build(t, { argv: ['--vendor', 'oz'] })
  t.same(json(await one.inject({ method: 'GET', url: '/__admin/health' })).vendors, ['oz'])
})

t.test('clock: GET, advance per namespace, reset', async (t) => {
  const app = await build(t)
  const ns = { 'x-sandbox-namespace': 'clock-test' }
  t.same(json(await app.inject({ method: 'GET', url: '/__admin/clock', headers: ns })), { now: '2026-01-15T09:00:00.000Z', offset_ms: 0 })
  const adv = await app.inject({ method: 'POST', url: '/__admin/clock/advance', headers: ns, payload: { seconds: 1801.5 } })
  t.same(json(adv), { now: '2026-01-15T09:30:01.500Z', offset_ms: 1801500 })
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', headers: ns, payload: { seconds: 60 } })
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/clock', headers: ns })).offset_ms, 1861500, 'advances add up')
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/clock' })).offset_ms, 0, 'the default namespace did not move')
  const reset = await app.inject({ method: 'POST', url: '/__admin/clock/reset', headers: ns })
  t.same(json(reset), { now: '2026-01-15T09:00:00.000Z', offset_ms: 0 })
})

t.test('clock advance refuses a negative or missing number with a sandbox error', async (t) => {
  const app = await build(t)
  for (const payload of [{ seconds: -1 }, {}, { seconds: 'ten' }, { seconds: 1, extra: true }]) {
    const res = await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload })
    t.equal(res.statusCode, 400)
    t.equal(res.headers['x-sandbox-error'], 'invalid-request')
    t.match(json(res), { sandbox_error: { code: 'invalid-request', message: /body/ } })
  }
  const notJson = await app.inject({ method: 'POST', url: '/__admin/clock/advance', headers: { 'content-type': 'application/json' }, payload: '{seconds' })
  t.equal(json(notJson).sandbox_error.code, 'invalid-json')
})

t.test('reset drops the namespace state: journal, clock, active scenario; {"all":true} every namespace', async (t) => {
  const app = await build(t)
  const a = { 'x-sandbox-namespace': 'a' }
  const b = { 'x-sandbox-namespace': 'b' }
  for (const ns of [a, b]) {
    await app.inject({ method: 'POST', url: '/__admin/clock/advance', headers: ns, payload: { seconds: 10 } })
    await app.inject({ method: 'PUT', url: '/__admin/scenario', headers: ns, payload: { name: 'gtriip/spoof' } })
    await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...ns, 'x-api-key': 'k' }, payload: { image_bytes: (await photo()).toString('base64') } })
  }
  const res = await app.inject({ method: 'POST', url: '/__admin/reset', headers: a })
  t.same(json(res), { reset: 'namespace', namespace: 'a' })
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/clock', headers: a })).offset_ms, 0)
  t.same(json(await app.inject({ method: 'GET', url: '/__admin/scenario', headers: a })).active, {})
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: a })).requests.length, 0)
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/clock', headers: b })).offset_ms, 10000, 'b untouched')
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: b })).requests.length, 1)
  const all = await app.inject({ method: 'POST', url: '/__admin/reset', payload: { all: true } })
  t.same(json(all), { reset: 'all', namespace: null })
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/clock', headers: b })).offset_ms, 0)
  t.same(json(await app.inject({ method: 'GET', url: '/__admin/scenario', headers: b })).active, {})
})

t.test('reset accepts an empty body with a JSON content type (curl -X POST -H content-type...)', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/__admin/reset', headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(res.statusCode, 200)
})

t.test('a malformed X-Sandbox-Namespace is refused with a sandbox error, on admin and vendor routes', async (t) => {
  const app = await build(t)
  for (const url of ['/__admin/clock', '/gtriip/liveness/']) {
    const res = await app.inject({ method: url.startsWith('/__admin') ? 'GET' : 'POST', url, headers: { 'x-sandbox-namespace': '../etc passwd', 'x-api-key': 'k' } })
    t.equal(res.statusCode, 400)
    t.equal(res.headers['x-sandbox-error'], 'invalid-namespace')
  }
})

t.test('--admin-token: admin calls need the bearer token, health does not, vendor routes do not', async (t) => {
  const app = await build(t, { argv: ['--admin-token', 's3cret'] })
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
  const no = await app.inject({ method: 'GET', url: '/__admin/clock' })
  t.equal(no.statusCode, 401)
  t.equal(json(no).sandbox_error.code, 'admin-unauthorized')
  t.equal((await app.inject({ method: 'GET', url: '/__admin/clock', headers: { authorization: 'Bearer wrong!' } })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/__admin/clock', headers: { authorization: 'Bearer s3cret' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { 'x-api-key': 'k' }, payload: {} })).statusCode, 400, 'vendor routes are not behind the admin token')
})

t.test('unknown admin calls and unknown root paths answer a sandbox error 404', async (t) => {
  const app = await build(t)
  const a = await app.inject({ method: 'GET', url: '/__admin/nothing' })
  t.equal(a.statusCode, 404)
  t.equal(json(a).sandbox_error.code, 'unknown-admin-call')
  const b = await app.inject({ method: 'GET', url: '/nothing-here' })
  t.equal(b.statusCode, 404)
  t.equal(b.headers['x-sandbox-error'], 'not-found')
  t.match(json(b).sandbox_error.message, /\/gtriip/)
})

t.test('namespaces isolate the active scenario and the journal of parallel test runs', async (t) => {
  const app = await build(t)
  const img = { image_bytes: (await photo()).toString('base64') }
  await app.inject({ method: 'PUT', url: '/__admin/scenario', headers: { 'x-sandbox-namespace': 'run-1' }, payload: { name: 'gtriip/052-face-mask' } })
  const [one, two] = await Promise.all(['run-1', 'run-2'].map(async (ns) => await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { 'x-sandbox-namespace': ns, 'x-api-key': 'k' }, payload: img })))
  t.equal(json(one as any).error_code, '052')
  t.equal(json(two as any).success, true)
  const j = json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: { 'x-sandbox-namespace': 'run-2' } })).requests
  t.equal(j.length, 1)
  t.equal(j[0].status, 200)
})
