/**
 * Riset.ai Liveness API, POST /liveness-api/verify-face-liveness (riset-liveness.md; vendor-notes.md,
 * Riset ruling and §4). Test names use the vendor's words.
 */
import t from 'tap'
import { build, json } from '../../helper.js'
import { giantPngHeader, photo } from '../../images.js'
import { b64, body, DOC_PARAMETERS, RESULT_KEYS, TOKEN, URL, verify } from './fixtures/riset.js'

t.test('the document\'s example request: status "200", "Success", liveness "passed", results image1..image8 with every field in order', async (t) => {
  const app = await build(t)
  const res = await verify(app, await body(DOC_PARAMETERS, { spoof_detection: true, success_threshold: 8 }))
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const b = json(res)
  t.same(Object.keys(b), ['status', 'status_message', 'liveness', 'results'])
  t.equal(b.status, '200', 'status is a string')
  t.equal(b.status_message, 'Success')
  t.equal(b.liveness, 'passed')
  t.same(Object.keys(b.results), ['image1', 'image2', 'image3', 'image4', 'image5', 'image6', 'image7', 'image8'])
  for (const [key, r] of Object.entries<any>(b.results)) {
    t.same(Object.keys(r), RESULT_KEYS, `${key} has the document's fields in its order`)
    t.equal(r.match, true)
    t.equal(r.verified, true)
    t.ok(r.similarity >= 0.75 && r.similarity <= 1, 'verified means similarity >= 0.75')
    t.equal(r.masker, false)
    t.equal(r.spoof, 'real')
    t.ok(r.spoof_score >= 0 && r.spoof_score < 0.5)
  }
})

const T = 15
const agreement: Array<[string, (r: any) => boolean, string]> = [
  ['left', (r) => r.yaw >= T, `yaw >= ${T}`],
  ['face left', (r) => r.yaw >= T, `yaw >= ${T}`],
  ['right', (r) => r.yaw <= -T, `yaw <= -${T}`],
  ['face right', (r) => r.yaw <= -T, `yaw <= -${T}`],
  ['up', (r) => r.pitch >= T, `pitch >= ${T}`],
  ['face up', (r) => r.pitch >= T, `pitch >= ${T}`],
  ['down', (r) => r.pitch <= -T, `pitch <= -${T}`],
  ['face down', (r) => r.pitch <= -T, `pitch <= -${T}`],
  ['front', (r) => Math.abs(r.yaw) < T && Math.abs(r.pitch) < T, `|yaw| and |pitch| < ${T}`],
  ['face front', (r) => Math.abs(r.yaw) < T && Math.abs(r.pitch) < T, `|yaw| and |pitch| < ${T}`],
  ['eyes open', (r) => r.left_eye === 'open' && r.right_eye === 'open', 'both eyes "open"'],
  ['eyes closed', (r) => r.left_eye === 'closed' && r.right_eye === 'closed', 'both eyes "closed"'],
  ['mouth open', (r) => r.mouth === 'open', 'mouth "open"'],
  ['mouth closed', (r) => r.mouth === 'closed', 'mouth "closed"']
]
t.test('each image agrees with its requested parameter (yaw sign for left/right, pitch for up/down, eye and mouth states), in both spellings', async (t) => {
  const app = await build(t)
  for (let seed = 1; seed <= 3; seed++) {
    const img = await b64(seed)
    const params = agreement.map(([p]) => p)
    const res = await verify(app, { trx_id: `t${seed}`, face_parameters: params.slice(0, 8), images: Array(8).fill(img) })
    const res2 = await verify(app, { trx_id: `u${seed}`, face_parameters: params.slice(8), images: Array(params.length - 8).fill(img) })
    const results = [...Object.values<any>(json(res).results), ...Object.values<any>(json(res2).results)]
    agreement.forEach(([param, ok, what], i) => {
      const r = results[i]
      t.ok(ok(r), `"${param}" (photo ${seed}): ${what}; got yaw ${r.yaw}, pitch ${r.pitch}, eyes ${r.left_eye}/${r.right_eye}, mouth ${r.mouth}`)
      t.equal(r.match, true)
      for (const k of ['left_eye_score', 'right_eye_score', 'mouth_score']) t.ok(r[k] >= 0.85 && r[k] <= 1, `${k} is a confident score`)
    })
  }
})

