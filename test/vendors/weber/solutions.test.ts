/**
 * Solution services in particular (weber.md): POST /api/v1/ekyc and POST /api/v1/passive-liveness
 * (vendor-notes §1.9, §1.10; Weber rulings: passive liveness in the document's v1 shape).
 */
import t from 'tap'
import { nikAgrees } from '../../../src/vendors/weber/ktp.js'
import { build, json } from '../../helper.js'
import { dataUri, msg, post, visitor } from './fixtures/weber.js'

async function ekycBody (session: string): Promise<Record<string, unknown>> {
  const selfie = await dataUri({ seed: 1 })
  const ktp = await dataUri({ seed: 2, width: 856, height: 540 })
  return { session_id: session, data: { face_liveness: { images: [selfie] }, ocr_ktp: { images: [ktp] }, face_match: { images: [selfie, ktp] } } }
}

t.test('e-KYC: face_liveness, ocr_ktp and face_match Nodeflux jobs, in that order, all successful by default', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, '/ekyc', await ekycBody(session))
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['message', 'ok', 'service_data'])
  t.equal(body.message, 'Service demo request success')
  t.same(Object.keys(body.service_data), ['face_liveness', 'ocr_ktp', 'face_match'])
  const { face_liveness: fl, ocr_ktp: ocr, face_match: fm } = body.service_data
  t.match(fl, { job: { result: { analytic_type: 'FACE_LIVENESS', status: 'success' } }, message: 'Face Liveness Success', ok: true })
  t.same(Object.keys(fl.job.result.result[0].face_liveness), ['live', 'liveness'])
  t.equal(fl.job.result.result[0].face_liveness.live, true)
  t.ok(fl.job.result.result[0].face_liveness.liveness >= 0.6, 'above the Nodeflux default threshold 0.6')
  t.match(ocr, { job: { result: { analytic_type: 'OCR_KTP', status: 'success' } }, message: 'OCR_KTP Service Success', ok: true })
  t.ok(nikAgrees(ocr.job.result.result[0]))
  t.match(fm, { job: { result: { analytic_type: 'FACE_MATCH', status: 'success' } }, message: 'The Face Pair Match', ok: true })
  t.same(Object.keys(fm.job.result.result[0].face_match), ['match', 'similarity'])
  t.equal(fm.job.result.result[0].face_match.match, true)
  t.notOk('thumbnails' in body)
})

t.test('e-KYC: 401 "Session ID is not valid" / "Session ID has expired"', async (t) => {
  const app = await build(t)
  const bad = await post(app, '/ekyc', { session_id: '146fdca6-5103-426b-a341-e6fa43db9cd1', data: {} })
  t.equal(bad.statusCode, 401)
  t.same(json(bad), msg('Session ID is not valid'))
  const session = await visitor(app)
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 86401 } })
  const expired = await post(app, '/ekyc', await ekycBody(session))
  t.equal(expired.statusCode, 401)
  t.same(json(expired), msg('Session ID has expired'))
})

t.test('e-KYC with weber/liveness-false: live false, "Face Liveness Underqualified", the other jobs unchanged', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const body = json(await post(app, '/ekyc', await ekycBody(session), { 'x-sandbox-scenario': 'weber/liveness-false' }))
  const fl = body.service_data.face_liveness
  t.equal(fl.job.result.result[0].face_liveness.live, false)
  t.ok(fl.job.result.result[0].face_liveness.liveness < 0.6)
  t.equal(fl.message, 'Face Liveness Underqualified')
  t.equal(fl.ok, true)
  t.equal(body.service_data.face_match.job.result.result[0].face_match.match, true)
})

t.test('e-KYC with weber/face-mismatch: "The Face Pair Not Match", similarity below the threshold', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const fm = json(await post(app, '/ekyc', await ekycBody(session), { 'x-sandbox-scenario': 'weber/face-mismatch' })).service_data.face_match
  t.equal(fm.message, 'The Face Pair Not Match')
  t.equal(fm.job.result.result[0].face_match.match, false)
  t.ok(fm.job.result.result[0].face_match.similarity < 0.7)
})

for (const [scenario, text] of [
  ['weber/upstream-face-liveness-timeout', 'Post "https://api.cloud.nodeflux.io/v1/analytics/face-liveness": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'],
  ['weber/upstream-ocr-ktp-bad-gateway', "invalid character '<' looking for beginning of value"],
  ['weber/upstream-face-match-eof', 'Post "https://api.cloud.nodeflux.io/v1/analytics/face-match": EOF'],
  ['weber/upstream-analytics-unreachable', 'Post "https://api.cloud.nodeflux.io/v1/analytics/face-liveness": dial tcp: lookup api.cloud.nodeflux.io: no such host']
] as const) {
  t.test(`e-KYC upstream failure ${scenario}: 500 with its text`, async (t) => {
    const app = await build(t)
    const session = await visitor(app)
    const res = await post(app, '/ekyc', await ekycBody(session), { 'x-sandbox-scenario': scenario })
    t.equal(res.statusCode, 500)
    t.same(json(res), msg(text))
  })
}

t.test('e-KYC does not validate images: a missing part gives that analytic\'s failed job', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const body = json(await post(app, '/ekyc', { session_id: session, data: { face_liveness: { images: [await dataUri()] } } }))
  t.equal(body.service_data.face_liveness.ok, true)
  t.match(body.service_data.ocr_ktp, { ok: false, message: 'No image found in the request', job: { result: { status: 'failed', result: [] } } })
  t.match(body.service_data.face_match, { ok: false, message: 'No image found in the request' }, 'face match needs two images')
})

