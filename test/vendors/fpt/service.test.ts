/**
 * The FPT.AI eKYC services without the app (fpt-ekyc.vi.md; vendor-notes.md, FPT rulings): plain
 * inputs, a hand-made call on an in-memory store and a virtual clock (fixtures/unit.ts). Step 1 and
 * the session's checks; Steps 2 and 3, OCR: the sides and their order, the image checks in the
 * ruled order, the scenario after the real checks; Step 4, liveness: only after OCR, attempts
 * counted against the retry limit, a pass or the limit ending the session, "Session expired" 30
 * minutes after init, the result bodies, face_search; the sessions as the admin state shows them
 * (store.inspect). The wire format (headers, multipart, statuses as sent) is covered by
 * session.test.ts, ocr.test.ts and liveness.test.ts; the post-checks by postcheck.test.ts.
 */
import sharp from 'sharp'
import t from 'tap'
import type { StateItem } from '../../../src/core/vendor/module.js'
import { fpt } from '../../../src/vendors/fpt/index.js'
import { checkInit, init } from '../../../src/vendors/fpt/service/init.js'
import { planOcr } from '../../../src/vendors/fpt/service/ocr.js'
import { openSession } from '../../../src/vendors/fpt/service/session.js'
import { refusal } from '../../services.js'
import { image } from './fixtures/images.js'
import { Flow, KEY, livenessRefusal, OCR_ERROR, ocrRefusal, shipped } from './fixtures/unit.js'

// === Step 1: init, and the session every later step checks ==========================================

const INIT = 'fpt.session_init'

t.test('init creates a session of the device type that lives 30 minutes from now, with the retry limit of its sdk_config', async (t) => {
  const flow = new Flow()
  const answer = await flow.initAnswer('ios')
  t.match(answer['session-id'], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  t.same(answer.sdk_config, { is_show_ekyc_result: true, ekyc_flow: 1, liveness_type: 1, is_skip_nfc: true, limit: 5 }, "the document's example configuration")
  t.match(flow.session(answer['session-id']), { device_type: 'ios', state: 'new', created_ms: flow.nowMs, expires_ms: flow.nowMs + 1_800_000, retry_limit: 5, attempts: 0 })
})

t.test('sdk_config comes from the settings, per device type; its limit is the liveness retry limit', async (t) => {
  const flow = new Flow({ settings: { sdk_config: { ios: { limit: 2, liveness_type: 3 }, 'web-sdk': { is_skip_nfc: false } } } })
  const ios = await flow.initAnswer('ios')
  t.same(ios.sdk_config, { is_show_ekyc_result: true, ekyc_flow: 1, liveness_type: 3, is_skip_nfc: true, limit: 2 })
  t.equal(flow.session(ios['session-id'])?.retry_limit, 2)
  t.equal((await flow.initAnswer('web-sdk')).sdk_config.is_skip_nfc, false)
  t.equal((await flow.initAnswer('android')).sdk_config.limit, 5, 'other device types keep the defaults')
})

t.test('an init scenario\'s sdk_config overrides the settings, and its limit becomes the retry limit', async (t) => {
  const flow = new Flow()
  const answer = await flow.initAnswer('android', shipped('fpt/retry-limit-3', INIT))
  t.equal(answer.sdk_config.limit, 3)
  t.equal(flow.session(answer['session-id'])?.retry_limit, 3)
})

t.test('the scenario binds to the session init creates', async (t) => {
  const flow = new Flow()
  const call = flow.call(INIT, {})
  const answer = await init(call, 'api')
  t.same(call.bound, [answer['session-id']])
})

t.test('401 get api key info failed: a key not on --api-keys, checked before device-type', async (t) => {
  const flow = new Flow({ apiKeys: ['good'] })
  const call = flow.call(INIT)
  t.equal(checkInit(call, { apiKey: 'good', deviceType: 'android' }), 'android')
  for (const headers of [{ apiKey: 'other', deviceType: 'android' }, { apiKey: 'other' }]) {
    const r = await refusal(fpt, INIT, () => checkInit(call, headers))
    t.equal(r.status, 401)
    t.same(r.body, { code: '401', message: 'get api key info failed' })
  }
})

t.test('400 device type must be provided: missing, or not exactly android / ios / web-sdk / api', async (t) => {
  const call = new Flow().call(INIT)
  for (const deviceType of [undefined, 'windows', 'Android']) {
    const r = await refusal(fpt, INIT, () => checkInit(call, { apiKey: KEY, deviceType }))
    t.same([r.status, r.body], [400, { code: '400', message: 'device type must be provided' }], String(deviceType))
  }
})

t.test('a later step\'s session: no session-id is "uuid must be provided"; unknown, too long, ended or expired is "Session expired"', async (t) => {
  const flow = new Flow()
  const call = flow.call('fpt.ocr')
  const codeOf = async (id: string | undefined): Promise<unknown> => (await refusal(fpt, 'fpt.ocr', () => openSession(call, id))).body
  t.match(await codeOf(undefined), { errorCode: '400', errorMessage: 'uuid must be provided' })
  t.match(await codeOf('b3dc960b-f2d2-4917-8135-000000000000'), { errorCode: '403', errorMessage: 'Session expired' })
  t.match(await codeOf('x'.repeat(129)), { errorCode: '403' })
  const sid = await flow.init()
  t.equal(openSession(call, sid).session_id, sid)
  flow.advance(1800)
  t.match(await codeOf(sid), { errorCode: '403' }, 'expired at exactly 30 minutes')
  const passed = await flow.ready()
  await flow.liveness(passed)
  t.match(await codeOf(passed), { errorCode: '403' }, 'ended by a passed liveness')
})

// === Steps 2 and 3: OCR =============================================================================

const valuesOf = (data: Array<{ key: string, value: string }>): Record<string, string> => Object.fromEntries(data.map((f) => [f.key, f.value]))

t.test('the front side, then the back: the back answer lists the front fields as the front call gave them, then the back fields', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  const front = await flow.ocr(sid, { side: 'front' })
  t.equal(front.errorCode, '0')
  t.same(front.data.map((f) => f.key), ['ID', 'Name', 'Date of birth', 'Sex', 'Nationality', 'Home', 'Address', 'Expired Date', 'QRcode', 'Type', 'Province', 'District', 'Ward', 'Street'],
    "the front fields of the document's table")
  t.equal(flow.session(sid)?.state, 'front')
  const back = await flow.ocr(sid, { side: 'back' })
  t.equal(back.errorCode, '0')
  t.same(back.data.slice(0, front.data.length), front.data, 'the front fields, as the front call gave them')
  t.same(back.data.slice(front.data.length).map((f) => f.key), ['Features', 'Issue Date', 'Issue Location', 'MRZ'])
  const v = valuesOf(back.data)
  t.equal(v.MRZ?.split('\n').length, 3, 'a chip card MRZ has 3 lines')
  t.ok(v.MRZ?.startsWith('IDVNM'))
  t.ok(v.MRZ?.split('\n')[0]?.includes(v.ID ?? '-'), 'the MRZ carries the card number')
  t.equal(flow.session(sid)?.state, 'ocr_done', 'OCR is complete')
})