t.test('"face left" and "left" are the same parameter: the same image gives the same result', async (t) => {
  const app = await build(t)
  const img = await b64(4)
  const a = json(await verify(app, { trx_id: 'a', face_parameters: ['left', 'face up'], images: [img, img] }))
  const b = json(await verify(app, { trx_id: 'b', face_parameters: ['face left', 'up'], images: [img, img] }))
  t.same(a, b)
})

t.test('the eye and mouth parameters are checked with the face looking ahead', async (t) => {
  const app = await build(t)
  const r = json(await verify(app, await body(['eyes open', 'eyes closed', 'mouth open', 'mouth closed']))).results
  for (const k of Object.keys(r)) t.ok(Math.abs(r[k].yaw) < T && Math.abs(r[k].pitch) < T, `${k} looks ahead`)
  t.equal(r.image1.mouth, 'closed')
  t.equal(r.image3.left_eye, 'open')
})

t.test('generated values are deterministic: the same request gives the same body, other photos or another --seed other values', async (t) => {
  const app = await build(t)
  const other = await build(t, { argv: ['--seed', '42'] })
  const req = await body(['left', 'front'])
  const first = json(await verify(app, req))
  t.same(json(await verify(app, req)), first)
  t.same(json(await verify(app, { ...req, trx_id: 'another-transaction' })), first, 'trx_id is for logging; it does not change the analysis')
  const swapped = json(await verify(app, { ...req, images: [await b64(9), await b64(2)] }))
  t.not(swapped.results.image1.yaw, first.results.image1.yaw, 'another photo, another yaw')
  t.same(swapped.results.image2, first.results.image2, 'the unchanged image keeps its values')
  t.not(json(await verify(other, req)).results.image1.yaw, first.results.image1.yaw, 'another seed, other values')
})

t.test('spoof_detection false: the spoof fields are left out and only the pose counts', async (t) => {
  const app = await build(t)
  const res = json(await verify(app, await body(['left', 'right'], { spoof_detection: false })))
  t.equal(res.liveness, 'passed')
  for (const r of Object.values<any>(res.results)) {
    t.same(Object.keys(r), RESULT_KEYS.filter((k) => k !== 'spoof' && k !== 'spoof_score'))
  }
})

t.test('spoof_detection defaults to true, also when sent as null', async (t) => {
  const app = await build(t)
  for (const extra of [{}, { spoof_detection: null }, { spoof_detection: true }]) {
    const res = json(await verify(app, await body(['front'], extra)))
    t.equal(res.results.image1.spoof, 'real', JSON.stringify(extra))
  }
})

t.test('success_threshold defaults to all images; a threshold above the number of images can never be met', async (t) => {
  const app = await build(t)
  const params = ['left', 'right', 'front']
  t.equal(json(await verify(app, await body(params))).liveness, 'passed')
  t.equal(json(await verify(app, await body(params, { success_threshold: 3 }))).liveness, 'passed')
  t.equal(json(await verify(app, await body(params, { success_threshold: null }))).liveness, 'passed', 'null: the default')
  const over = json(await verify(app, await body(params, { success_threshold: 4 })))
  t.equal(over.liveness, 'failed', '4 of 3 images cannot pass')
  t.equal(over.status, '200', 'a failed liveness is still a successful call')
  t.equal(over.status_message, 'Success')
})

t.test('success_threshold counts images that match and, with spoof_detection, are real', async (t) => {
  const app = await build(t)
  const wrong = { ...TOKEN, 'x-sandbox-scenario': 'riset/wrong-pose-image-2' }
  const spoof = { ...TOKEN, 'x-sandbox-scenario': 'riset/spoof-image-1' }
  const params = ['left', 'right', 'front']
  t.equal(json(await verify(app, await body(params), wrong)).liveness, 'failed', 'default threshold: all 3 must pass, 2 do')
  t.equal(json(await verify(app, await body(params, { success_threshold: 2 }), wrong)).liveness, 'passed', '2 of 3 pass')
  t.equal(json(await verify(app, await body(params, { success_threshold: 0 }), wrong)).liveness, 'passed', 'threshold 0 is always met')
  t.equal(json(await verify(app, await body(params), spoof)).liveness, 'failed', 'a spoof does not count')
  t.equal(json(await verify(app, await body(params, { success_threshold: 2 }), spoof)).liveness, 'passed')
  const off = json(await verify(app, await body(params, { spoof_detection: false }), spoof))
  t.equal(off.liveness, 'passed', 'without spoof detection a spoof is not seen')
  t.notOk('spoof' in off.results.image1)
})

