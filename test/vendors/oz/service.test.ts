/**
 * The Oz API Lite services without the app: plain inputs (a raw body, multipart parts as the route
 * hands them over), a hand-made call (test/services.ts) with a fixed clock and a chosen scenario
 * outcome. The wire format (multipart answers, base64 transfer mode, error bodies and statuses,
 * routing) stays covered by api.test.ts, biometry.test.ts and liveness.test.ts.
 */
import sharp from 'sharp'
import t from 'tap'
import type { MultipartBody } from '../../../src/core/multipart.js'
import { oz } from '../../../src/vendors/oz/index.js'
import { compare, compareN, decisionOf, extract, extractAndCompare, verifyN } from '../../../src/vendors/oz/service/biometry.js'
import { detect, type DetectResultValue } from '../../../src/vendors/oz/service/detect.js'
import { health, version } from '../../../src/vendors/oz/service/status.js'
import type { FolderValue, OzSettings } from '../../../src/vendors/oz/schemas.js'
import { T0 } from '../../helper.js'
import { photo } from '../../images.js'
import { refusal, testCall, type TestCall, type TestCallOptions } from '../../services.js'

type Opts = Omit<TestCallOptions<undefined>, 'operation'>
const call = (operation: string, opts: Opts = {}): TestCall<OzSettings, undefined> => testCall(oz, { operation: `oz.${operation}`, ...opts })

interface PartSpec { name: string, data: Buffer | string, filename?: string, type?: string }

/** Parts as readMultipart hands them over; a part without `type` declares none (busboy says text/plain). */
function parts (...specs: PartSpec[]): { body: MultipartBody, base64: boolean } {
  return {
    base64: false,
    body: {
      fields: {},
      files: specs.map((p) => ({ field: p.name, filename: p.filename, mimetype: p.type ?? 'text/plain', declaredType: p.type, data: Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data) }))
    }
  }
}

const jpeg = (bytes: Buffer): { mediaType: string, bytes: Buffer, base64: boolean } => ({ mediaType: 'image/jpeg', bytes, base64: false })

/** Small pictures, made once: the services decode every one of them. */
const pictures = new Map<number, Promise<Buffer>>()
const picture = async (seed: number): Promise<Buffer> => {
  let p = pictures.get(seed)
  if (p === undefined) {
    p = photo({ seed, width: 200, height: 160 })
    pictures.set(seed, p)
  }
  return await p
}

const templateOf = async (image: Buffer, opts: Opts = {}): Promise<Buffer> => (await extract(call('extract', opts), jpeg(image))).template

const pair = (a: Buffer, b: Buffer): ReturnType<typeof parts> => parts({ name: 'bio_feature', data: a }, { name: 'bio_template', data: b })

// ---- extract ----

t.test('extract: the same image always gives the same 304-byte template, another image another one', async (t) => {
  const a = await templateOf(await picture(1))
  t.equal(a.length, 304)
  t.equal(a.toString('latin1', 0, 4), 'OZBT')
  t.same(await templateOf(await picture(1)), a)
  t.not((await templateOf(await picture(2))).toString('hex'), a.toString('hex'))
})

t.test('extract in base64 transfer mode: a base64 body in, the template as base64 text out', async (t) => {
  const img = await picture(1)
  const answer = await extract(call('extract'), { mediaType: 'image/png', bytes: Buffer.from(img.toString('base64')), base64: true })
  t.equal(answer.base64, true)
  t.equal(answer.template.toString('latin1'), (await templateOf(img)).toString('base64'))
})

t.test('extract: BPE-002001 for a body that is not an image, BPE-002003 for an unreadable one, before any scenario', async (t) => {
  const img = await picture(1)
  const notImage = await refusal(oz, 'oz.extract', async () => await extract(call('extract'), { mediaType: 'application/json', bytes: Buffer.from('{}'), base64: false }))
  t.match(notImage.body, { code: 'BPE-002001' })
  const c = call('extract', { outcome: { error: 'BPE-003002' } })
  const truncated = await refusal(oz, 'oz.extract', async () => await extract(c, jpeg(img.subarray(0, 1000))))
  t.match(truncated.body, { code: 'BPE-002003' })
  t.equal(c.decisions.length, 0, 'the no-face scenario was never asked')
})

