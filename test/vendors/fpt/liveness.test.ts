/**
 * FPT.AI eKYC, Step 4 (POST /face/liveness) over HTTP: the body of a pass, lang, refusals of the
 * headers, the multipart upload and its 409, scenario sequences counted per session, a raw gateway
 * answer (fpt-ekyc.vi.md; vendor-notes.md, FPT rulings). The rules of attempts, the retry limit,
 * result bodies and face_search are tested on the service: service.test.ts.
 */
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { build, json } from '../../helper.js'
import { image, initSession, liveness, ocr, readySession } from './fixtures/flow.js'

let shared: Promise<FastifyInstance> | undefined
/** One app for the tests that need no settings, clock or journal of their own: each works in its own sessions. */
const app0 = async (): Promise<FastifyInstance> => await (shared ??= build(t))

t.test('a passed liveness answers code "200", the liveness and face_match objects with string values, and ends the session', async (t) => {
  const app = await app0()
  const sid = await readySession(app)
  const res = await liveness(app, sid)
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['code', 'message', 'liveness', 'face_match', 'video_face_url', 'compared_face_url', 'is_complete_session'])
  t.equal(body.code, '200')
  t.equal(body.message, 'request successful')
  t.match(body.liveness, { code: '200', message: 'liveness check successful', is_live: 'true', need_to_review: 'false', is_deepfake: 'N/A', deepfake_prob: 'N/A', warning: '', error_frame_url: 'N/A' })
  t.match(body.liveness.spoof_prob, /^0\.\d{4}$/)
  t.ok(Number(body.liveness.spoof_prob) < 0.5, 'is_live is true when spoof_prob < 0.5')
  t.match(body.face_match, { code: '200', message: 'face matching successful', isMatch: 'true', warning: 'N/A' })
  t.ok(Number(body.face_match.similarity) >= 80, 'isMatch is true when similarity >= 80')
  t.equal(body.video_face_url, 'N/A')
  t.equal(body.compared_face_url, 'N/A')
  t.equal(body.is_complete_session, true)
  const again = await liveness(app, sid)
  t.equal(again.statusCode, 403, 'the session is over')
  t.equal(json(again).message, 'Session expired')
})

t.test('lang vi: the top-level message in Vietnamese', async (t) => {
  const app = await app0()
  const sid = await readySession(app)
  const body = json(await liveness(app, sid, { headers: { lang: 'vi' } }))
  t.equal(body.message, 'Kiểm tra thực thể sống thành công')
  t.equal(body.liveness.message, 'liveness check successful')
})

t.test('liveness before OCR is complete: HTTP 400, code "400", "OCR must be completed before liveness"', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const before = await liveness(app, sid)
  t.equal(before.statusCode, 400)
  t.same(json(before), {
    code: '400',
    message: 'OCR must be completed before liveness',
    liveness: { code: '400', message: 'OCR must be completed before liveness', is_live: 'N/A', spoof_prob: 'N/A', need_to_review: 'N/A', is_deepfake: 'N/A', deepfake_prob: 'N/A', warning: 'N/A', error_frame_url: 'N/A' },
    face_match: { code: '400', message: 'OCR must be completed before liveness', isMatch: 'N/A', similarity: 'N/A', warning: 'N/A' },
    video_face_url: 'N/A',
    compared_face_url: 'N/A',
    is_complete_session: false
  })
  await ocr(app, sid, { side: 'front' })
  t.equal((await liveness(app, sid)).statusCode, 400, 'the front alone is not enough')
  await ocr(app, sid, { side: 'back' })
  t.equal((await liveness(app, sid)).statusCode, 200)
})

t.test('request refusals on liveness: key 401, device-type, session-id, lang', async (t) => {
  const app = await app0()
  const sid = await readySession(app)
  const cases: Array<[Record<string, string>, number, string, string]> = [
    [{ 'api-key': '' }, 401, '401', 'get api key info failed'],
    [{ 'device-type': 'tv' }, 400, '400', 'device type must be provided'],
    [{ 'session-id': '' }, 400, '400', 'uuid must be provided'],
    [{ lang: 'fr' }, 400, '400', 'country code value is invalid']
  ]
  for (const [headers, status, code, message] of cases) {
    const res = await liveness(app, sid, { headers })
    t.equal(res.statusCode, status, message)
    t.equal(json(res).code, code)
    t.equal(json(res).message, message)
    t.equal(json(res).is_complete_session, false)
  }
  t.equal((await liveness(app, sid)).statusCode, 200, 'refusals are not attempts')
})