t.test('images are accepted as JPG or PNG, in plain base64 (a data: prefix is 490, below)', async (t) => {
  const app = await build(t)
  const png = (await photo({ seed: 5, width: 200, height: 200, format: 'png' })).toString('base64')
  const res = await verify(app, { trx_id: 'p', face_parameters: ['front', 'left'], images: [png, await b64(1)] })
  t.equal(res.statusCode, 200)
  t.equal(json(res).liveness, 'passed')
})

t.test('fields the document does not list are ignored', async (t) => {
  const app = await build(t)
  t.equal((await verify(app, await body(['front'], { device: 'android', extra: { a: 1 } }))).statusCode, 200)
})

const malformed: Array<[string, () => Promise<Record<string, unknown>>]> = [
  ['trx_id is missing', async () => { const b = await body(['front']); delete b.trx_id; return { payload: b } }],
  ['trx_id is empty', async () => ({ payload: await body(['front'], { trx_id: '' }) })],
  ['trx_id is a number', async () => ({ payload: await body(['front'], { trx_id: 1234 }) })],
  ['trx_id has 121 characters', async () => ({ payload: await body(['front'], { trx_id: 'x'.repeat(121) }) })],
  ['user_id has 121 characters', async () => ({ payload: await body(['front'], { user_id: 'u'.repeat(121) }) })],
  ['facegallery_id is a number', async () => ({ payload: await body(['front'], { facegallery_id: 7 }) })],
  ['face_parameters is missing', async () => { const b = await body(['front']); delete b.face_parameters; return { payload: b } }],
  ['face_parameters is a string', async () => ({ payload: await body(['front'], { face_parameters: 'front' }) })],
  ['face_parameters is empty', async () => ({ payload: await body(['front'], { face_parameters: [] }) })],
  ['an unknown face parameter ("face sideways")', async () => ({ payload: await body(['face sideways']) })],
  ['a parameter in another case ("Left")', async () => ({ payload: await body(['Left']) })],
  ['2 images but 1 face parameter', async () => ({ payload: { ...(await body(['left', 'right'])), face_parameters: ['left'] } })],
  ['1 image but 2 face parameters', async () => ({ payload: { ...(await body(['left'])), face_parameters: ['left', 'right'] } })],
  ['10 images (more than max_images, 9)', async () => ({ payload: await body(['left', 'right', 'up', 'down', 'front', 'eyes open', 'eyes closed', 'mouth open', 'mouth closed', 'front']) })],
  ['spoof_detection is "yes"', async () => ({ payload: await body(['front'], { spoof_detection: 'yes' }) })],
  ['success_threshold is 1.5', async () => ({ payload: await body(['front'], { success_threshold: 1.5 }) })],
  ['success_threshold is -1', async () => ({ payload: await body(['front'], { success_threshold: -1 }) })],
  ['images is a string', async () => ({ payload: await body(['front'], { images: await b64() }) })],
  ['an image is a number', async () => ({ payload: await body(['front'], { images: [12] }) })],
  ['the body is a JSON array', async () => ({ payload: '[]', headers: { 'content-type': 'application/json' } })],
  ['malformed JSON', async () => ({ payload: '{"trx_id": ', headers: { 'content-type': 'application/json' } })],
  ['an empty JSON body', async () => ({ payload: '', headers: { 'content-type': 'application/json' } })],
  ['no body at all', async () => ({})],
  ['a text/plain body', async () => ({ payload: 'images=1', headers: { 'content-type': 'text/plain' } })],
  ['a URL-encoded form', async () => ({ payload: 'trx_id=a&images=x&face_parameters=front', headers: { 'content-type': 'application/x-www-form-urlencoded' } })]
]
for (const [what, make] of malformed) {
  t.test(`400 Request malformed: ${what}`, async (t) => {
    const app = await build(t)
    const r = await make()
    const res = await app.inject({ method: 'POST', url: URL, payload: r.payload as string, headers: { ...TOKEN, ...(r.headers as Record<string, string> ?? {}) } })
    t.equal(res.statusCode, 400, 'the HTTP status mirrors the body\'s status')
    t.same(json(res), { status: '400', status_message: 'Request malformed' })
    t.type(res.headers['x-sandbox-note'], 'string', 'a note says which check refused it')
    t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200, 'the server stays healthy')
  })
}