t.test('extract: BPE-003002 The biometric sample is missing face, when a scenario says so', async (t) => {
  const r = await refusal(oz, 'oz.extract', async () => await extract(call('extract', { outcome: { error: 'BPE-003002' } }), jpeg(await picture(1))))
  t.same(r.body, { code: 'BPE-003002', message: 'The biometric sample is missing face' })
})

// ---- compare: scores and decisions ----

t.test('compare: the same template scores 1.0 and is approved', async (t) => {
  const a = await templateOf(await picture(1))
  t.same(await compare(call('compare'), pair(a, a)), { score: 1, decision: 'approved' })
})

t.test('compare, default mode: two different photos are approved with a high score, deterministic and symmetric', async (t) => {
  const a = await templateOf(await picture(1))
  const b = await templateOf(await picture(2))
  const ab = await compare(call('compare'), pair(a, b))
  t.equal(ab.decision, 'approved')
  // t + 0.1·(1−t) to t + 0.9·(1−t), t = 0.85 (README, "Scores and decisions")
  t.ok(ab.score >= 0.865 && ab.score <= 0.985, `score ${ab.score}`)
  t.same(await compare(call('compare'), pair(a, b)), ab, 'the same pair, the same score')
  t.same(await compare(call('compare'), pair(b, a)), ab, 'either order')
  t.not((await compare(call('compare', { seed: 9 }), pair(a, b))).score, ab.score, '--seed changes generated scores')
})

t.test('compare, content mode: scored by perceptual distance, a re-encoded copy approved, an unrelated photo declined', async (t) => {
  // Camera-sized pictures, as README's figures are for.
  const img = await photo({ seed: 4 })
  const a = await templateOf(img)
  const copy = await templateOf(await sharp(img).jpeg({ quality: 55 }).toBuffer())
  const other = await templateOf(await photo({ seed: 5 }))
  const content = { settings: { compare_mode: 'content' } }
  const same = await compare(call('compare', content), pair(a, copy))
  t.equal(same.decision, 'approved')
  t.ok(same.score > 0.9 && same.score < 1, `re-encoded: ${same.score}`)
  const diff = await compare(call('compare', content), pair(a, other))
  t.equal(diff.decision, 'declined')
  t.ok(diff.score < 0.6, `unrelated: ${diff.score}`)
  t.same(await compare(call('compare', content), pair(a, a)), { score: 1, decision: 'approved' })
  t.same(await compare(call('compare', { outcome: { compare_mode: 'content' } }), pair(a, other)), diff, 'the scenario outcome compare_mode: content does the same')
})

t.test('extract on a picture larger than 768 px: the original size in the template, a half-size copy approved in content mode', async (t) => {
  // Templates come from core's sample of the picture (at most 768 px a side; README, "Biometric templates").
  const img = await photo({ seed: 4, width: 1600, height: 1200 })
  const a = await templateOf(img)
  t.same([a.readUInt16BE(6), a.readUInt16BE(8)], [1600, 1200])
  t.same(await templateOf(Buffer.from(img)), a, 'the same bytes, the same template')
  const half = await templateOf(await sharp(img).resize(800).jpeg({ quality: 88 }).toBuffer())
  const r = await compare(call('compare', { settings: { compare_mode: 'content' } }), pair(a, half))
  t.equal(r.decision, 'approved')
  t.ok(r.score > 0.95, `half-size copy: ${r.score}`)
})

t.test('decision by threshold: approved at approved_threshold and above, declined below', async (t) => {
  const settings = oz.settings.parse({})
  t.equal(decisionOf(settings, 0.85), 'approved', 'the threshold itself is approved')
  t.equal(decisionOf(settings, 1), 'approved')
  t.equal(decisionOf(settings, 0.8499), 'declined')
  t.equal(decisionOf(settings, 0), 'declined')
  t.equal(decisionOf({ ...settings, approved_threshold: 0.6 }, 0.61), 'approved')
})

