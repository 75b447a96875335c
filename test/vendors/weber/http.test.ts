/**
 * The Weber server's HTTP behaviour: gin defaults, its CORS middleware, the body-binding quirk and
 * Go's JSON (vendor-notes §1.1, §1.2; Weber rulings); and, at the end, the pieces the emulation builds
 * on: Go's encoding/json as BindJSON uses it, go-playground's validator messages (§1.4).
 */
import t from 'tap'
import { bind, goStruct, parseFirstValue, toPlain } from '../../../src/vendors/weber/gojson.js'
import { email, firstFailure, isPositiveInt64, max, min, numeric, required } from '../../../src/vendors/weber/validator.js'
import { build, json } from '../../helper.js'
import { BASE, get, post, VISITOR, visitor } from './fixtures/weber.js'

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': 'GET, POST, PATCH',
  'access-control-allow-headers': 'Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, accept, origin, Cache-Control, X-Requested-With, X-Sandbox-Scenario, X-Sandbox-Namespace'
}

t.test('the CORS middleware headers are on every answer: success, error, 404', async (t) => {
  const app = await build(t)
  const answers = [
    await get(app, '/services'),
    await post(app, '/ekyc', { session_id: 'nope' }),
    await app.inject({ method: 'GET', url: '/weber/nothing/here' }),
    await app.inject({ method: 'DELETE', url: `${BASE}/visitors` })
  ]
  for (const res of answers) t.match(res.headers, CORS, `${res.statusCode} carries the CORS headers`)
})

t.test('any OPTIONS request gets 204 with no body, on known and unknown paths', async (t) => {
  const app = await build(t)
  for (const url of [`${BASE}/visitors`, `${BASE}/face-payment/pay`, '/weber/anything/at/all', '/weber/', '/weber']) {
    const res = await app.inject({ method: 'OPTIONS', url, headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } })
    t.equal(res.statusCode, 204, url)
    t.equal(res.payload, '')
    t.match(res.headers, CORS)
    t.notOk(res.headers['content-type'])
  }
})

t.test('an unknown path and a known path with the wrong method are 404 "404 page not found" in text/plain, never 405', async (t) => {
  const app = await build(t)
  for (const [method, url] of [['GET', '/weber/api/v2/visitors'], ['GET', `${BASE}/visitors`], ['PUT', `${BASE}/face-payment/account`], ['DELETE', `${BASE}/services/ekyc`], ['POST', `${BASE}/services`]] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.headers['content-type'], 'text/plain')
    t.equal(res.payload, '404 page not found')
  }
})

t.test('a trailing slash is redirected to the route without it: 301 for GET with a small HTML body, 307 for other methods, no CORS headers', async (t) => {
  const app = await build(t)
  const g = await app.inject({ method: 'GET', url: `${BASE}/services/?type=analytic` })
  t.equal(g.statusCode, 301)
  t.equal(g.headers.location, `${BASE}/services?type=analytic`)
  t.equal(g.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(g.payload, `<a href="${BASE}/services?type=analytic">Moved Permanently</a>.\n\n`)
  t.notOk(g.headers['access-control-allow-origin'], 'gin redirects before the middleware runs')
  const p = await app.inject({ method: 'POST', url: `${BASE}/visitors/`, payload: VISITOR })
  t.equal(p.statusCode, 307)
  t.equal(p.headers.location, `${BASE}/visitors`)
  t.equal(p.payload, '')
  const none = await app.inject({ method: 'GET', url: `${BASE}/face-payment/account/` })
  t.equal(none.statusCode, 404, 'no GET route without the slash: 404')
  const emptyParam = await app.inject({ method: 'POST', url: `${BASE}/services/`, payload: {} })
  t.equal(emptyParam.statusCode, 404, 'an empty :id segment does not match the route')
})

t.test('JSON answers are application/json; charset=utf-8 with their top-level keys sorted', async (t) => {
  const app = await build(t)
  const res = await post(app, '/visitors', VISITOR)
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  t.same(Object.keys(json(res)), ['data', 'message', 'ok'])
  const err = await post(app, '/activities', { service_id: 1, session_id: 'x' })
  t.same(Object.keys(json(err)), ['message', 'ok'])
})

t.test('no body at all: the handler still runs on an empty request, and HTTP 400 is kept whatever it answers', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: `${BASE}/ekyc` })
  t.equal(res.statusCode, 400)
  t.same(json(res), { message: 'Session ID is not valid', ok: false })
  t.equal(res.headers['content-type'], 'text/plain; charset=utf-8', 'the headers were flushed before the JSON renderer: sniffed as text')
})

