/**
 * FPT.AI eKYC over HTTP: unknown paths and methods, CORS, --vendor fpt at the root, the OpenAPI
 * document, faults, concurrent calls on one session, and bad input that must never crash nor answer
 * in Fastify's shape.
 */
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { livenessRequest } from '../../../src/vendors/fpt/schemas.js'
import { build, json, multipart } from '../../helper.js'
import { image, initSession, KEY, liveness, ocr, ocrHeaders, readySession } from './fixtures/flow.js'

let shared: Promise<FastifyInstance> | undefined
/** One app for the tests that need no settings, clock or journal of their own: each works in its own sessions. */
const app0 = async (): Promise<FastifyInstance> => await (shared ??= build(t))

t.test('an unknown path answers 404 {code, message}; a wrong method on a known path 405, with a note', async (t) => {
  const app = await app0()
  const unknown = await app.inject({ method: 'POST', url: '/fpt/init_session' })
  t.equal(unknown.statusCode, 404)
  t.same(json(unknown), { code: '404', message: 'Not Found' })
  t.match(unknown.headers['x-sandbox-note'], /no such route/)
  const get = await app.inject({ method: 'GET', url: '/fpt/face/liveness?x=1' })
  t.equal(get.statusCode, 405)
  t.same(json(get), { code: '405', message: 'Method Not Allowed' })
  t.match(get.headers['x-sandbox-note'], /only POST/)
})

t.test('CORS: the preflight allows the FPT headers and the X-Sandbox-* headers', async (t) => {
  const app = await app0()
  const res = await app.inject({ method: 'OPTIONS', url: '/fpt/ocr', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], '*')
  for (const h of ['api-key', 'session-id', 'document-type', 'side-type', 'device-type', 'lang', 'x-sandbox-scenario', 'x-sandbox-namespace']) {
    t.match(res.headers['access-control-allow-headers'], new RegExp(`(^|, )${h}(,|$)`), h)
  }
})

t.test('with --vendor fpt the flow answers at the root', async (t) => {
  const app = await build(t, { argv: ['--vendor', 'fpt'] })
  const init = await app.inject({ method: 'POST', url: '/session/init', headers: { 'api-key': KEY, 'device-type': 'ios' } })
  t.equal(init.statusCode, 200)
  const sid = json(init)['session-id']
  const res = await app.inject({ method: 'POST', url: '/ocr', ...multipart([{ name: 'files', value: await image(), filename: 'a.jpg' }], ocrHeaders(sid, { side: 'front' })) })
  t.equal(json(res).errorCode, '0')
  const wrong = await app.inject({ method: 'GET', url: '/ocr' })
  t.equal(wrong.statusCode, 405)
  t.equal((await app.inject({ method: 'POST', url: '/fpt/session/init', headers: { 'api-key': KEY, 'device-type': 'ios' } })).statusCode, 404, 'no prefix any more')
})

t.test('the OpenAPI document names the required headers and the operations', async (t) => {
  const app = await app0()
  const doc = json(await app.inject({ method: 'GET', url: '/openapi/fpt.json' }))
  t.same(Object.keys(doc.paths).sort(), ['/face/liveness', '/ocr', '/session/init'])
  const params = (path: string): Record<string, boolean> => Object.fromEntries(doc.paths[path].post.parameters.filter((p: any) => p.in === 'header').map((p: any) => [p.name, p.required === true]))
  t.match(params('/session/init'), { 'api-key': true, 'device-type': true, client_uuid: false })
  t.match(params('/ocr'), { 'session-id': true, 'api-key': true, 'device-type': true, 'document-type': true, 'side-type': false, lang: false })
  t.match(params('/face/liveness'), { 'session-id': true, 'api-key': true, 'device-type': true, auto: false })
  t.equal(doc.paths['/ocr'].post.operationId, 'fpt.ocr')
  t.equal(doc.paths['/face/liveness'].post.operationId, 'fpt.liveness')
  t.equal(doc.paths['/session/init'].post.operationId, 'fpt.session_init')
  t.ok(doc.paths['/ocr'].post.requestBody.content['multipart/form-data'], 'multipart body documented')
})