t.test('decision: operator_required only in the band [operator_required_threshold, approved_threshold), when configured', async (t) => {
  const settings = oz.settings.parse({ operator_required_threshold: 0.75 })
  t.equal(decisionOf(settings, 0.8), 'operator_required')
  t.equal(decisionOf(settings, 0.75), 'operator_required', 'the band includes its lower bound')
  t.equal(decisionOf(settings, 0.7499), 'declined')
  t.equal(decisionOf(settings, 0.85), 'approved')
  const a = await templateOf(await picture(1))
  t.same(await compare(call('compare', { settings: { operator_required_threshold: 0.75 }, outcome: { score: 0.8 } }), pair(a, a)), { score: 0.8, decision: 'operator_required' })
  t.same(await compare(call('compare', { outcome: { score: 0.8 } }), pair(a, a)), { score: 0.8, decision: 'declined' }, 'no band configured: declined')
})

t.test('a scenario score replaces the comparison: oz/faces-do-not-match declines even the same template', async (t) => {
  const a = await templateOf(await picture(1))
  t.same(await compare(call('compare', { outcome: { score: 0.21 } }), pair(a, a)), { score: 0.21, decision: 'declined' })
})

t.test('a scenario decision without a score gets a generated score in its band', async (t) => {
  const a = await templateOf(await picture(1))
  const b = await templateOf(await picture(2))
  const approved = await compare(call('compare', { outcome: { decision: 'approved' } }), pair(a, b))
  t.equal(approved.decision, 'approved')
  t.ok(approved.score >= 0.85 && approved.score <= 1, `approved ${approved.score}`)
  const operator = await compare(call('compare', { outcome: { decision: 'operator_required' } }), pair(a, b))
  t.equal(operator.decision, 'operator_required')
  t.ok(operator.score >= 0.75 && operator.score < 0.85, `operator_required ${operator.score} (band 0.75 without a configured threshold)`)
  const declined = await compare(call('compare', { outcome: { decision: 'declined' } }), pair(a, a))
  t.equal(declined.decision, 'declined')
  t.ok(declined.score < 0.75, `declined ${declined.score}, even for the same template`)
})

t.test('1:N: scores[i] of the scenario per item in input order, then its score or the default', async (t) => {
  const a = await templateOf(await picture(1))
  const n = parts({ name: 'template_1', data: a }, ...[1, 2, 3, 4].map((i) => ({ name: 'templates_n', data: a, filename: `${i}.template` })))
  const r = await compareN(call('compare_n', { outcome: { scores: [0, 1, 0.21] } }), n)
  t.same(r.results, [
    { filename: '1.template', score: 0, decision: 'declined' },
    { filename: '2.template', score: 1, decision: 'approved' },
    { filename: '3.template', score: 0.21, decision: 'declined' },
    { filename: '4.template', score: 1, decision: 'approved' }
  ])
})

t.test('verify_n and extract_and_compare: the sample\'s template is compared as extract would make it', async (t) => {
  const img = await picture(1)
  const other = await templateOf(await picture(2))
  const r = await verifyN(call('verify_n'), parts({ name: 'sample_1', data: img, type: 'image/jpeg' }, { name: 'templates_n', data: other, filename: 'b' }, { name: 'templates_n', data: await templateOf(img) }))
  t.same(r.results[1], { filename: 'templates_n', score: 1, decision: 'approved' }, 'a part without a filename is named by its part name')
  t.same(r.results[0], { filename: 'b', ...await compare(call('compare'), pair(await templateOf(img), other)) })
  t.same(await extractAndCompare(call('extract_and_compare'), parts({ name: 'sample_1', data: img }, { name: 'sample_2', data: img })), { score: 1, decision: 'approved' })
})

