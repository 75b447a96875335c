/**
 * The Riset.ai liveness service without the app (riset-liveness.md; vendor-notes §4 and the Riset
 * ruling): plain request bodies, a hand-made call (test/services.ts), no HTTP. The pose results are
 * checked over many images (hashes) per face parameter, since the attributes are drawn per image.
 * The wire format (JSON, statuses, headers) is covered by liveness.test.ts.
 */
import t from 'tap'
import { createHash } from 'node:crypto'
import { riset } from '../../../src/vendors/riset/index.js'
import { readRequest, results, verifyFaceLiveness } from '../../../src/vendors/riset/service/liveness.js'
import type { ImageResultBody, RisetOutcome } from '../../../src/vendors/riset/schemas.js'
import { photo } from '../../images.js'
import { refusal, testCall } from '../../services.js'

const OP = 'riset.verifyFaceLiveness'
const POSE_THRESHOLD = 15 // pose_threshold_deg's default

/** Twenty stand-ins for image hashes: the attributes are drawn per image. */
const HASHES = Array.from({ length: 20 }, (_, i) => createHash('sha256').update(`image ${i}`).digest('hex'))

/** A scenario outcome, checked against the vendor's vocabulary as scenario files are. */
const outcomeOf = (o: Record<string, unknown>): RisetOutcome => riset.outcome.parse(o) as RisetOutcome