t.test('a body that is not JSON runs the handler empty, with HTTP 400', async (t) => {
  const app = await build(t)
  for (const payload of ['{"session_id": ', 'hello', '[]', '"text"', '']) {
    const res = await app.inject({ method: 'POST', url: `${BASE}/visitors`, headers: { 'content-type': 'application/json' }, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.same(json(res), { message: 'email is a required field', ok: false })
  }
})

t.test('a field of the wrong type leaves it empty, fills the others, and the success body goes out with HTTP 400', async (t) => {
  const app = await build(t)
  // company_size is a string: a number does not bind; everything else does and the visitor is created.
  const res = await post(app, '/visitors', { ...VISITOR, company_size: 50 })
  t.equal(res.statusCode, 400)
  const body = json(res)
  t.equal(body.ok, true)
  t.equal(body.message, 'Data has been processed successfully')
  const session = body.data[0].session_id as string
  const ok = await post(app, '/activities', { service_id: 1, session_id: session, completeness: 10 })
  t.equal(ok.statusCode, 200, 'the session exists: the handler stored the visitor')
})

t.test('"rating": "5" does not bind, so the rating is missing', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, '/feedback/1', { session_id: session, rating: '5', comment: 'great' })
  t.equal(res.statusCode, 400)
  t.same(json(res), { message: 'rating is a required field', ok: false })
  const neg = await post(app, '/feedback/1', { session_id: session, rating: -1, comment: 'great' })
  t.same(json(neg), { message: 'rating is a required field', ok: false }, 'rating is unsigned: -1 does not bind either')
})

t.test("Go's decoder: the body is read whatever its content type, keys match case-insensitively, bytes after the first value are ignored", async (t) => {
  const app = await build(t)
  const asText = await app.inject({ method: 'POST', url: `${BASE}/visitors`, headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(VISITOR) })
  t.equal(asText.statusCode, 200)
  const noType = await app.inject({ method: 'POST', url: `${BASE}/visitors`, headers: { 'content-type': '' }, payload: JSON.stringify(VISITOR) })
  t.equal(noType.statusCode, 200)
  const upper = await post(app, '/visitors', { EMAIL: 'a@b.io', Full_Name: 'Ab', company: 'Co', JOB_TITLE: 'Jt', industry: 'In' })
  t.equal(upper.statusCode, 200)
  // The document's check-limit example has a stray closing brace.
  const stray = await app.inject({ method: 'POST', url: `${BASE}/visitors`, headers: { 'content-type': 'application/json' }, payload: `${JSON.stringify(VISITOR)}\n   }\n}` })
  t.equal(stray.statusCode, 200)
})

t.test('an integer field takes only integer literals: 5.0 and 1e3 do not bind', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (const literal of ['5.0', '1e3', '99999999999999999999']) {
    const res = await app.inject({ method: 'POST', url: `${BASE}/feedback/1`, headers: { 'content-type': 'application/json' }, payload: `{"session_id":"${session}","rating":${literal},"comment":"x"}` })
    t.equal(res.statusCode, 400, literal)
    t.equal(json(res).message, 'rating is a required field')
  }
})

t.test('a body over 16 MiB is refused with 413 in the vendor shape, and the server stays healthy', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: `${BASE}/ekyc`, headers: { 'content-type': 'application/json' }, payload: `{"session_id":"${'x'.repeat(17 * 1024 * 1024)}"}` })
  t.equal(res.statusCode, 413)
  t.same(json(res), { message: 'http: request body too large', ok: false })
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
})

t.test('GET /ping answers the JSON string "pong"', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/weber/ping' })
  t.equal(res.statusCode, 200)
  t.equal(res.payload, '"pong"')
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
})

t.test('with --vendor weber the API answers at the root', async (t) => {
  const app = await build(t, { argv: ['--vendor', 'weber'] })
  const res = await app.inject({ method: 'GET', url: '/api/v1/services?type=solution' })
  t.equal(res.statusCode, 200)
  t.equal(json(res).data.length, 3)
  const slash = await app.inject({ method: 'GET', url: '/api/v1/services/' })
  t.equal(slash.headers.location, '/api/v1/services')
  t.equal((await app.inject({ method: 'GET', url: '/weber/api/v1/services' })).statusCode, 404)
})

t.test('an unknown X-Sandbox-Scenario is the sandbox\'s own 400, with the CORS headers so a browser can read it', async (t) => {
  const app = await build(t)
  const res = await get(app, '/services', { 'x-sandbox-scenario': 'weber/no-such-thing' })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-sandbox-error'], 'unknown-scenario')
  t.equal(json(res).sandbox_error.code, 'unknown-scenario')
  t.match(res.headers, CORS)
})

t.test('the journal records the JSON the client sent and the weber operation', async (t) => {
  const app = await build(t)
  await post(app, '/visitors', VISITOR)
  await app.inject({ method: 'POST', url: `${BASE}/visitors`, headers: { 'content-type': 'application/json' }, payload: 'not json' })
  const journal = json(await app.inject({ method: 'GET', url: '/__admin/requests?vendor=weber' })).requests
  t.equal(journal[0].operation, 'weber.createVisitor')
  t.equal(journal[0].request.body, 'not json')
  t.equal(journal[0].status, 400)
  t.same(journal[1].request.body, VISITOR)
})