t.test('the scenario sees the parts of a biometry call as {name, filename}', async (t) => {
  const a = await templateOf(await picture(1))
  const c = call('compare_n', { outcome: {} })
  await compareN(c, parts({ name: 'template_1', data: a }, { name: 'templates_n', data: a, filename: '1.template' }))
  t.same(c.decisions, [{ body: { parts: [{ name: 'template_1', filename: null }, { name: 'templates_n', filename: '1.template' }] } }])
})

t.test('BPE-002004 Failed to read the biometric template: a part that is not a template, or none', async (t) => {
  const a = await templateOf(await picture(1))
  const flipped = Buffer.from(a)
  flipped[100] = (flipped[100] as number) ^ 0xff
  for (const [what, input] of [
    ['one byte changed', pair(a, flipped)],
    ['an image', pair(a, await picture(1))],
    ['no bio_template part', parts({ name: 'bio_feature', data: a })]
  ] as const) {
    const r = await refusal(oz, 'oz.compare', async () => await compare(call('compare'), input))
    t.match(r.body, { code: 'BPE-002004' }, what)
  }
  const tooMany = await refusal(oz, 'oz.compare_n', async () => await compareN(call('compare_n', { settings: { max_n: 1 } }), parts({ name: 'template_1', data: a }, { name: 'templates_n', data: a }, { name: 'templates_n', data: a })))
  t.match(tooMany.body, { code: 'BPE-002004' }, 'more templates_n than max_n')
})

t.test('BPE-002005 Invalid Content-Type of the multiparted HTTP request part: a template declared image/jpeg, a sample declared application/octet-stream', async (t) => {
  const img = await picture(1)
  const a = await templateOf(img)
  const template = await refusal(oz, 'oz.compare', async () => await compare(call('compare'), parts({ name: 'bio_feature', data: a, type: 'image/jpeg' }, { name: 'bio_template', data: a })))
  t.match(template.body, { code: 'BPE-002005' })
  t.match(template.headers, { 'x-sandbox-note': /bio_feature/ }, 'the note names the part')
  const sample = await refusal(oz, 'oz.extract_and_compare', async () => await extractAndCompare(call('extract_and_compare'), parts({ name: 'sample_1', data: img, type: 'application/octet-stream' }, { name: 'sample_2', data: img })))
  t.match(sample.body, { code: 'BPE-002005' })
})

t.test('BPE-002005: a template or a sample declared text/plain is the wrong kind of input; one that declares nothing is read', async (t) => {
  const img = await picture(1)
  const a = await templateOf(img)
  const text = await refusal(oz, 'oz.compare', async () => await compare(call('compare'), parts({ name: 'bio_feature', data: a }, { name: 'bio_template', data: a, type: 'text/plain' })))
  t.match(text.body, { code: 'BPE-002005' })
  const sample = await refusal(oz, 'oz.extract_and_compare', async () => await extractAndCompare(call('extract_and_compare'), parts({ name: 'sample_1', data: img }, { name: 'sample_2', data: img, type: 'text/plain' })))
  t.match(sample.body, { code: 'BPE-002005' })
  t.same(await compare(call('compare'), pair(a, a)), { score: 1, decision: 'approved' }, 'undeclared parts')
})

// ---- detect ----

const detectImage = async (opts: Opts, image: Buffer): Promise<DetectResultValue> =>
  await detect(call('detect', opts), { image: jpeg(image) }) as DetectResultValue

const folder = async (opts: Opts, ...specs: PartSpec[]): Promise<FolderValue> =>
  await detect(call('detect', opts), { folder: parts(...specs) }) as FolderValue

const payload = (value: unknown): PartSpec => ({ name: 'payload', data: JSON.stringify(value) })

t.test('detect on an image: live by default, a score far below the 0.5 threshold, the same for the same image', async (t) => {
  const img = await picture(1)
  const r = await detectImage({}, img)
  t.equal(r.passed, true)
  t.ok(r.score >= 0 && r.score < 0.01, `score ${r.score}`)
  t.same(await detectImage({}, img), r)
  t.not((await detectImage({}, await picture(2))).score, r.score, 'another image, another score')
})