t.test('both sides in one request (no side-type): the same answer as front then back', async (t) => {
  const flow = new Flow()
  const both = await flow.ocr(await flow.init())
  t.equal(both.errorCode, '0')
  const sid = await flow.init()
  await flow.ocr(sid, { side: 'front' })
  t.same(both.data, (await flow.ocr(sid, { side: 'back' })).data, 'same images, same answer, whichever way they are sent')
})

t.test('the same front picture gives the same person; another picture, another person; another --seed, another person', async (t) => {
  const read = async (flow: Flow, seed: number): Promise<unknown> => (await flow.ocr(await flow.init(), { side: 'front', files: [await image(seed)] })).data
  const flow = new Flow()
  const first = await read(flow, 1)
  t.same(await read(flow, 1), first)
  t.not(JSON.stringify(await read(flow, 4)), JSON.stringify(first))
  t.not(JSON.stringify(await read(new Flow({ seed: 7 }), 1)), JSON.stringify(first))
})

t.test('a passport is one file: its fields at once, the session is ready for liveness, and the page is taken once (E103)', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  const v = valuesOf((await flow.ocr(sid, { doc: 'passport' })).data)
  t.match(v['Passport Number'], /^[A-Z]\d{7}$/)
  t.equal(v.MRZ?.split('\n').length, 2)
  t.ok(v.MRZ?.startsWith('P<VNM'))
  t.equal(flow.session(sid)?.state, 'ocr_done')
  t.same((await ocrRefusal(async () => await flow.ocr(sid, { doc: 'passport' }))).body, OCR_ERROR('E103', 'Please capture your rear document'))
})

t.test('a driver licence (dlr): front then back', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  const front = await flow.ocr(sid, { doc: 'dlr', side: 'front' })
  t.equal(front.errorCode, '0')
  t.same(front.data.map((f) => f.key), ['ID', 'Name', 'Date of birth', 'Nationality', 'Address', 'Class', 'Issue Date', 'Issue Location', 'Expired Date'])
  const back = await flow.ocr(sid, { doc: 'dlr', side: 'back' })
  t.equal(back.errorCode, '0')
  t.equal(back.data.at(-1)?.key, 'Classes')
})

// --- Order rules -------------------------------------------------------------------------

t.test('E101 Front picture must be taken first: the back before the front, answered before the files are read; nothing is recorded', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  const r = await ocrRefusal(async () => await flow.ocr(sid, { side: 'back' }))
  t.equal(r.status, 200)
  t.same(r.body, OCR_ERROR('E101', 'Front picture must be taken first'))
  const session = flow.session(sid) as NonNullable<ReturnType<Flow['session']>>
  t.throws(() => planOcr({ session, doc: 'idr', lang: 'en' }, 'back'), { code: 'E101' }, 'the order is checked without any file')
  t.equal(session.state, 'new')
  t.equal((await flow.ocr(sid, { side: 'front' })).errorCode, '0', 'the front is still expected')
})