t.test('the OpenAPI document: selfies is an array of 1 to max_selfies files, as the server takes them', async (t) => {
  const app = await app0()
  const doc = json(await app.inject({ method: 'GET', url: '/openapi/fpt.json' }))
  const body = doc.paths['/face/liveness'].post.requestBody.content['multipart/form-data'].schema
  t.match(body.properties.selfies, { type: 'array', minItems: 1, maxItems: 5, items: { type: 'string', format: 'binary' } })
  t.same(body.required, ['selfies'])
  const fewer = livenessRequest(2)
  t.ok(fewer.safeParse({ selfies: ['a', 'b'] }).success, 'two selfies with max_selfies 2')
  t.notOk(fewer.safeParse({ selfies: ['a', 'b', 'c'] }).success, 'not three')
  t.notOk(fewer.safeParse({ selfies: [] }).success, 'not none')
})

t.test('the OpenAPI document describes every answer in the vendor\'s words, never "Default Response"', async (t) => {
  const app = await app0()
  const doc = json(await app.inject({ method: 'GET', url: '/openapi/fpt.json' }))
  const expected: Record<string, Record<string, RegExp>> = {
    '/session/init': { 200: /session-id/, 400: /device type must be provided/, 401: /get api key info failed/, 413: /Request Entity Too Large/, 500: /Internal Server Error/ },
    '/ocr': { 200: /errorCode "0".*QC01-QC04.*E01-E32/, 400: /Invalid Parameters or Values.*Invalid image file/, 403: /Session expired/, 500: /Internal Server Error/ },
    '/face/liveness': { 200: /result code.*attempt/, 400: /OCR must be completed before liveness/, 401: /get api key info failed/, 403: /Session expired/, 500: /Internal Server Error/ }
  }
  for (const [path, statuses] of Object.entries(expected)) {
    const responses = doc.paths[path].post.responses
    // Core adds `default` (what scenario faults and raw responses make of an answer) to every operation.
    t.same(Object.keys(responses).sort(), [...Object.keys(statuses), 'default'].sort(), path)
    for (const [status, words] of Object.entries(statuses)) t.match(responses[status].description, words, `${path} ${status}`)
  }
  t.notMatch(JSON.stringify(doc), /Default Response/)
})

t.test('every scenario the issue asks for is shipped, and the admin list shows them', async (t) => {
  const app = await app0()
  const names = (json(await app.inject({ method: 'GET', url: '/__admin/scenarios' })) as Array<{ name: string, vendor: string }>).filter((s) => s.vendor === 'fpt').map((s) => s.name)
  const codes = ['init-400', 'init-401', 'ocr-400-api-key', 'ocr-400-document-type-missing', 'ocr-400-document-type-invalid', 'ocr-403', 'ocr-400-uuid', 'ocr-400-country-code',
    'ocr-E101', 'ocr-E102', 'ocr-E103', 'ocr-1-', 'ocr-3-', 'ocr-7-', 'ocr-QC01', 'ocr-QC02', 'ocr-QC03', 'ocr-QC04',
    ...['FC01', 'FC02', 'FC03', 'FC04', 'FC05', 'FC06', 'FC07', 'E-1', 'E01', 'E02', 'E03', 'E04', 'E05', 'E06', 'E07', 'E08', 'E09', 'E10', 'E11', 'E12', 'E13', 'E15', 'E16', 'E17', 'E18', 'E19', 'E20', 'E21', 'E22', 'E23', 'E24', 'E25', 'E30', 'E32', 'E110'].map((c) => `ocr-${c}-`),
    ...['301', '302', '303', '406', '407', '408', '409', '410', '411', '412', '413', '422', '423', '400', '401', '403'].map((c) => `liveness-${c}-`),
    'liveness-fails-twice-then-passes']
  for (const c of codes) t.ok(names.some((n) => n.startsWith(`fpt/${c}`)), c)
})