t.test('detect resolution by threshold: a score equal to liveness_threshold passes, a score above it does not', async (t) => {
  const img = await picture(1)
  t.same(await detectImage({ outcome: { score: 0.5 } }, img), { passed: true, score: 0.5 })
  t.same(await detectImage({ outcome: { score: 0.5001 } }, img), { passed: false, score: 0.5001 })
  t.same(await detectImage({ outcome: { score: 0.6 }, settings: { liveness_threshold: 0.65 } }, img), { passed: true, score: 0.6 }, 'the setting moves the threshold')
})

t.test('detect: passed chosen by a scenario without a score gets a score on that side of the threshold', async (t) => {
  const img = await picture(1)
  const spoof = await detectImage({ outcome: { passed: false } }, img)
  t.equal(spoof.passed, false)
  t.ok(spoof.score > 0.5, `attack score ${spoof.score}`)
  const live = await detectImage({ outcome: { passed: true } }, img)
  t.equal(live.passed, true)
  t.ok(live.score <= 0.5)
})

t.test('detect folder: threshold_spoofing decides each analysis; the folder is DECLINED when any analysis is', async (t) => {
  const img = await picture(1)
  const analyses = [{ type: 'quality', params: { threshold_spoofing: 0.7 } }, { type: 'quality' }, { type: 'quality', params: { threshold_spoofing: 0.6 } }]
  const f = await folder({ outcome: { score: 0.6 } }, { name: 'm', data: img }, payload({ analyses }))
  t.same(f.analyses.map((a) => a.resolution), ['SUCCESS', 'DECLINED', 'SUCCESS'], '0.6 is above the default 0.5 only')
  t.same(f.analyses.map((a) => a.confs.threshold_spoofing), [0.7, 0.5, 0.6])
  t.equal(f.system_resolution, 'DECLINED')
  const one = await folder({ outcome: { score: 0.6 } }, { name: 'm', data: img }, payload({ analyses: [analyses[0]] }))
  t.equal(one.system_resolution, 'SUCCESS')
})

t.test('detect folder: scores[i] per media in input order; one declined media declines the analysis', async (t) => {
  const f = await folder({ outcome: { scores: [0.1, 0.9] } }, { name: 'a', data: await picture(1) }, { name: 'b', data: await picture(2) })
  t.same(f.analyses[0]?.results_media.map((r) => r.results_data.confidence_spoofing), [0.1, 0.9])
  t.equal(f.analyses[0]?.resolution, 'DECLINED')
})

t.test('detect folder: temporary ids and times from the virtual clock', async (t) => {
  const img = await picture(1)
  const f = await folder({}, { name: 'm', data: img, filename: 'selfie.jpg' })
  t.equal(f.time_created, T0 / 1000)
  t.equal(f.media[0]?.original_name, 'selfie.jpg')
  const later = await folder({ nowMs: T0 + 90_000 }, { name: 'm', data: img, filename: 'selfie.jpg' })
  t.equal(later.time_created, T0 / 1000 + 90)
  t.not(later.folder_id, f.folder_id, 'a new folder id at another instant')
})

t.test('detect folder: the resolution_endpoint callback carries the folder document; resolution_callback false asks for none', async (t) => {
  const img = await picture(1)
  const c = call('detect')
  const f = await detect(c, { folder: parts({ name: 'm', data: img }, payload({ resolution_endpoint: 'http://127.0.0.1:9/result' })) })
  t.same(c.callbacks, [{ operation: 'oz.resolution_callback', url: 'http://127.0.0.1:9/result', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) }])
  const off = call('detect', { settings: { resolution_callback: false } })
  await detect(off, { folder: parts({ name: 'm', data: img }, payload({ resolution_endpoint: 'http://127.0.0.1:9/result' })) })
  t.same(off.callbacks, [])
})