t.test('E101 also when the back is of another document type than the front', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  await flow.ocr(sid, { side: 'front' })
  t.same((await ocrRefusal(async () => await flow.ocr(sid, { side: 'back', doc: 'dlr' }))).body, OCR_ERROR('E101', 'Front picture must be taken first'))
})

t.test('E103 Please capture your rear document: the front twice, or both sides after the front; the back may be taken again', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  await flow.ocr(sid, { side: 'front' })
  const twice = await ocrRefusal(async () => await flow.ocr(sid, { side: 'front' }))
  t.equal(twice.status, 200)
  t.same(twice.body, OCR_ERROR('E103', 'Please capture your rear document'))
  t.match((await ocrRefusal(async () => await flow.ocr(sid))).body, { errorCode: 'E103' }, 'both sides again after the front')
  t.equal((await flow.ocr(sid, { side: 'back' })).errorCode, '0')
  t.equal((await flow.ocr(sid, { side: 'back', files: [await image(5)] })).errorCode, '0', 'the back may be taken again')
})

t.test('E110 Wrong side-type of document: side-type back for a passport, before the call order', async (t) => {
  const flow = new Flow()
  const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { doc: 'passport', side: 'back' }))
  t.equal(r.status, 200)
  t.same(r.body, OCR_ERROR('E110', 'Wrong side-type of document'))
})

t.test('a failed OCR changes nothing: the same side can be taken again', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  t.match((await ocrRefusal(async () => await flow.ocr(sid, { side: 'front', files: [await image(1, { blur: 8 })] }))).body, { errorCode: 'QC03' })
  t.equal(flow.session(sid)?.state, 'new')
  t.equal((await flow.ocr(sid, { side: 'front' })).errorCode, '0')
})

// --- The images -------------------------------------------------------------------------

t.test('3 Unable to find the selected document in the image (HTTP 400): a flat, empty picture', async (t) => {
  const flow = new Flow()
  const flat = await sharp({ create: { width: 1024, height: 768, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer()
  const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front', files: [flat] }))
  t.equal(r.status, 400)
  t.same(r.body, OCR_ERROR('3', 'Unable to find the selected document in the image'))
})

t.test('7 Invalid image file (HTTP 400): a file over max_image_bytes; the limit is inclusive', async (t) => {
  const flow = new Flow({ settings: { max_image_bytes: 200_000 } })
  const img = await image()
  const exact = Buffer.concat([img, Buffer.alloc(200_000 - img.length)])
  t.equal((await flow.ocr(await flow.init(), { side: 'front', files: [exact] })).errorCode, '0')
  const over = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front', files: [Buffer.concat([exact, Buffer.alloc(1)])] }))
  t.equal(over.status, 400)
  t.same(over.body, OCR_ERROR('7', 'Invalid image file'))
})

t.test('QC01 Image resolution is too low: under 640x480', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  for (const [width, height] of [[320, 240], [639, 480], [640, 479]] as const) {
    const r = await ocrRefusal(async () => await flow.ocr(sid, { side: 'front', files: [await image(1, { width, height })] }))
    t.equal(r.status, 200)
    t.same(r.body, OCR_ERROR('QC01', 'Image resolution is too low'), `${width}x${height}`)
  }
})

/** The picture with a white patch over 200x150 of its 640x480 pixels (about 10%: glare). */
async function withGlare (picture: Buffer): Promise<Buffer> {
  const patch = { input: { create: { width: 200, height: 150, channels: 3 as const, background: { r: 255, g: 255, b: 255 } } }, left: 60, top: 40 }
  return await sharp(picture).composite([patch]).jpeg().toBuffer()
}

t.test('QC02 Image has bright spot(s): glare over more than 5% of the picture', async (t) => {
  const flow = new Flow()
  const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front', files: [await withGlare(await image())] }))
  t.same(r.body, OCR_ERROR('QC02', 'Image has bright spot(s)'))
})

t.test('QC03 Image is blurry: a heavily blurred picture', async (t) => {
  const flow = new Flow()
  const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front', files: [await image(1, { blur: 8 })] }))
  t.same(r.body, OCR_ERROR('QC03', 'Image is blurry'))
})

t.test('QC03 on a large picture: measured at most 768 px a side, an ordinary 1600x1200 photo passes, the same heavily blurred does not', async (t) => {
  const flow = new Flow()
  const sharpPhoto = await flow.ocr(await flow.init(), { side: 'front', files: [await image(1, { width: 1600, height: 1200 })] })
  t.equal(sharpPhoto.errorCode, '0')
  // The blur of the 640x480 case, in proportion to the picture (README, "Divergences and guesses").
  const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front', files: [await image(1, { width: 1600, height: 1200, blur: 20 })] }))
  t.same(r.body, OCR_ERROR('QC03', 'Image is blurry'))
})

t.test('QC04 Image has bad luminance: too dark or too bright', async (t) => {
  const flow = new Flow()
  for (const gain of [0.1, 3]) {
    const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front', files: [await image(1, { gain })] }))
    t.same(r.body, OCR_ERROR('QC04', 'Image has bad luminance'), `gain ${gain}`)
  }
})

t.test('the image checks come in the ruled order: 3, QC01 resolution, QC04 luminance, QC02 bright spots, QC03 blur', async (t) => {
  const flow = new Flow()
  const flatSmall = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 20, g: 20, b: 20 } } }).jpeg().toBuffer()
  const cases: Array<[string, Buffer, string]> = [
    ['a flat picture, small and dark', flatSmall, '3'],
    ['small and dark', await image(1, { width: 320, height: 240, gain: 0.1 }), 'QC01'],
    ['small and blurred', await image(1, { width: 320, height: 240, blur: 8 }), 'QC01'],
    ['washed out (its pixels are glare too)', await image(1, { gain: 3 }), 'QC04'],
    ['dark and blurred', await image(1, { gain: 0.1, blur: 8 }), 'QC04'],
    ['blurred, with glare', await withGlare(await image(1, { blur: 8 })), 'QC02']
  ]
  for (const [what, picture, code] of cases) {
    const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front', files: [picture] }))
    t.equal(r.body.errorCode, code, what)
  }
})