t.test('409 Invalid upload image (a real check): no selfies, an unreadable one, not multipart; each counts as an attempt', async (t) => {
  const app = await build(t, { settings: { fpt: { sdk_config: { android: { limit: 4 } } } } })
  const sid = await readySession(app)
  const send = [
    async () => liveness(app, sid, { selfies: [], extra: [{ name: 'selfies_hash', value: 'abc' }] }),
    async () => liveness(app, sid, { selfies: [Buffer.from('not an image')] }),
    async () => app.inject({ method: 'POST', url: '/fpt/face/liveness', headers: { 'api-key': 'k', 'device-type': 'android', 'session-id': sid }, payload: { selfies: 'x' } }),
    async () => liveness(app, sid, { selfies: [(await image(3)).subarray(0, 2000)] })
  ]
  for (const [i, s] of send.entries()) {
    const res = await s()
    t.equal(res.statusCode, 200)
    const body = json(res)
    t.equal(body.code, '409')
    t.equal(body.message, 'Invalid upload image')
    t.same(body.liveness, { code: '409', message: 'Invalid upload image', is_live: 'N/A', spoof_prob: 'N/A', need_to_review: 'N/A', is_deepfake: 'N/A', deepfake_prob: 'N/A', warning: 'N/A', error_frame_url: 'N/A' })
    t.same(body.face_match, { code: '409', message: 'Invalid upload image', isMatch: 'N/A', similarity: 'N/A', warning: 'N/A' })
    t.equal(body.is_complete_session, i === 3, `attempt ${i + 1} of 4`)
  }
})

t.test('409 Invalid upload image: more selfies than max_selfies, a selfie over max_image_bytes', async (t) => {
  const app = await build(t, { settings: { fpt: { max_selfies: 2, max_image_bytes: 100_000 } } })
  const sid = await readySession(app)
  const s = await image(3, { width: 320, height: 240 })
  t.equal(json(await liveness(app, sid, { selfies: [s, s, s] })).code, '409')
  t.equal(json(await liveness(app, sid, { selfies: [Buffer.concat([s, Buffer.alloc(100_000)])] })).code, '409')
  t.equal(json(await liveness(app, sid, { selfies: [s, s] })).code, '200', 'two small selfies pass')
})

t.test('selfies_hash is optional and taken as sent, up to 4096 characters (longer: 409)', async (t) => {
  const app = await app0()
  const sid = await readySession(app)
  t.equal(json(await liveness(app, sid, { extra: [{ name: 'selfies_hash', value: 'h'.repeat(5000) }] })).code, '409')
  t.equal(json(await liveness(app, sid, { extra: [{ name: 'selfies_hash', value: 'h'.repeat(4096) }] })).code, '200')
})

t.test('fpt/liveness-fails-twice-then-passes: two spoofs, then a pass; counted per session', async (t) => {
  const app = await app0()
  const sid = await readySession(app, { headers: { 'x-sandbox-scenario': 'fpt/liveness-fails-twice-then-passes' } })
  const other = await readySession(app, { headers: { 'x-sandbox-scenario': 'fpt/liveness-fails-twice-then-passes' } })
  const first = json(await liveness(app, sid))
  t.equal(first.code, '301')
  t.equal(first.liveness.is_live, 'false')
  t.ok(Number(first.liveness.spoof_prob) >= 0.5)
  t.equal(first.is_complete_session, false)
  t.equal(json(await liveness(app, other)).code, '301', 'the other session starts its own sequence')
  t.equal(json(await liveness(app, sid)).code, '301')
  const third = json(await liveness(app, sid))
  t.equal(third.code, '200')
  t.equal(third.is_complete_session, true)
})

t.test('fpt/liveness-fails-4-times-then-passes: passes on the 5th and last attempt', async (t) => {
  const app = await app0()
  const sid = await readySession(app, { headers: { 'x-sandbox-scenario': 'fpt/liveness-fails-4-times-then-passes' } })
  const codes = []
  for (let i = 0; i < 5; i++) codes.push(json(await liveness(app, sid)).code)
  t.same(codes, ['301', '410', '412', '303', '200'])
})

t.test('fpt/retry-limit-1: the first failure ends the session', async (t) => {
  const app = await app0()
  const sid = await readySession(app, { headers: { 'x-sandbox-scenario': 'fpt/retry-limit-1' } })
  const body = json(await liveness(app, sid, { headers: { 'x-sandbox-scenario': 'fpt/liveness-406-bad-face-quality' } }))
  t.equal(body.code, '406')
  t.equal(body.is_complete_session, true)
})

t.test('fpt/liveness-gateway-504: a raw gateway answer', async (t) => {
  const app = await app0()
  const res = await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-gateway-504' } })
  t.equal(res.statusCode, 504)
  t.same(json(res), { code: '504', message: 'Gateway Timeout' })
})