t.test('detect folder: the scenario sees the payload and the media; the journal records the media bytes', async (t) => {
  const img = await picture(1)
  const c = call('detect', { outcome: {} })
  await detect(c, { folder: parts({ name: 'media_key1', data: img, filename: 'a.jpg' }, payload({ 'folder:meta_data': { id: 'x' } })) })
  t.same(c.decisions, [{ body: { payload: { 'folder:meta_data': { id: 'x' } }, media: [{ name: 'media_key1', filename: 'a.jpg' }] } }])
  t.same(c.recorded, [{ payload: { 'folder:meta_data': { id: 'x' } }, media: [{ field: 'media_key1', filename: 'a.jpg', content: img }] }])
})

t.test('LDE-002001 Invalid Content-Type of HTTP request: a detect body that is neither an image nor multipart', async (t) => {
  const r = await refusal(oz, 'oz.detect', async () => await detect(call('detect'), { image: { mediaType: 'application/json', bytes: Buffer.from('{}'), base64: false } }))
  t.same(r.body, { code: 'LDE-002001', message: 'Invalid Content-Type of HTTP request' })
})

t.test('LDE-002004 Failed to extract the biometric sample: no media, a duplicate media name, a truncated image', async (t) => {
  const img = await picture(1)
  const cases: Array<[string, PartSpec[]]> = [
    ['no media', [payload({})]],
    ['two media parts named m', [{ name: 'm', data: img }, { name: 'm', data: img }]],
    ['a truncated JPEG', [{ name: 'm', data: img.subarray(0, 300) }]]
  ]
  for (const [what, specs] of cases) {
    const r = await refusal(oz, 'oz.detect', async () => await folder({}, ...specs))
    t.match(r.body, { code: 'LDE-002004' }, what)
  }
})

t.test('LDE-002005 Invalid Content-Type of the multiparted HTTP request part: a payload that is not JSON', async (t) => {
  const r = await refusal(oz, 'oz.detect', async () => await folder({}, { name: 'm', data: await picture(1) }, { name: 'payload', data: '{"analyses": [' }))
  t.match(r.body, { code: 'LDE-002005' })
})

t.test('LDE-002005: a media part declared text/* is refused; any other declared type is read by its bytes', async (t) => {
  const img = await picture(1)
  for (const type of ['text/plain', 'text/html']) {
    const r = await refusal(oz, 'oz.detect', async () => await folder({}, { name: 'm', data: img, type }))
    t.match(r.body, { code: 'LDE-002005' }, type)
  }
  const f = await folder({}, { name: 'a', data: img, type: 'video/mp4' }, { name: 'b', data: img, type: 'multipart/form-data' }, { name: 'c', data: img })
  t.same(f.media.map((m) => m.media_type), ['IMAGE_FOLDER', 'IMAGE_FOLDER', 'IMAGE_FOLDER'])
})

t.test('LDE-001001 Liveness detection processor internal error, chosen by a scenario, is HTTP 500', async (t) => {
  const r = await refusal(oz, 'oz.detect', async () => await detectImage({ outcome: { error: 'LDE-001001' } }, await picture(1)))
  t.equal(r.status, 500)
  t.same(r.body, { code: 'LDE-001001', message: 'Liveness detection processor internal error' })
})

// ---- status ----

t.test('health: status 0 and an empty message; a scenario\'s status 3 and message', async (t) => {
  t.same(health(call('health')), { status: 0, message: '' })
  t.same(health(call('liveness_health', { outcome: { status: 3, message: 'inoperative' } })), { status: 3, message: 'inoperative' })
})

t.test('version: the component versions from the settings', async (t) => {
  t.same(version(call('version')), { core: '1.2.3', tfss: '2.11.0', models: [{ name: 'face_detector', version: '1.4.0' }, { name: 'biometry', version: '3.2.1' }, { name: 'liveness', version: '5.0.2' }] })
  const custom = { core: '1.1.1', tfss: '2.4.0', models: [] }
  t.same(version(call('version', { settings: { version: custom } })), custom)
})