t.test('the back image gets the same checks, after the front one', async (t) => {
  const flow = new Flow()
  const blurredBack = await ocrRefusal(async () => await flow.ocr(await flow.init(), { files: [await image(1), await image(2, { blur: 8 })] }))
  t.equal(blurredBack.body.errorCode, 'QC03')
  const bothBad = await ocrRefusal(async () => await flow.ocr(await flow.init(), { files: [await image(1, { width: 320, height: 240 }), await image(2, { blur: 8 })] }))
  t.equal(bothBad.body.errorCode, 'QC01', 'the front is checked first')
})

t.test('the quality thresholds are settings', async (t) => {
  const flow = new Flow({ settings: { quality: { min_width: 1000, min_height: 700, min_sharpness: 0.05 } } })
  const r = await ocrRefusal(async () => await flow.ocr(await flow.init(), { side: 'front' }))
  t.equal(r.body.errorCode, 'QC01', '640x480 is now too small')
  t.equal((await flow.ocr(await flow.init(), { side: 'front', files: [await image(1, { width: 1024, height: 768, blur: 8 })] })).errorCode, '0', 'the blur is now tolerated')
})

// --- Scenarios ---------------------------------------------------------------------------

t.test('real checks come before the scenario: a damaged image with the QC03 scenario still gets 7, and no decision is made', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  const decided: unknown[] = []
  const blurry = (d: unknown): Record<string, unknown> => { decided.push(d); return shipped('fpt/ocr-QC03-blurry', 'fpt.ocr') }
  const r = await ocrRefusal(async () => await flow.ocr(sid, { side: 'front', files: [Buffer.from('nope')], outcome: blurry }))
  t.equal(r.body.errorCode, '7')
  t.same(decided, [], 'no decision for a request a real check refused')
  t.equal((await ocrRefusal(async () => await flow.ocr(sid, { side: 'front', outcome: blurry }))).body.errorCode, 'QC03')
  t.same(decided, [{ session: sid, body: {} }], 'the scenario decides with the session and the text parts')
})