t.test('e-KYC records no visitor activity', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  await post(app, '/ekyc', await ekycBody(session))
  t.equal((await post(app, '/feedback/7', { session_id: session, rating: 5 })).statusCode, 500, 'no activity: feedback finds no record')
})

t.test('Passive Face Liveness: the v1 face-liveness job with job.id, live and liveness', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, '/passive-liveness', { session_id: session, data: { additional_params: {}, images: [await dataUri()] } })
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['message', 'ok', 'service_data'])
  t.match(body.service_data.job.id, /^[0-9a-f]{48}[A-Z2-7]{16}$/)
  t.match(body.service_data, { job: { result: { analytic_type: 'FACE_LIVENESS', status: 'success' } }, message: 'Face Liveness Success', ok: true })
  t.same(Object.keys(body.service_data.job.result.result[0].face_liveness), ['live', 'liveness'])
})

t.test('Passive liveness: weber/liveness-false gives the document\'s "Face Liveness Underqualified" answer', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const body = json(await post(app, '/passive-liveness', { session_id: session, data: { images: [await dataUri()] } }, { 'x-sandbox-scenario': 'weber/liveness-false' }))
  t.match(body.service_data, { message: 'Face Liveness Underqualified', ok: true })
  t.equal(body.service_data.job.result.result[0].face_liveness.live, false)
})

t.test('Passive liveness: additional_params.liveness_threshold reaches Nodeflux', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const img = await dataUri({ seed: 3 })
  const dflt = json(await post(app, '/passive-liveness', { session_id: session, data: { images: [img] } })).service_data.job.result.result[0].face_liveness
  t.equal(dflt.live, true)
  const strict = json(await post(app, '/passive-liveness', { session_id: session, data: { additional_params: { liveness_threshold: 0.9999 }, images: [img] } })).service_data
  t.equal(strict.job.result.result[0].face_liveness.live, true, 'the default outcome is live: the score moves above the stricter threshold')
  t.ok(strict.job.result.result[0].face_liveness.liveness >= 0.9999)
  const scored = json(await post(app, '/passive-liveness', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/liveness-false-then-live' })).service_data
  t.equal(scored.job.result.result[0].face_liveness.live, false)
})

t.test('Passive liveness: 401 without a valid session; with no body at all the 401 body comes with HTTP 400', async (t) => {
  const app = await build(t)
  const res = await post(app, '/passive-liveness', { session_id: 'nope', data: { images: [] } })
  t.equal(res.statusCode, 401)
  t.same(json(res), msg('Session ID is not valid'))
  const empty = await app.inject({ method: 'POST', url: '/weber/api/v1/passive-liveness' })
  t.equal(empty.statusCode, 400)
  t.same(json(empty), msg('Session ID is not valid'))
})

t.test('weber/liveness-false-then-live: the 1st passive liveness call of the session is not live, the 2nd is', async (t) => {
  const app = await build(t)
  const session = await visitor(app, { 'x-sandbox-scenario': 'weber/liveness-false-then-live' })
  const img = await dataUri()
  const live = async (): Promise<boolean> => json(await post(app, '/passive-liveness', { session_id: session, data: { images: [img] } })).service_data.job.result.result[0].face_liveness.live
  t.equal(await live(), false)
  t.equal(await live(), true)
  t.equal(await live(), true)
})

t.test('weber/slow-analytic delays the answer and keeps the default outcome', async (t) => {
  const dir = t.testdir({
    'slow.yaml': `name: weber/slow-analytic-fast
vendor: weber
description: weber/slow-analytic with a short latency
rules:
  - operation: weber.passiveLiveness
    fault: { latency_ms: { min: 200, max: 250 } }
`
  })
  const app = await build(t, { scenarios: dir })
  const session = await visitor(app)
  const started = Date.now()
  const res = await post(app, '/passive-liveness', { session_id: session, data: { images: [await dataUri()] } }, { 'x-sandbox-scenario': 'weber/slow-analytic-fast' })
  t.ok(Date.now() - started >= 200, 'answered after at least 200 ms')
  t.equal(json(res).service_data.job.result.result[0].face_liveness.live, true)
})

t.test('weber/connection-dropped closes the connection; weber/gateway-502 answers the proxy page as it is', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const payload = { session_id: session, data: { images: [await dataUri()] } }
  await post(app, '/passive-liveness', payload, { 'x-sandbox-scenario': 'weber/connection-dropped' }).catch(() => undefined)
  const journal = json(await app.inject({ method: 'GET', url: '/__admin/requests?operation=weber.passiveLiveness' })).requests
  t.equal(journal[0].status, 0, 'the journal records a dropped connection')
  const gw = await post(app, '/passive-liveness', payload, { 'x-sandbox-scenario': 'weber/gateway-502' })
  t.equal(gw.statusCode, 502)
  t.equal(gw.headers['content-type'], 'text/html')
  t.match(gw.payload, /502 Bad Gateway/)
  const gwQuirk = await app.inject({ method: 'POST', url: '/weber/api/v1/passive-liveness', headers: { 'x-sandbox-scenario': 'weber/gateway-502' } })
  t.equal(gwQuirk.statusCode, 400, 'no body: the session check refuses it before the scenario (with gin\'s 400)')
  t.same(json(gwQuirk), msg('Session ID is not valid'))
})
