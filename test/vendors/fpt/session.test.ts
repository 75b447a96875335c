/**
 * FPT.AI eKYC, Step 1 (POST /session/init) over HTTP, and the session across requests: namespaces
 * and their clocks, reset, scenarios bound on init (fpt-ekyc.vi.md; vendor-notes.md, FPT rulings).
 * The rules of init and of the session's 30 minutes are tested on the services:
 * service.test.ts.
 */
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { build, json } from '../../helper.js'
import { advanceClock, initSession, KEY, ocr } from './fixtures/flow.js'

let shared: Promise<FastifyInstance> | undefined
/** One app for the tests that need no settings, clock or journal of their own: each works in its own sessions. */
const app0 = async (): Promise<FastifyInstance> => await (shared ??= build(t))

const INIT = '/fpt/session/init'

t.test('init session answers code "200", message "success", a session-id and sdk_config', async (t) => {
  const app = await app0()
  const { res, sid } = await initSession(app)
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['code', 'message', 'session-id', 'sdk_config'])
  t.equal(body.code, '200')
  t.equal(body.message, 'success')
  t.match(sid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  t.same(body.sdk_config, { is_show_ekyc_result: true, ekyc_flow: 1, liveness_type: 1, is_skip_nfc: true, limit: 5 }, "the document's example configuration")
  t.not((await initSession(app)).sid, sid, 'every init creates a new session')
})

t.test('init accepts the device types android, ios, web-sdk and api', async (t) => {
  const app = await app0()
  for (const device of ['android', 'ios', 'web-sdk', 'api']) {
    t.equal((await initSession(app, { device })).res.statusCode, 200, device)
  }
})

t.test('the api key is accepted as api-key or api_key, client_uuid as client_uuid or client-uuid', async (t) => {
  const app = await app0()
  const underscore = await app.inject({ method: 'POST', url: INIT, headers: { api_key: KEY, 'device-type': 'ios', 'client-uuid': 'u-1' } })
  t.equal(underscore.statusCode, 200)
  t.equal(json(underscore).code, '200')
  const noUuid = await app.inject({ method: 'POST', url: INIT, headers: { 'api-key': KEY, 'device-type': 'ios' } })
  t.equal(noUuid.statusCode, 200, 'client_uuid is optional')
})

t.test('401 get api key info failed: a missing or empty key, checked before device-type', async (t) => {
  const app = await app0()
  for (const headers of [{}, { 'api-key': '' }, { 'api-key': '  ', 'device-type': 'android' }]) {
    const res = await app.inject({ method: 'POST', url: INIT, headers })
    t.equal(res.statusCode, 401)
    t.same(json(res), { code: '401', message: 'get api key info failed' })
  }
})

t.test('400 device type must be provided: missing, or not android / ios / web-sdk / api', async (t) => {
  const app = await app0()
  for (const device of [undefined, '', 'windows', 'Android']) {
    const res = await app.inject({ method: 'POST', url: INIT, headers: { 'api-key': KEY, ...(device === undefined ? {} : { 'device-type': device }) } })
    t.equal(res.statusCode, 400, String(device))
    t.same(json(res), { code: '400', message: 'device type must be provided' })
  }
})