const errorScenarios: Array<[string, number, string, string]> = [
  ['fpt/ocr-400-api-key', 200, '400', 'api-key must be provided'],
  ['fpt/ocr-400-document-type-missing', 200, '400', 'document-type header must be provided'],
  ['fpt/ocr-400-document-type-invalid', 200, '400', 'document-type value is invalid'],
  ['fpt/ocr-403-session-expired', 403, '403', 'Session expired'],
  ['fpt/ocr-400-uuid', 200, '400', 'uuid must be provided'],
  ['fpt/ocr-400-country-code', 200, '400', 'country code value is invalid'],
  ['fpt/ocr-E101-front-first', 200, 'E101', 'Front picture must be taken first'],
  ['fpt/ocr-E102-document-type-not-supported', 200, 'E102', 'Document type is not supported'],
  ['fpt/ocr-E103-rear-document', 200, 'E103', 'Please capture your rear document'],
  ['fpt/ocr-1-invalid-parameters', 400, '1', 'Invalid Parameters or Values'],
  ['fpt/ocr-3-document-not-found', 400, '3', 'Unable to find the selected document in the image'],
  ['fpt/ocr-7-invalid-image', 400, '7', 'Invalid image file'],
  ['fpt/ocr-QC01-low-resolution', 200, 'QC01', 'Image resolution is too low'],
  ['fpt/ocr-QC02-bright-spots', 200, 'QC02', 'Image has bright spot(s)'],
  ['fpt/ocr-QC03-blurry', 200, 'QC03', 'Image is blurry'],
  ['fpt/ocr-QC04-bad-luminance', 200, 'QC04', 'Image has bad luminance'],
  ['fpt/ocr-FC01-photocopy', 200, 'FC01', 'Document is black-and-white photocopy'],
  ['fpt/ocr-FC02-lcd-recapture', 200, 'FC02', 'Document has been re-captured from LCD screen'],
  ['fpt/ocr-FC03-edited', 200, 'FC03', 'Document has been edited or is colored photocopy'],
  ['fpt/ocr-FC04-cornered', 200, 'FC04', 'Document has been cornered'],
  ['fpt/ocr-FC05-missing-face', 200, 'FC05', 'Missing face on front side of document'],
  ['fpt/ocr-FC06-missing-qrcode', 200, 'FC06', 'Missing QRcode on front side of document'],
  ['fpt/ocr-E-1-cannot-do-postcheck', 200, 'E-1', 'Cannot do postcheck'],
  ['fpt/ocr-E110-wrong-side', 200, 'E110', 'Wrong side-type of document']
]
t.test('every shipped OCR error scenario answers its code, message and HTTP status, and the session stays as it was', async (t) => {
  const flow = new Flow()
  for (const [name, status, code, message] of errorScenarios) {
    const sid = await flow.init()
    const r = await ocrRefusal(async () => await flow.ocr(sid, { side: 'front', outcome: shipped(name, 'fpt.ocr') }))
    t.equal(r.status, status, name)
    t.same(r.body, OCR_ERROR(code, message), name)
    t.equal(flow.session(sid)?.state, 'new', name)
  }
})

// === Step 4: liveness ===============================================================================

const NA_LIVENESS = (code: string, message: string): unknown => ({ code, message, is_live: 'N/A', spoof_prob: 'N/A', need_to_review: 'N/A', is_deepfake: 'N/A', deepfake_prob: 'N/A', warning: 'N/A', error_frame_url: 'N/A' })
const NA_FACE_MATCH = (code: string, message: string): unknown => ({ code, message, isMatch: 'N/A', similarity: 'N/A', warning: 'N/A' })
const outcomeOf = (name: string): Record<string, unknown> => shipped(name, 'fpt.liveness')
const SPOOF = outcomeOf('fpt/liveness-always-fails')

t.test('liveness only once OCR is complete: HTTP 400 "OCR must be completed before liveness" before it and after the front alone', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  const before = await livenessRefusal(async () => await flow.liveness(sid))
  t.equal(before.status, 400)
  t.same(before.body, {
    code: '400',
    message: 'OCR must be completed before liveness',
    liveness: NA_LIVENESS('400', 'OCR must be completed before liveness'),
    face_match: NA_FACE_MATCH('400', 'OCR must be completed before liveness'),
    video_face_url: 'N/A',
    compared_face_url: 'N/A',
    is_complete_session: false
  })
  await flow.ocr(sid, { side: 'front' })
  t.equal((await livenessRefusal(async () => await flow.liveness(sid))).status, 400, 'the front alone is not enough')
  await flow.ocr(sid, { side: 'back' })
  t.equal((await flow.liveness(sid)).code, '200')
})

t.test('a pass ends the session: is_complete_session true, then 403 Session expired on every endpoint', async (t) => {
  const flow = new Flow()
  const sid = await flow.ready()
  const body = await flow.liveness(sid)
  t.equal(body.code, '200')
  t.equal(body.is_complete_session, true)
  t.match(flow.session(sid), { state: 'closed', closed_reason: 'success', attempts: 0 })
  const again = await livenessRefusal(async () => await flow.liveness(sid))
  t.equal(again.status, 403)
  t.match(again.body, { code: '403', message: 'Session expired', is_complete_session: true })
  t.same((await ocrRefusal(async () => await flow.ocr(sid, { side: 'back' }))).body, OCR_ERROR('403', 'Session expired'))
})

t.test('every failed attempt counts; after sdk_config.limit (5) of them is_complete_session is true and the session is over', async (t) => {
  const flow = new Flow()
  const sid = await flow.ready()
  for (let i = 1; i <= 5; i++) {
    const body = await flow.liveness(sid, { outcome: SPOOF })
    t.equal(body.code, '301')
    t.equal(body.is_complete_session, i === 5, `attempt ${i}`)
    t.equal(flow.session(sid)?.attempts, i)
  }
  t.match(flow.session(sid), { state: 'closed', closed_reason: 'limit' })
  const after = await livenessRefusal(async () => await flow.liveness(sid))
  t.equal(after.status, 403)
  t.equal(after.body.message, 'Session expired')
  t.equal((await ocrRefusal(async () => await flow.ocr(sid, { side: 'back' }))).status, 403, 'every endpoint sees the session as over')
})