t.test('max_images and max_field_chars are settings', async (t) => {
  const app = await build(t, { settings: { riset: { max_images: 2, max_field_chars: 10 } } })
  const ids = { user_id: 'risetai', facegallery_id: 'gallery' }
  t.equal((await verify(app, await body(['left', 'right'], { ...ids, trx_id: 'x'.repeat(10) }))).statusCode, 200, 'the limits are inclusive')
  t.equal((await verify(app, await body(['left', 'right', 'up'], ids))).statusCode, 400)
  t.equal((await verify(app, await body(['left'], { ...ids, trx_id: 'x'.repeat(11) }))).statusCode, 400)
  t.equal((await verify(app, await body(['left'], { ...ids, facegallery_id: 'riset.ai@production' }))).statusCode, 400)
})

const nulls: Array<[string, () => Promise<Record<string, unknown>>]> = [
  ['images is missing', async () => { const b = await body(['front']); delete b.images; return b }],
  ['images is null', async () => await body(['front'], { images: null })],
  ['images is empty', async () => await body(['front'], { images: [] })],
  ['image2 is null', async () => await body(['front', 'left'], { images: [await b64(), null] })],
  ['image1 is an empty string', async () => await body(['front'], { images: [''] })]
]
for (const [what, make] of nulls) {
  t.test(`451 image is null: ${what}`, async (t) => {
    const app = await build(t)
    const res = await verify(app, await make())
    t.equal(res.statusCode, 451)
    t.same(json(res), { status: '451', status_message: 'image is null' })
  })
}

t.test('451 comes before the other checks of the body: images null and trx_id missing', async (t) => {
  const app = await build(t)
  const res = await verify(app, { images: null, face_parameters: 'nonsense' })
  t.equal(json(res).status, '451')
})

t.test('490 Cannot decode image base64: text that is not base64', async (t) => {
  const app = await build(t)
  for (const bad of ['not*base64*at*all', 'QUJD=', '%%%%']) {
    const res = await verify(app, await body(['front'], { images: [bad] }))
    t.equal(res.statusCode, 490, bad)
    t.same(json(res), { status: '490', status_message: 'Cannot decode image base64' })
  }
})

t.test('490 Cannot decode image base64: an image sent as a data: URI (the document asks for Base64 encoded JPG or PNG)', async (t) => {
  const app = await build(t)
  const jpeg = await b64()
  for (const uri of [`data:image/jpeg;base64,${jpeg}`, 'data:image/png;base64,', `data:;base64,${jpeg}`]) {
    const res = await verify(app, await body(['front'], { images: [uri] }))
    t.equal(res.statusCode, 490, uri.slice(0, 30))
    t.same(json(res), { status: '490', status_message: 'Cannot decode image base64' })
    t.match(res.headers['x-sandbox-note'], /image1.*data: URI/)
  }
  t.equal((await verify(app, await body(['front'], { images: [jpeg] }))).statusCode, 200, 'the same image as plain base64 decodes')
})

t.test('nine images, one per face parameter the document lists, are a valid request', async (t) => {
  const app = await build(t)
  const nine = ['left', 'right', 'up', 'down', 'front', 'eyes open', 'eyes closed', 'mouth open', 'mouth closed']
  const res = await verify(app, await body(nine))
  t.equal(res.statusCode, 200)
  const b = json(res)
  t.equal(b.liveness, 'passed')
  t.same(Object.keys(b.results), nine.map((_, i) => `image${i + 1}`))
  const ten = await verify(app, await body([...nine, 'front']))
  t.same([ten.statusCode, json(ten)], [400, { status: '400', status_message: 'Request malformed' }], 'ten is over max_images (default 9)')
  t.match(ten.headers['x-sandbox-note'], /at most 9/)
})