/** The result of every image in HASHES asked for one face parameter (and the scenario's outcome). */
function resultsFor (parameter: string, outcome: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ImageResultBody[] {
  const call = testCall(riset, { operation: OP })
  return HASHES.map((sha256) => {
    const req = readRequest({ trx_id: 't', face_parameters: [parameter], images: ['x'], ...extra }, call.settings)
    return results(call, req, [sha256], outcomeOf(outcome)).results.image1 as ImageResultBody
  })
}

/** What each face parameter means for the attributes (the vendor's examples: "left" has a positive yaw). */
const MEANS: Array<[string[], string, (r: ImageResultBody) => boolean]> = [
  [['left', 'face left'], 'yaw >= 15', (r) => r.yaw >= POSE_THRESHOLD],
  [['right', 'face right'], 'yaw <= -15', (r) => r.yaw <= -POSE_THRESHOLD],
  [['up', 'face up'], 'pitch >= 15', (r) => r.pitch >= POSE_THRESHOLD],
  [['down', 'face down'], 'pitch <= -15', (r) => r.pitch <= -POSE_THRESHOLD],
  [['front', 'face front'], '|yaw| and |pitch| < 15', (r) => Math.abs(r.yaw) < POSE_THRESHOLD && Math.abs(r.pitch) < POSE_THRESHOLD],
  [['eyes open'], 'both eyes open', (r) => r.left_eye === 'open' && r.right_eye === 'open'],
  [['eyes closed'], 'both eyes closed', (r) => r.left_eye === 'closed' && r.right_eye === 'closed'],
  [['mouth open'], 'mouth open', (r) => r.mouth === 'open'],
  [['mouth closed'], 'mouth closed', (r) => r.mouth === 'closed']
]

for (const [spellings, meaning, holds] of MEANS) {
  for (const parameter of spellings) {
    t.test(`face parameter "${parameter}": every image matches, with ${meaning}`, async (t) => {
      for (const r of resultsFor(parameter)) {
        t.equal(r.match, true)
        t.ok(holds(r), `yaw ${r.yaw}, pitch ${r.pitch}, eyes ${r.left_eye}/${r.right_eye}, mouth ${r.mouth}`)
      }
    })
    t.test(`face parameter "${parameter}" with a wrong pose (match: false): no image has ${meaning}`, async (t) => {
      for (const r of resultsFor(parameter, { images: { '*': { match: false } } })) {
        t.equal(r.match, false)
        t.notOk(holds(r), `yaw ${r.yaw}, pitch ${r.pitch}, eyes ${r.left_eye}/${r.right_eye}, mouth ${r.mouth}`)
      }
    })
  }
  if (spellings.length === 2) {
    t.test(`"${spellings[1] as string}" is the same parameter as "${spellings[0] as string}": the same results`, async (t) => {
      t.same(resultsFor(spellings[1] as string), resultsFor(spellings[0] as string))
    })
  }
}

t.test('eyes and mouth parameters look ahead: yaw and pitch below the pose threshold', async (t) => {
  for (const parameter of ['eyes open', 'eyes closed', 'mouth open', 'mouth closed']) {
    for (const r of resultsFor(parameter)) t.ok(Math.abs(r.yaw) < POSE_THRESHOLD && Math.abs(r.pitch) < POSE_THRESHOLD, `${parameter}: yaw ${r.yaw}, pitch ${r.pitch}`)
  }
})

t.test('spoof and spoof_score only with spoof_detection (default true): real, scored under spoof_threshold', async (t) => {
  for (const r of resultsFor('front')) {
    t.equal(r.spoof, 'real')
    t.ok((r.spoof_score as number) < 0.5, `spoof_score ${String(r.spoof_score)}`)
  }
  for (const r of resultsFor('front', {}, { spoof_detection: false })) {
    t.notOk('spoof' in r || 'spoof_score' in r, 'no spoof fields without spoof_detection')
  }
  for (const r of resultsFor('front', {}, { spoof_detection: null })) t.equal(r.spoof, 'real', 'spoof_detection null is not sent: the default')
})

t.test('the per-image keys come in the document\'s order', async (t) => {
  const [r] = resultsFor('left')
  t.same(Object.keys(r as object), ['match', 'verified', 'similarity', 'masker', 'spoof', 'spoof_score', 'roll', 'pitch', 'yaw', 'left_eye', 'left_eye_score', 'right_eye', 'right_eye_score', 'mouth', 'mouth_score'])
})

t.test('a spoof image scores at or over spoof_threshold, and a given spoof_score decides the verdict', async (t) => {
  for (const r of resultsFor('front', { images: { '*': { spoof: 'spoof' } } })) t.ok(r.spoof === 'spoof' && (r.spoof_score as number) >= 0.5)
  for (const r of resultsFor('front', { images: { '*': { spoof_score: 0.5 } } })) t.equal(r.spoof, 'spoof', 'the threshold is inclusive')
  for (const r of resultsFor('front', { images: { '*': { spoof_score: 0.49 } } })) t.equal(r.spoof, 'real')
})

t.test('similarity and verified: verified at or over 0.75 (two decimals), not verified under it', async (t) => {
  for (const r of resultsFor('left')) t.ok(r.verified && r.similarity >= 0.75 && Number(r.similarity.toFixed(2)) === r.similarity, `similarity ${r.similarity}`)
  for (const r of resultsFor('left', { images: { '*': { verified: false } } })) t.ok(!r.verified && r.similarity < 0.75, `similarity ${r.similarity}`)
  for (const r of resultsFor('left', { images: { '*': { similarity: 0.75 } } })) t.equal(r.verified, true, 'the threshold is inclusive')
  for (const r of resultsFor('left', { images: { '*': { similarity: 0.74 } } })) t.equal(r.verified, false)
})

t.test('verification_threshold is a setting: similarity stays on the verdict\'s side of it', async (t) => {
  const call = testCall(riset, { operation: OP, settings: { verification_threshold: 0.953, max_images: HASHES.length } })
  const req = readRequest({ trx_id: 't', face_parameters: HASHES.map(() => 'front'), images: HASHES.map(() => 'x') }, call.settings)
  for (const r of Object.values(results(call, req, HASHES, {}).results)) t.ok(r.verified && r.similarity >= 0.96, `similarity ${r.similarity}`)
  for (const r of Object.values(results(call, req, HASHES, { images: { '*': { verified: false } } }).results)) t.ok(!r.verified && r.similarity <= 0.95, `similarity ${r.similarity}`)
})

/** The verdict of three images where the outcome makes some fail. */
function verdict (extra: Record<string, unknown>, outcome: Record<string, unknown>): string {
  const call = testCall(riset, { operation: OP })
  const req = readRequest({ trx_id: 't', face_parameters: ['left', 'right', 'front'], images: ['a', 'b', 'c'], ...extra }, call.settings)
  return results(call, req, HASHES.slice(0, 3), outcomeOf(outcome)).liveness
}

t.test('success_threshold: "passed" when at least that many images pass; by default every image must pass', async (t) => {
  const wrongPose = { images: { 2: { match: false } } }
  t.equal(verdict({}, {}), 'passed')
  t.equal(verdict({}, wrongPose), 'failed', 'one image of three fails: not all pass')
  t.equal(verdict({ success_threshold: 2 }, wrongPose), 'passed')
  t.equal(verdict({ success_threshold: 3 }, wrongPose), 'failed')
  t.equal(verdict({ success_threshold: 0 }, { images: { '*': { match: false } } }), 'passed', 'no image needs to pass')
  t.equal(verdict({ success_threshold: 4 }, {}), 'failed', 'more than the images can never be met')
  t.equal(verdict({ success_threshold: null }, wrongPose), 'failed', 'null is not sent: every image')
})

t.test('a spoof image does not pass, unless spoof detection is off', async (t) => {
  const spoof = { images: { 1: { spoof: 'spoof' } } }
  t.equal(verdict({}, spoof), 'failed')
  t.equal(verdict({ success_threshold: 2 }, spoof), 'passed')
  t.equal(verdict({ spoof_detection: false }, spoof), 'passed')
})

t.test('a scenario\'s liveness forces the verdict whatever the images', async (t) => {
  t.equal(verdict({}, { liveness: 'failed' }), 'failed')
  t.equal(verdict({}, { liveness: 'passed', images: { '*': { match: false } } }), 'passed')
})

t.test('an image override by number wins over "*"; one for an image the request lacks is ignored', async (t) => {
  const call = testCall(riset, { operation: OP })
  const req = readRequest({ trx_id: 't', face_parameters: ['left', 'left'], images: ['a', 'b'] }, call.settings)
  const out = results(call, req, HASHES.slice(0, 2), outcomeOf({ images: { '*': { masker: true, yaw: 30 }, 2: { yaw: -40 }, 5: { masker: false } } })).results
  t.same([out.image1?.masker, out.image1?.yaw, out.image1?.match], [true, 30, true])
  t.same([out.image2?.masker, out.image2?.yaw, out.image2?.match], [true, -40, false], 'a yaw of -40 is not left')
  t.same(Object.keys(out), ['image1', 'image2'])
})

/** Run the whole service and answer what core would put on the wire for its refusal. */
async function refused (body: unknown, settings: Record<string, unknown> = {}, outcome?: Record<string, unknown>): Promise<{ status: number, body: unknown, note: string | undefined, decided: number }> {
  const call = testCall(riset, { operation: OP, settings, outcome })
  const r = await refusal(riset, OP, async () => await verifyFaceLiveness(call, body))
  return { status: r.status, body: r.body, note: r.headers?.['x-sandbox-note'], decided: call.decisions.length }
}

t.test('451 image is null comes first: images null, missing, empty, or with a null or empty entry', async (t) => {
  for (const images of [null, undefined, [], ['x', null], ['']]) {
    const r = await refused({ images, face_parameters: 'nonsense' })
    t.same([r.status, r.body], [451, { status: '451', status_message: 'image is null' }], JSON.stringify(images))
  }
})

t.test('400 Request malformed: what the body says wrongly, in the vendor\'s order, with a note', async (t) => {
  const ok = { trx_id: 't', face_parameters: ['front'], images: ['x'] }
  const cases: Array<[string, unknown, RegExp]> = [
    ['a JSON array', [], /JSON object/],
    ['trx_id missing', { ...ok, trx_id: undefined }, /trx_id/],
    ['an unknown face parameter', { ...ok, face_parameters: ['sideways'] }, /face_parameters/],
    ['a trx_id over 120 characters', { ...ok, trx_id: 'x'.repeat(121) }, /trx_id has 121 characters/],
    ['more images than face_parameters', { ...ok, images: ['x', 'y'] }, /2 images but 1 face_parameters/]
  ]
  for (const [what, body, note] of cases) {
    const r = await refused(body)
    t.same([r.status, r.body], [400, { status: '400', status_message: 'Request malformed' }], what)
    t.match(r.note, note, what)
  }
})

t.test('max_images: more images than the setting is 400', async (t) => {
  const r = await refused({ trx_id: 't', face_parameters: ['left', 'right', 'up'], images: ['a', 'b', 'c'] }, { max_images: 2 })
  t.equal(r.status, 400)
  t.match(r.note, /at most 2/)
})

t.test('images are decoded in order: 490 for text that is not base64, 491 for a GIF; the note names the image', async (t) => {
  const jpeg = (await photo({ width: 160, height: 120 })).toString('base64')
  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64')
  const first = await refused({ trx_id: 't', face_parameters: ['front', 'left', 'right'], images: [jpeg, '***', gif] })
  t.same([first.status, first.body], [490, { status: '490', status_message: 'Cannot decode image base64' }])
  t.match(first.note, /image2/)
  const second = await refused({ trx_id: 't', face_parameters: ['front', 'left', 'right'], images: [jpeg, gif, '***'] })
  t.same([second.status, second.body], [491, { status: '491', status_message: 'image type not recognized' }])
  t.match(second.note, /image2/)
})

t.test('493 image error: a truncated JPEG, even when a scenario chose 412; no decision is made', async (t) => {
  const truncated = (await photo({ width: 160, height: 120 })).subarray(0, 1500).toString('base64')
  const r = await refused({ trx_id: 't', face_parameters: ['front'], images: [truncated] }, {}, { error: '412' })
  t.same([r.status, r.body], [493, { status: '493', status_message: 'image error' }])
  t.equal(r.decided, 0, 'real checks come before the scenario')
})

t.test('the scenario decides after the images decode, with the request body to match; its error answers', async (t) => {
  const body = { trx_id: 't', face_parameters: ['front'], images: [(await photo({ width: 160, height: 120 })).toString('base64')] }
  const call = testCall(riset, { operation: OP, outcome: { error: '412' } })
  const r = await refusal(riset, OP, async () => await verifyFaceLiveness(call, body))
  t.same([r.status, r.body], [412, { status: '412', status_message: 'Face not detected' }])
  t.same(call.decisions.map((d) => d.body), [body])
})

t.test('the same photo gives the same results; a photo sent for two parameters answers each', async (t) => {
  const img = (await photo({ width: 160, height: 120, seed: 3 })).toString('base64')
  const body = { trx_id: 't', face_parameters: ['left', 'right'], images: [img, img] }
  const a = await verifyFaceLiveness(testCall(riset, { operation: OP }), body)
  const b = await verifyFaceLiveness(testCall(riset, { operation: OP }), body)
  t.same(a, b)
  t.equal(a.status, '200')
  t.equal(a.liveness, 'passed')
  t.ok((a.results.image1?.yaw as number) >= 15 && (a.results.image2?.yaw as number) <= -15)
})

t.test('nine images, one per face parameter the document lists, are valid by default (max_images 9); ten are 400', async (t) => {
  const nine = ['left', 'right', 'up', 'down', 'front', 'eyes open', 'eyes closed', 'mouth open', 'mouth closed']
  const settings = riset.settings.parse({})
  t.equal(settings.max_images, 9)
  t.equal(readRequest({ trx_id: 't', face_parameters: nine, images: nine.map(() => 'x') }, settings).images.length, 9)
  const r = await refused({ trx_id: 't', face_parameters: [...nine, 'front'], images: [...nine, 'front'].map(() => 'x') })
  t.same([r.status, r.body], [400, { status: '400', status_message: 'Request malformed' }])
})

t.test('nine images of max_image_bytes, as base64, fit in the body limit with room for the other fields', async (t) => {
  const settings = riset.settings.parse({})
  const nineAsBase64 = settings.max_images * Math.ceil(settings.max_image_bytes / 3) * 4
  t.ok(riset.bodyLimit >= nineAsBase64 + 1024 * 1024, `${riset.bodyLimit} bytes for ${nineAsBase64} of base64`)
})

t.test('490 Cannot decode image base64: an image sent as a data: URI, though its base64 is a good JPEG', async (t) => {
  const jpeg = (await photo({ width: 160, height: 120 })).toString('base64')
  for (const uri of [`data:image/jpeg;base64,${jpeg}`, 'data:image/jpeg;base64,']) {
    const r = await refused({ trx_id: 't', face_parameters: ['front'], images: [uri] })
    t.same([r.status, r.body], [490, { status: '490', status_message: 'Cannot decode image base64' }])
    t.match(r.note, /images\[0\] \(image1\): the image is a data: URI/)
  }
  t.equal((await verifyFaceLiveness(testCall(riset, { operation: OP }), { trx_id: 't', face_parameters: ['front'], images: [jpeg] })).status, '200')
})