t.test('the retry limit follows the device type\'s sdk_config.limit, or an init scenario\'s', async (t) => {
  const flow = new Flow({ settings: { sdk_config: { 'web-sdk': { limit: 2 } } } })
  const sid = await flow.ready('web-sdk')
  t.equal((await flow.liveness(sid, { outcome: SPOOF })).is_complete_session, false)
  t.equal((await flow.liveness(sid, { outcome: SPOOF })).is_complete_session, true)
  const one = await flow.ready('android', shipped('fpt/retry-limit-1', 'fpt.session_init'))
  t.equal((await flow.liveness(one, { outcome: outcomeOf('fpt/liveness-406-bad-face-quality') })).is_complete_session, true, 'fpt/retry-limit-1: the first failure ends the session')
})

t.test('409 Invalid upload image counts as an attempt: no selfies, none readable as multipart, an unreadable one, more than max_selfies, one over max_image_bytes', async (t) => {
  const flow = new Flow({ settings: { max_selfies: 2, max_image_bytes: 100_000 } })
  const sid = await flow.ready()
  const small = await image(3, { width: 320, height: 240 })
  const uploads: Array<Buffer[] | undefined> = [[], undefined, [Buffer.from('not an image')], [small, small, small], [Buffer.concat([small, Buffer.alloc(100_000)])]]
  for (const [i, selfies] of uploads.entries()) {
    const body = await flow.liveness(sid, { selfies })
    t.equal(body.code, '409')
    t.equal(body.message, 'Invalid upload image')
    t.same(body.liveness, NA_LIVENESS('409', 'Invalid upload image'))
    t.same(body.face_match, NA_FACE_MATCH('409', 'Invalid upload image'))
    t.equal(body.is_complete_session, i === 4, `attempt ${i + 1} of 5`)
  }
})

t.test('409 is decided before the scenario: an unreadable selfie with a pass scenario is still 409, and no decision is made', async (t) => {
  const flow = new Flow()
  const sid = await flow.ready()
  const decided: unknown[] = []
  const body = await flow.liveness(sid, { selfies: [Buffer.from('x')], outcome: (d) => { decided.push(d); return {} } })
  t.equal(body.code, '409')
  t.same(decided, [])
  t.equal((await flow.liveness(sid, { outcome: (d) => { decided.push(d); return {} } })).code, '200')
  t.same(decided, [{ session: sid, body: {} }], 'the scenario decides with the session and the text parts')
})

t.test('refusals are not attempts: key, device-type, session-id, lang', async (t) => {
  const flow = new Flow()
  const sid = await flow.ready()
  for (const headers of [{ apiKey: undefined }, { deviceType: 'tv' }, { sessionId: undefined }, { lang: 'fr' }]) {
    const r = await livenessRefusal(async () => await flow.liveness(sid, { headers }))
    t.equal(r.body.is_complete_session, false, JSON.stringify(headers))
  }
  t.equal(flow.session(sid)?.attempts, 0)
})

// --- The session's 30 minutes -------------------------------------------------------------

t.test('a session expires 30 minutes after init: OCR then answers 403 Session expired', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  flow.advance(1799)
  t.equal((await flow.ocr(sid, { side: 'front' })).errorCode, '0', 'still alive at 29:59')
  flow.advance(1)
  const r = await ocrRefusal(async () => await flow.ocr(sid, { side: 'back' }))
  t.equal(r.status, 403)
  t.same(r.body, OCR_ERROR('403', 'Session expired'))
})

t.test('the 30 minutes count from init, not from the last call: liveness then answers 403 in the liveness shape', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  flow.advance(1000)
  await flow.ocr(sid, { side: 'front' })
  await flow.ocr(sid, { side: 'back' })
  flow.advance(801)
  const r = await livenessRefusal(async () => await flow.liveness(sid))
  t.equal(r.status, 403)
  t.same(r.body, {
    code: '403',
    message: 'Session expired',
    liveness: NA_LIVENESS('403', 'Session expired'),
    face_match: NA_FACE_MATCH('403', 'Session expired'),
    video_face_url: 'N/A',
    compared_face_url: 'N/A',
    is_complete_session: true
  })
})

t.test('the session lifetime is a setting', async (t) => {
  const flow = new Flow({ settings: { session_lifetime_seconds: 60 } })
  const sid = await flow.init()
  flow.advance(60)
  t.equal((await ocrRefusal(async () => await flow.ocr(sid, { side: 'front' }))).body.errorCode, '403')
})

// --- Results -------------------------------------------------------------------------------