t.test('a latency fault delays the answer and keeps the default outcome', async (t) => {
  const dir = t.testdir({ 'f.yaml': 'name: fpt/t-slow\nvendor: fpt\ndescription: d\nrules:\n  - operation: fpt.session_init\n    fault: { latency_ms: 150 }\n' })
  const app = await build(t, { scenarios: dir })
  const started = Date.now()
  const { res } = await initSession(app, { headers: { 'x-sandbox-scenario': 'fpt/t-slow' } })
  t.ok(Date.now() - started >= 150, 'answered after at least 150 ms')
  t.equal(res.statusCode, 200)
})

t.test('fpt/ocr-connection-dropped: the OCR call gets no answer; the journal records status 0', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { side: 'front', headers: { 'x-sandbox-scenario': 'fpt/ocr-connection-dropped' } }).catch((err: Error) => err)
  t.ok(res instanceof Error || res.payload === '', 'no answer')
  const journal = json(await app.inject({ method: 'GET', url: '/__admin/requests?operation=fpt.ocr' }))
  t.equal(journal.requests[0].status, 0)
})

t.test('two concurrent front calls on one session: one is taken, the other answers E103', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const [a, b] = await Promise.all([ocr(app, sid, { side: 'front' }), ocr(app, sid, { side: 'front', files: [await image(6)] })])
  t.same([json(a).errorCode, json(b).errorCode].sort(), ['0', 'E103'])
})

t.test('concurrent failed liveness calls never exceed the limit', async (t) => {
  const app = await build(t, { settings: { fpt: { sdk_config: { android: { limit: 3 } } } } })
  const sid = await readySession(app)
  const h = { 'x-sandbox-scenario': 'fpt/liveness-always-fails' }
  const all = await Promise.all(Array.from({ length: 6 }, async () => liveness(app, sid, { headers: h })))
  const codes = all.map((r) => r.statusCode).sort()
  t.same(codes, [200, 200, 200, 403, 403, 403])
  t.equal(all.filter((r) => r.statusCode === 200 && json(r).is_complete_session === true).length, 1)
})

t.test('bad input never crashes the server nor answers in Fastify\'s shape', async (t) => {
  const app = await app0()
  const sid = await readySession(app)
  const { sid: fresh } = await initSession(app)
  const requests = [
    { method: 'POST' as const, url: '/fpt/ocr', headers: { ...ocrHeaders(fresh, { side: 'front' }), 'content-type': 'application/json' }, payload: '{"bad' },
    { method: 'POST' as const, url: '/fpt/ocr', headers: { ...ocrHeaders(fresh, { side: 'front' }), 'content-type': 'text/xml' }, payload: '<x/>' },
    { method: 'POST' as const, url: '/fpt/ocr', headers: { ...ocrHeaders(fresh, { side: 'front' }), 'content-type': 'multipart/form-data' }, payload: 'no boundary' },
    { method: 'POST' as const, url: '/fpt/face/liveness', headers: { 'api-key': KEY, 'device-type': 'ios', 'session-id': sid, 'content-type': 'application/json' }, payload: '[' },
    { method: 'POST' as const, url: '/fpt/face/liveness', headers: { 'api-key': KEY, 'device-type': 'ios', 'session-id': sid, 'content-type': 'multipart/form-data; boundary=Z' }, payload: '--Z\r\nContent-Disposition: form-data; name="selfies"; filename="a"\r\n\r\nabc' },
    { method: 'POST' as const, url: '/fpt/session/init', headers: { 'api-key': KEY, 'device-type': 'ios', 'content-type': 'multipart/form-data; boundary=Z' }, payload: 'garbage' },
    { method: 'POST' as const, url: '/fpt/ocr', headers: { 'api-key': [KEY, KEY], 'document-type': ['idr', 'dlr'], 'session-id': fresh, 'device-type': 'ios' } as any }
  ]
  for (const r of requests) {
    const res = await app.inject(r)
    const body = json(res)
    t.notOk('statusCode' in body && 'error' in body, `${r.url}: not Fastify's shape (${res.statusCode} ${res.payload.slice(0, 80)})`)
    t.ok(res.statusCode < 500, `${r.url}: ${res.statusCode}`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
  t.equal(json(await ocr(app, fresh, { side: 'front' })).errorCode, '0', 'the fresh session is unharmed')
})