// ---- Go's encoding/json and go-playground's validator, directly ----

function plain (text: string): unknown {
  const r = parseFirstValue(text)
  return r.ok ? toPlain(r.value) : r.reason
}

const Spec = goStruct({ name: 'string', count: 'int', size: 'uint', twin: '*bool', flag: 'bool', tags: '[]string', params: 'map', data: goStruct({ images: '[]string' }) })

t.test('only the first JSON value is read; an object ends at its closing brace', async (t) => {
  t.same(plain('{"a":1}}garbage'), { a: 1 })
  t.equal(parseFirstValue('12x').ok, false, 'a scalar needs a delimiter')
  t.equal(parseFirstValue('  ').ok, false, 'EOF')
  t.equal(parseFirstValue('{"a":').ok, false)
  t.equal(parseFirstValue('{"a":01}').ok, false, 'no leading zeros')
  t.equal(parseFirstValue('{"a":"\u0001"}').ok, false, 'no raw control characters in strings')
  t.equal(parseFirstValue('{"a":"\\x"}').ok, false, 'no unknown escapes')
  t.same(plain('{"a":"\\u00e9\\n\\"q\\""}'), { a: 'é\n"q"' })
  t.equal(parseFirstValue('['.repeat(200_000)).ok, false, 'absurd nesting is refused, not a crash')
})

t.test('binding fills the struct; a wrong type leaves that field zero, keeps the others, and reports the first error', async (t) => {
  const r = bind(Spec, parseFirstValue('{"name":"x","count":"5","size":3,"twin":false,"tags":["a",1],"params":{"k":[1]},"data":{"images":["i"]}}'))
  t.same(r.value, { name: 'x', count: 0, size: 3, twin: false, flag: false, tags: ['a', ''], params: { k: [1] }, data: { images: ['i'] } })
  t.match(r.error, /cannot unmarshal string into Go struct field count of type int/)
})

t.test('integers: the literal decides; unsigned refuses negatives; null is a no-op; keys match case-insensitively', async (t) => {
  t.equal(bind(Spec, parseFirstValue('{"count":-7}')).value.count, -7)
  t.ok(bind(Spec, parseFirstValue('{"count":7.0}')).error)
  t.ok(bind(Spec, parseFirstValue('{"count":7e1}')).error)
  t.ok(bind(Spec, parseFirstValue('{"size":-1}')).error)
  const n = bind(Spec, parseFirstValue('{"NAME":"up","twin":null,"tags":null,"params":null,"Data":null}'))
  t.same(n.value, { name: 'up', count: 0, size: 0, twin: null, flag: false, tags: [], params: null, data: { images: [] } })
  t.equal(n.error, undefined)
})

t.test('no body, a non-object, or invalid JSON: every field zero and an error', async (t) => {
  for (const parsed of [undefined, parseFirstValue('[1]'), parseFirstValue('"s"'), parseFirstValue('nope')]) {
    const r = bind(Spec, parsed)
    t.equal(r.value.name, '')
    t.ok(r.error)
  }
  t.equal(bind(Spec, parseFirstValue('null')).error, undefined, 'a JSON null body binds nothing, without error')
})

t.test('validator messages in the English translation, first failing field and tag', async (t) => {
  t.equal(firstFailure([['a', '', [required, min(2)]], ['b', '', [required]]]), 'a is a required field')
  t.equal(firstFailure([['a', 'x', [required, min(2)]]]), 'a must be at least 2 characters in length')
  t.equal(firstFailure([['a', '', [min(1)]]]), 'a must be at least 1 character in length')
  t.equal(firstFailure([['a', 'xx', [max(1)]]]), 'a must be a maximum of 1 character in length')
  t.equal(firstFailure([['n', 49999, [required, min(50000), max(1000000)]]]), 'n must be 50,000 or greater')
  t.equal(firstFailure([['n', 1000001, [required, min(50000), max(1000000)]]]), 'n must be 1,000,000 or less')
  t.equal(firstFailure([['n', 0, [required]]]), 'n is a required field')
  t.equal(firstFailure([['p', null, [required]]]), 'p is a required field')
  t.equal(firstFailure([['p', false, [required]]]), undefined, 'false passes required on a pointer')
  t.equal(firstFailure([['s', '-1.5', [numeric]]]), undefined)
  t.equal(firstFailure([['s', '1.', [numeric]]]), 's must be a valid numeric value')
  t.equal(firstFailure([['e', 'a.b+c@mail.example.co.id', [email]]]), undefined)
  t.equal(firstFailure([['e', 'a..b@x.io', [email]]]), 'e must be a valid email address')
})

t.test('positive int64 parse: +12345 passes, 000000, -1, 1.5 and overflow fail', async (t) => {
  t.ok(isPositiveInt64('+12345'))
  t.ok(isPositiveInt64('9223372036854775807'))
  for (const s of ['000000', '-1', '1.5', '9223372036854775808', '']) t.notOk(isPositiveInt64(s), s)
})