t.test('the same selfie gets the same scores', async (t) => {
  const flow = new Flow()
  t.same(await flow.liveness(await flow.ready()), await flow.liveness(await flow.ready()))
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
t.test('every liveness result code by its shipped scenario: the code at the top and in the part that failed, one attempt of five', async (t) => {
  const flow = new Flow()
  for (const [name, code, message, part] of results) {
    const body = await flow.liveness(await flow.ready(), { outcome: outcomeOf(name) })
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

t.test('the document\'s examples: 407, 413 and 303 bodies; 302 carries its deepfake probability', async (t) => {
  const flow = new Flow()
  const result = async (name: string): Promise<Awaited<ReturnType<Flow['liveness']>>> => await flow.liveness(await flow.ready(), { outcome: outcomeOf(name) })
  t.same((await result('fpt/liveness-407-no-face-in-document')).face_match, { code: '407', message: 'No faces detected in document', isMatch: 'N/A', similarity: 'N/A', warning: 'N/A' })
  t.same((await result('fpt/liveness-413-video-like-image')).liveness, { code: '413', message: 'Video may seem like image', is_live: 'false', spoof_prob: 'N/A', need_to_review: 'false', is_deepfake: 'N/A', deepfake_prob: 'N/A', warning: '', error_frame_url: 'N/A' })
  t.same((await result('fpt/liveness-303-face-not-matching')).face_match, { code: '303', message: 'Face is not matching with document', isMatch: 'false', similarity: '42.17', warning: 'N/A' })
  const e302 = (await result('fpt/liveness-302-deepfake')).liveness
  t.equal(e302.is_deepfake, 'true')
  t.ok(Number(e302.deepfake_prob) >= 0.5)
  const e301 = (await result('fpt/liveness-301-spoof')).liveness
  t.ok(Number(e301.spoof_prob) >= 0.5, 'a spoof scores at or above the threshold')
})

t.test('lang vi: a failure\'s top-level message in Vietnamese, its part\'s message in English', async (t) => {
  const flow = new Flow()
  const body = await flow.liveness(await flow.ready(), { headers: { lang: 'vi' }, outcome: outcomeOf('fpt/liveness-410-no-face') })
  t.equal(body.message, 'Không tìm thấy khuôn mặt hoặc khuôn mặt bị mất trong video')
  t.equal(body.liveness.message, 'No face found or face lost in video')
})

t.test('scores from a scenario: the verdict follows the thresholds (spoof 0.5, match 80), which are settings', async (t) => {
  const flow = new Flow()
  const strict = new Flow({ settings: { liveness: { spoof_threshold: 0.6, face_match_threshold: 75 } } })
  const spoof = await flow.liveness(await flow.ready(), { outcome: { spoof_prob: 0.55 } })
  t.equal(spoof.code, '301')
  t.equal(spoof.liveness.spoof_prob, '0.5500')
  t.equal((await strict.liveness(await strict.ready(), { outcome: { spoof_prob: 0.55 } })).code, '200')
  t.equal((await flow.liveness(await flow.ready(), { outcome: { similarity: 79.99 } })).code, '303')
  const lenient = await strict.liveness(await strict.ready(), { outcome: { similarity: 79.99 } })
  t.equal(lenient.code, '200')
  t.equal(lenient.face_match.isMatch, 'true')
  t.equal(lenient.face_match.similarity, '79.99')
})

t.test('fpt/liveness-need-to-review and fpt/face-match-borderline pass with their values', async (t) => {
  const flow = new Flow()
  const review = await flow.liveness(await flow.ready(), { outcome: outcomeOf('fpt/liveness-need-to-review') })
  t.equal(review.code, '200')
  t.equal(review.liveness.need_to_review, 'true')
  t.equal(review.liveness.warning, 'Video quality is low')
  const border = await flow.liveness(await flow.ready(), { outcome: outcomeOf('fpt/face-match-borderline') })
  t.equal(border.face_match.similarity, '80.12')
  t.equal(border.face_match.isMatch, 'true')
})

t.test('request-level liveness scenarios: 400 OCR first, 401, 403 (the session is then complete); none is an attempt', async (t) => {
  const flow = new Flow()
  const cases: Array<[string, number, string, boolean]> = [
    ['fpt/liveness-400-ocr-not-complete', 400, 'OCR must be completed before liveness', false],
    ['fpt/liveness-401-api-key', 401, 'get api key info failed', false],
    ['fpt/liveness-403-session-expired', 403, 'Session expired', true]
  ]
  for (const [name, status, message, complete] of cases) {
    const sid = await flow.ready()
    const r = await livenessRefusal(async () => await flow.liveness(sid, { outcome: outcomeOf(name) }))
    t.equal(r.status, status, name)
    t.equal(r.body.message, message)
    t.equal(r.body.is_complete_session, complete)
    t.equal(flow.session(sid)?.attempts, 0)
  }
})

// --- face_search ---------------------------------------------------------------------------

t.test('face_search (when enabled): the selfie against the faces of earlier passed sessions of the namespace', async (t) => {
  const settings = { face_search: { enabled: true, collection: 'bank-customers' } }
  const flow = new Flow({ settings })
  const selfie = await image(3)
  const firstSid = await flow.ready()
  const first = await flow.liveness(firstSid, { selfies: [selfie] })
  t.same(first.face_search, { 'bank-customers': { selfie: [], document: [] } }, 'nobody before')
  t.same(Object.keys(first), ['code', 'message', 'liveness', 'face_match', 'video_face_url', 'compared_face_url', 'face_search', 'is_complete_session'])
  // The same person: the selfie again, and as the document picture.
  const sid = await flow.init()
  await flow.ocr(sid, { files: [selfie, await image(2)] })
  const hits = (await flow.liveness(sid, { selfies: [selfie] })).face_search?.['bank-customers']
  t.equal(hits?.selfie.length, 1)
  t.same(hits?.selfie[0], { 'session-id': firstSid, similarity: 1, face_type: 'selfie', info: {} })
  t.same(hits?.document, [], 'the first session\'s document picture is someone else')
  const third = (await flow.liveness(await flow.ready(), { selfies: [selfie] })).face_search?.['bank-customers']
  t.equal(third?.selfie.length, 2)
  t.equal(third?.document.length, 1)
  t.equal(third?.document[0]?.face_type, 'idr')
  const elsewhere = new Flow({ settings, namespace: 'elsewhere', store: flow.store })
  const other = await elsewhere.liveness(await elsewhere.ready(), { selfies: [selfie] })
  t.same(other.face_search?.['bank-customers']?.selfie, [], 'other namespaces are not searched')
})

t.test('face_search is absent when disabled (the default) and on failures', async (t) => {
  const flow = new Flow({ settings: { face_search: { enabled: true } } })
  t.notOk('face_search' in await flow.liveness(await flow.ready(), { outcome: SPOOF }))
  const off = new Flow()
  t.notOk('face_search' in await off.liveness(await off.ready()))
})

// === store.inspect: the namespace's sessions for the admin state endpoint ============================

/** The module's store.inspect on the flow's store, at the flow's virtual time. */
function inspect (flow: Flow, namespace = 'default'): StateItem[] {
  const fn = fpt.store?.inspect
  if (fn === undefined) throw new Error('fpt declares no store.inspect')
  return fn(flow.store, namespace, flow.nowMs, { callbacks: [] })
}

t.test('a new session: its session-id, device type, 30 minutes left, the retry limit of its sdk_config', async (t) => {
  const flow = new Flow()
  const sid = await flow.init('ios')
  t.same(inspect(flow), [{
    kind: 'session',
    id: sid,
    expires_at: new Date(flow.nowMs + 1_800_000).toISOString(),
    remaining_seconds: 1800,
    fields: { state: 'new', device_type: 'ios', attempts: 0, retry_limit: 5, retries_left: 5, document_type: null, closed_reason: null }
  }])
})

t.test('the time left counts down on the virtual clock from init, whatever the calls; 0 once expired', async (t) => {
  const flow = new Flow()
  const sid = await flow.init()
  flow.advance(1000)
  await flow.ocr(sid, { side: 'front' })
  t.match(inspect(flow)[0], { remaining_seconds: 800, fields: { state: 'front', document_type: 'idr' } })
  flow.advance(799.5)
  t.equal(inspect(flow)[0]?.remaining_seconds, 1, 'half a second left still shows as a second')
  flow.advance(0.5)
  t.equal(inspect(flow)[0]?.remaining_seconds, 0)
  t.equal(inspect(flow)[0]?.expires_at, '2026-01-15T09:30:00.000Z', 'init at T0 (09:00) + 30 minutes')
})

t.test('failed liveness attempts count down the retries; the limit closes the session', async (t) => {
  const flow = new Flow()
  const sid = await flow.ready('android', shipped('fpt/retry-limit-3', 'fpt.session_init'))
  const spoof = shipped('fpt/liveness-always-fails', 'fpt.liveness')
  await flow.liveness(sid, { outcome: spoof })
  t.match(inspect(flow)[0]?.fields, { state: 'ocr_done', attempts: 1, retry_limit: 3, retries_left: 2, closed_reason: null })
  await flow.liveness(sid, { outcome: spoof })
  await flow.liveness(sid, { outcome: spoof })
  t.match(inspect(flow)[0]?.fields, { state: 'closed', attempts: 3, retries_left: 0, closed_reason: 'limit' })
})

t.test('a pass closes the session as a success; sessions are listed newest first, per namespace', async (t) => {
  const flow = new Flow()
  const passed = await flow.ready()
  await flow.liveness(passed)
  flow.advance(1)
  const later = await flow.init('web-sdk')
  const elsewhere = new Flow({ namespace: 'elsewhere', store: flow.store })
  await elsewhere.init()
  const items = inspect(flow)
  t.same(items.map((i) => i.id), [later, passed])
  t.match(items[1]?.fields, { state: 'closed', closed_reason: 'success', attempts: 0, retries_left: 5 })
  t.equal(inspect(flow, 'elsewhere').length, 1)
  t.same(inspect(flow, 'nobody'), [])
})
