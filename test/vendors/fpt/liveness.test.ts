/**
 * FPT.AI eKYC, Step 4 (POST /face/liveness): only after OCR, the liveness and face_match objects,
 * the retry limit that ends the session, every result code, face search (fpt-ekyc.vi.md;
 * vendor-notes.md, FPT rulings).
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

t.test('the same selfie gets the same scores (deterministic)', async (t) => {
  const app = await app0()
  const a = json(await liveness(app, await readySession(app)))
  const b = json(await liveness(app, await readySession(app)))
  t.same(a, b)
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

t.test('the retry limit: after limit failed attempts is_complete_session is true and the session is closed', async (t) => {
  const app = await app0()
  const sid = await readySession(app)
  const h = { 'x-sandbox-scenario': 'fpt/liveness-always-fails' }
  for (let i = 1; i <= 5; i++) {
    const body = json(await liveness(app, sid, { headers: h }))
    t.equal(body.code, '301')
    t.equal(body.is_complete_session, i === 5, `attempt ${i}`)
  }
  const after = await liveness(app, sid)
  t.equal(after.statusCode, 403)
  t.equal(json(after).message, 'Session expired')
  const ocrAfter = await ocr(app, sid, { side: 'back' })
  t.equal(ocrAfter.statusCode, 403, 'every endpoint sees the session as over')
})

t.test('the retry limit follows the device type\'s sdk_config.limit', async (t) => {
  const app = await build(t, { settings: { fpt: { sdk_config: { 'web-sdk': { limit: 2 } } } } })
  const sid = await readySession(app, { device: 'web-sdk' })
  const h = { 'x-sandbox-scenario': 'fpt/liveness-301-spoof' }
  t.equal(json(await liveness(app, sid, { headers: h })).is_complete_session, false)
  t.equal(json(await liveness(app, sid, { headers: h })).is_complete_session, true)
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

const results: Array<[string, string, string, 'liveness' | 'face_match' | 'both']> = [
  ['fpt/liveness-301-spoof', '301', 'Face in video is spoof', 'liveness'],
  ['fpt/liveness-302-deepfake', '302', 'Video seems like deepfake', 'liveness'],
  ['fpt/liveness-303-face-not-matching', '303', 'Face is not matching with document', 'face_match'],
  ['fpt/liveness-406-bad-face-quality', '406', 'Bad face image quality (covered, too dark or too bright)', 'liveness'],
  ['fpt/liveness-407-no-face-in-document', '407', 'No faces detected in document', 'face_match'],
  ['fpt/liveness-408-multiple-faces', '408', 'More than one face in video', 'liveness'],
  ['fpt/liveness-409-invalid-upload', '409', 'Invalid upload image', 'both'],
  ['fpt/liveness-410-no-face', '410', 'No face found or face lost in video', 'liveness'],
  ['fpt/liveness-411-face-too-small', '411', 'Face in video is too small', 'liveness'],
  ['fpt/liveness-412-face-blurry', '412', 'Face in video is blurry', 'liveness'],
  ['fpt/liveness-413-video-like-image', '413', 'Video may seem like image', 'liveness'],
  ['fpt/liveness-422-no-frontal-face', '422', 'No frontal face found in video', 'liveness'],
  ['fpt/liveness-423-face-out-of-frame', '423', 'Face is out of frame', 'liveness']
]
t.test('every liveness result code by its shipped scenario: HTTP 200, the code in both the top level and its part', async (t) => {
  const app = await app0()
  for (const [name, code, message, part] of results) {
    const sid = await readySession(app)
    const res = await liveness(app, sid, { headers: { 'x-sandbox-scenario': name } })
    t.equal(res.statusCode, 200, name)
    const body = json(res)
    t.equal(body.code, code, name)
    t.equal(body.message, message, name)
    t.equal(body.is_complete_session, false, 'one failed attempt of five')
    if (part === 'liveness') {
      t.equal(body.liveness.code, code)
      t.equal(body.liveness.is_live, 'false')
      t.same(body.face_match, { code: 'N/A', message: 'N/A', isMatch: 'N/A', similarity: 'N/A', warning: 'N/A' }, 'face match did not run (the 413 example)')
    } else if (part === 'face_match') {
      t.match(body.liveness, { code: '200', message: 'liveness request successful', is_live: 'true' }, 'the 407 example')
      t.equal(body.face_match.code, code)
    } else {
      t.equal(body.liveness.code, code)
      t.equal(body.face_match.code, code)
    }
  }
})

t.test('the document\'s examples: 407, 413 and 303 bodies', async (t) => {
  const app = await app0()
  const e407 = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-407-no-face-in-document' } }))
  t.same(e407.face_match, { code: '407', message: 'No faces detected in document', isMatch: 'N/A', similarity: 'N/A', warning: 'N/A' })
  const e413 = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-413-video-like-image' } }))
  t.same(e413.liveness, { code: '413', message: 'Video may seem like image', is_live: 'false', spoof_prob: 'N/A', need_to_review: 'false', is_deepfake: 'N/A', deepfake_prob: 'N/A', warning: '', error_frame_url: 'N/A' })
  const e303 = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-303-face-not-matching' } }))
  t.same(e303.face_match, { code: '303', message: 'Face is not matching with document', isMatch: 'false', similarity: '42.17', warning: 'N/A' })
  const e302 = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-302-deepfake' } }))
  t.equal(e302.liveness.is_deepfake, 'true')
  t.ok(Number(e302.liveness.deepfake_prob) >= 0.5)
})

t.test('lang vi: a failure\'s top-level message in Vietnamese', async (t) => {
  const app = await app0()
  const body = json(await liveness(app, await readySession(app), { headers: { lang: 'vi', 'x-sandbox-scenario': 'fpt/liveness-410-no-face' } }))
  t.equal(body.message, 'Không tìm thấy khuôn mặt hoặc khuôn mặt bị mất trong video')
  t.equal(body.liveness.message, 'No face found or face lost in video')
})

t.test('scores from a scenario: the verdict follows the thresholds (spoof 0.5, match 80), configurable', async (t) => {
  const dir = t.testdir({
    's.yaml': [
      'name: fpt/t-spoof\nvendor: fpt\ndescription: d\nrules:\n  - operation: fpt.liveness\n    outcome: { spoof_prob: 0.55 }',
      'name: fpt/t-similar\nvendor: fpt\ndescription: d\nrules:\n  - operation: fpt.liveness\n    outcome: { similarity: 79.99 }'
    ].join('\n---\n')
  })
  const app = await build(t, { scenarios: dir })
  const strict = await build(t, { scenarios: dir, settings: { fpt: { liveness: { spoof_threshold: 0.6, face_match_threshold: 75 } } } })
  const spoof = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/t-spoof' } }))
  t.equal(spoof.code, '301')
  t.equal(spoof.liveness.spoof_prob, '0.5500')
  t.equal(json(await liveness(strict, await readySession(strict), { headers: { 'x-sandbox-scenario': 'fpt/t-spoof' } })).code, '200')
  t.equal(json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/t-similar' } })).code, '303')
  const lenient = json(await liveness(strict, await readySession(strict), { headers: { 'x-sandbox-scenario': 'fpt/t-similar' } }))
  t.equal(lenient.code, '200')
  t.equal(lenient.face_match.isMatch, 'true')
  t.equal(lenient.face_match.similarity, '79.99')
})

t.test('fpt/liveness-need-to-review and fpt/face-match-borderline pass with their values', async (t) => {
  const app = await app0()
  const review = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-need-to-review' } }))
  t.equal(review.code, '200')
  t.equal(review.liveness.need_to_review, 'true')
  t.equal(review.liveness.warning, 'Video quality is low')
  const border = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/face-match-borderline' } }))
  t.equal(border.face_match.similarity, '80.12')
  t.equal(border.face_match.isMatch, 'true')
})

t.test('request-level liveness scenarios: 400 OCR first, 401, 403', async (t) => {
  const app = await app0()
  const cases: Array<[string, number, string, boolean]> = [
    ['fpt/liveness-400-ocr-not-complete', 400, 'OCR must be completed before liveness', false],
    ['fpt/liveness-401-api-key', 401, 'get api key info failed', false],
    ['fpt/liveness-403-session-expired', 403, 'Session expired', true]
  ]
  for (const [name, status, message, complete] of cases) {
    const res = await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': name } })
    t.equal(res.statusCode, status, name)
    t.equal(json(res).message, message)
    t.equal(json(res).is_complete_session, complete)
  }
})

t.test('face_search (when enabled): the selfie against faces of earlier sessions of the namespace', async (t) => {
  const app = await build(t, { settings: { fpt: { face_search: { enabled: true, collection: 'bank-customers' } } } })
  const selfie = await image(3)
  const firstSid = await readySession(app)
  const first = json(await liveness(app, firstSid, { selfies: [selfie] }))
  t.same(first.face_search, { 'bank-customers': { selfie: [], document: [] } }, 'nobody before')
  t.same(Object.keys(first), ['code', 'message', 'liveness', 'face_match', 'video_face_url', 'compared_face_url', 'face_search', 'is_complete_session'])
  const { sid } = await initSession(app)
  // The same person: the selfie again, and as the document picture.
  await ocr(app, sid, { files: [selfie, await image(2)] })
  const second = json(await liveness(app, sid, { selfies: [selfie] }))
  const hits = second.face_search['bank-customers']
  t.equal(hits.selfie.length, 1)
  t.same(hits.selfie[0], { 'session-id': firstSid, similarity: 1, face_type: 'selfie', info: {} })
  t.same(hits.document, [], 'the first session\'s document picture is someone else')
  const third = json(await liveness(app, await readySession(app), { selfies: [selfie] }))
  t.equal(third.face_search['bank-customers'].selfie.length, 2)
  t.equal(third.face_search['bank-customers'].document.length, 1)
  t.equal(third.face_search['bank-customers'].document[0].face_type, 'idr')
  const other = json(await liveness(app, await readySession(app, { headers: { 'x-sandbox-namespace': 'elsewhere' } }), { selfies: [selfie], headers: { 'x-sandbox-namespace': 'elsewhere' } }))
  t.same(other.face_search['bank-customers'].selfie, [], 'other namespaces are not searched')
})

t.test('face_search is absent when disabled (the default) and on failures', async (t) => {
  const app = await build(t, { settings: { fpt: { face_search: { enabled: true } } } })
  const failed = json(await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-301-spoof' } }))
  t.notOk('face_search' in failed)
  const off = await build(t)
  t.notOk('face_search' in json(await liveness(off, await readySession(off))))
})

t.test('fpt/liveness-gateway-504: a raw gateway answer', async (t) => {
  const app = await app0()
  const res = await liveness(app, await readySession(app), { headers: { 'x-sandbox-scenario': 'fpt/liveness-gateway-504' } })
  t.equal(res.statusCode, 504)
  t.same(json(res), { code: '504', message: 'Gateway Timeout' })
})