t.test('491 image type not recognized: a GIF, or bytes that are no image', async (t) => {
  const app = await build(t)
  for (const bytes of [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), Buffer.from('hello, this is text and not an image')]) {
    const res = await verify(app, await body(['front'], { images: [bytes.toString('base64')] }))
    t.equal(res.statusCode, 491)
    t.same(json(res), { status: '491', status_message: 'image type not recognized' })
  }
})

const broken: Array<[string, () => Promise<Buffer>, RegExp]> = [
  ['a truncated JPEG', async () => (await photo()).subarray(0, 3000), /cannot be decoded/],
  ['a PNG header announcing 100000x100000 pixels (refused before decoding)', async () => giantPngHeader(), /pixels/],
  ['a PNG header announcing 4000x4001 pixels, over max_image_pixels (16 MP)', async () => giantPngHeader(4000, 4001), /16000000 pixels/]
]
for (const [what, make, note] of broken) {
  t.test(`493 image error: ${what}`, async (t) => {
    const app = await build(t)
    const res = await verify(app, await body(['front'], { images: [(await make()).toString('base64')] }))
    t.equal(res.statusCode, 493)
    t.same(json(res), { status: '493', status_message: 'image error' })
    t.match(res.headers['x-sandbox-note'], note)
  })
}

t.test('493 image error: an image over max_image_bytes (the limit is inclusive)', async (t) => {
  const app = await build(t, { settings: { riset: { max_image_bytes: 200_000 } } })
  const img = await photo({ width: 320, height: 240 })
  const exact = Buffer.concat([img, Buffer.alloc(200_000 - img.length)])
  t.equal((await verify(app, await body(['front'], { images: [exact.toString('base64')] }))).statusCode, 200)
  const over = Buffer.concat([exact, Buffer.alloc(1)])
  const res = await verify(app, await body(['front'], { images: [over.toString('base64')] }))
  t.equal(res.statusCode, 493)
  t.same(json(res), { status: '493', status_message: 'image error' })
})

t.test('493 image error: an image over max_image_pixels (the limit is inclusive)', async (t) => {
  const app = await build(t, { settings: { riset: { max_image_pixels: 100_000 } } })
  const inside = await photo({ width: 320, height: 312 })
  t.equal((await verify(app, await body(['front'], { images: [inside.toString('base64')] }))).statusCode, 200, '99840 pixels')
  const over = await photo({ width: 320, height: 320 })
  const res = await verify(app, await body(['front'], { images: [over.toString('base64')] }))
  t.equal(res.statusCode, 493, '102400 pixels')
  t.same(json(res), { status: '493', status_message: 'image error' })
})

t.test('493 image error: a body over 64 MiB is refused unread', async (t) => {
  const app = await build(t)
  const big = 'A'.repeat(64 * 1024 * 1024)
  const res = await app.inject({ method: 'POST', url: URL, headers: { ...TOKEN, 'content-type': 'application/json' }, payload: `{"trx_id":"a","face_parameters":["front"],"images":["${big}"]}` })
  t.equal(res.statusCode, 493)
  t.same(json(res), { status: '493', status_message: 'image error' })
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
})

t.test('images are checked in order: the first bad image answers, and the note names it', async (t) => {
  const app = await build(t)
  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64')
  const res = await verify(app, await body(['front', 'left', 'right'], { images: [await b64(), '***', gif] }))
  t.equal(json(res).status, '490')
  t.match(res.headers['x-sandbox-note'], /image2/)
  const res2 = await verify(app, await body(['front', 'left', 'right'], { images: [await b64(), gif, '***'] }))
  t.equal(json(res2).status, '491')
})

t.test('spoof_threshold and verification_threshold are settings', async (t) => {
  const app = await build(t, { settings: { riset: { spoof_threshold: 0.9, verification_threshold: 0.95 } } })
  const res = json(await verify(app, await body(['left', 'right', 'front'])))
  for (const r of Object.values<any>(res.results)) {
    t.ok(r.similarity >= 0.95 && r.verified, `similarity ${r.similarity} is verified at 0.95`)
    t.ok(r.spoof === 'real' && r.spoof_score < 0.9)
  }
  const spoof = json(await verify(app, await body(['left']), { ...TOKEN, 'x-sandbox-scenario': 'riset/spoof-image-1' }))
  t.ok(spoof.results.image1.spoof_score >= 0.9, 'a spoof scores over the configured threshold')
})