t.test('init ignores any body it is sent; a body over the limit is refused with 413', async (t) => {
  const app = await app0()
  const withJunk = await app.inject({ method: 'POST', url: INIT, headers: { 'api-key': KEY, 'device-type': 'android', 'content-type': 'application/json' }, payload: '{"not json' })
  t.equal(withJunk.statusCode, 200)
  const huge = await app.inject({ method: 'POST', url: INIT, headers: { 'api-key': KEY, 'device-type': 'android', 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(32 * 1024 * 1024 + 1) })
  t.equal(huge.statusCode, 413)
  t.same(json(huge), { code: '413', message: 'Request Entity Too Large' })
})

t.test('a session expires 30 minutes after init on the namespace\'s virtual clock: OCR then answers 403 Session expired', async (t) => {
  const app = await app0()
  const ns = { 'x-sandbox-namespace': 'expiry' }
  const { sid } = await initSession(app, { headers: ns })
  await advanceClock(app, 1799, 'expiry')
  t.equal(json(await ocr(app, sid, { side: 'front', headers: ns })).errorCode, '0', 'still alive at 29:59')
  await advanceClock(app, 1, 'expiry')
  const res = await ocr(app, sid, { side: 'back', headers: ns })
  t.equal(res.statusCode, 403)
  t.same(json(res), { data: [], errorCode: '403', errorMessage: 'Session expired', total_data: [] })
})

t.test('an unknown session-id is answered 403 Session expired', async (t) => {
  const app = await app0()
  for (const sid of ['b3dc960b-f2d2-4917-8135-000000000000', 'x'.repeat(500)]) {
    const res = await ocr(app, sid, { side: 'front' })
    t.equal(res.statusCode, 403)
    t.equal(json(res).errorMessage, 'Session expired')
  }
})

t.test('namespaces isolate sessions and clocks', async (t) => {
  const app = await app0()
  const a = await initSession(app, { headers: { 'x-sandbox-namespace': 'team-a' } })
  const inB = await ocr(app, a.sid, { side: 'front', headers: { 'x-sandbox-namespace': 'team-b' } })
  t.equal(json(inB).errorCode, '403', 'a session of team-a does not exist for team-b')
  await advanceClock(app, 3600, 'team-b')
  const inA = await ocr(app, a.sid, { side: 'front', headers: { 'x-sandbox-namespace': 'team-a' } })
  t.equal(json(inA).errorCode, '0', "team-b's clock does not expire team-a's session")
})

t.test('a reset drops the namespace\'s sessions', async (t) => {
  const app = await build(t)
  const { sid } = await initSession(app)
  t.equal((await app.inject({ method: 'POST', url: '/__admin/reset' })).statusCode, 200)
  t.equal(json(await ocr(app, sid, { side: 'front' })).errorCode, '403')
})

t.test('a scenario named on init is bound to the session: later calls follow it without the header', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app, { headers: { 'x-sandbox-scenario': 'fpt/ocr-QC03-blurry' } })
  const res = await ocr(app, sid, { side: 'front' })
  t.same(json(res), { data: [], errorCode: 'QC03', errorMessage: 'Image is blurry', total_data: [] })
  const other = await initSession(app)
  t.equal(json(await ocr(app, other.sid, { side: 'front' })).errorCode, '0', 'other sessions are not affected')
})

t.test('init scenarios: 400, 401 and 500 by scenario; sdk_config and the retry limit from a scenario', async (t) => {
  const app = await app0()
  const cases: Array<[string, number, unknown]> = [
    ['fpt/init-400-device-type', 400, { code: '400', message: 'device type must be provided' }],
    ['fpt/init-401-api-key', 401, { code: '401', message: 'get api key info failed' }],
    ['fpt/init-500-internal-error', 500, { code: '500', message: 'Internal Server Error' }]
  ]
  for (const [name, status, body] of cases) {
    const { res } = await initSession(app, { headers: { 'x-sandbox-scenario': name } })
    t.equal(res.statusCode, status, name)
    t.same(json(res), body)
  }
  const limited = await initSession(app, { headers: { 'x-sandbox-scenario': 'fpt/retry-limit-3' } })
  t.equal(json(limited.res).sdk_config.limit, 3)
})

t.test('a scenario error that does not belong to the operation is refused when the scenarios load, naming file, rule and code', async (t) => {
  const dir = t.testdir({ 'x.yaml': 'name: fpt/bad\nvendor: fpt\ndescription: d\nrules:\n  - operation: fpt.session_init\n    outcome: { error: QC03 }\n' })
  await t.rejects(build(t, { scenarios: dir }), { message: /x\.yaml: rules\[0\]\.outcome\.error: error "QC03" is not an answer of fpt\.session_init/ })
})

t.test('an unknown scenario name is the sandbox\'s 400, never silently ignored', async (t) => {
  const app = await app0()
  const { res } = await initSession(app, { headers: { 'x-sandbox-scenario': 'fpt/no-such-thing' } })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-sandbox-error'], 'unknown-scenario')
})
