/**
 * Services (weber.md): the catalogue, GET by type and slug, and POST /api/v1/services/:id with the
 * real server's order, per-analytic results and thumbnails (vendor-notes §1.6, §1.8, §1.10). At the
 * end: the error catalogue, the shipped scenarios, the settings and the vendor README stay in step.
 */
import { readFileSync } from 'node:fs'
import sharp from 'sharp'
import t from 'tap'
import { catalogue, operations, scenarioCodes } from '../../../src/vendors/weber/errors.js'
import { weber } from '../../../src/vendors/weber/index.js'
import { ServiceResponse, ServicesResponse, settingsSchema } from '../../../src/vendors/weber/schemas.js'
import { nikAgrees, type Ktp } from '../../../src/vendors/weber/ktp.js'
import { build, json } from '../../helper.js'
import { answerOf } from '../../services.js'
import { giantPngHeader, photo } from '../../images.js'
import { dataUri, get, msg, post, visitor } from './fixtures/weber.js'

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+07:00$/
const JOB_ID = /^[0-9a-f]{48}[A-Z2-7]{16}$/

const SLUGS = ['ocr-ktp', 'license-plate-recognition', 'people-density', 'face-match-enrollment', 'face-mask', 'face-demography', 'ekyc',
  'face-payment', 'ocr-receipt', 'car-damage', 'face-occlusion-attribute', 'http://nodeflux-registration.komunestudio.com',
  'https://employee.caliana.id/auth?signup', 'https://apps.apple.com/id/app/jaki/id1509621798?l=id;https://play.google.com/store/apps/details?id=id.go.jakarta.smartcity.jaki&hl=en&gl=US',
  'http://nodeflux-registration.komunestudio.com', 'aml-pep', 'passive-liveness']

t.test('Show All Services: the 17 seeded services in id order, fields in struct order, +07:00 timestamps', async (t) => {
  const app = await build(t)
  const res = await get(app, '/services')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  const body = json(res)
  t.ok(ServicesResponse.safeParse(body).success, 'matches its documented schema')
  t.same(Object.keys(body), ['data', 'message', 'ok'])
  t.equal(body.message, 'Get all services success')
  t.same(body.data.map((s: { id: number }) => s.id), Array.from({ length: 17 }, (_, i) => i + 1))
  t.same(body.data.map((s: { slug: string }) => s.slug), SLUGS)
  t.same(Object.keys(body.data[0]), ['id', 'type', 'slug', 'name', 'short_description', 'long_description', 'special_instruction', 'thumbnail', 'created_at', 'updated_at'])
  t.match(body.data[0], { id: 1, type: 'analytic', slug: 'ocr-ktp', name: 'OCR Kartu Tanda Penduduk', thumbnail: 'ocr-ktp.png', special_instruction: 'Special Instruction for OCR KTP' })
  t.match(body.data[15], { type: 'solution-partner', slug: 'aml-pep', name: 'AML / PEP', special_instruction: '', long_description: '' })
  for (const s of body.data) {
    t.match(s.created_at, TIME)
    t.equal(s.updated_at, s.created_at)
  }
})

t.test('Show All Services by Type', async (t) => {
  const app = await build(t)
  for (const [type, message, ids] of [
    ['analytic', 'Get all analytics service success', [1, 2, 3, 4, 5, 6]],
    ['solution', 'Get all solutions service success', [7, 8, 17]],
    ['innovation', 'Get all innovations service success', [9, 10, 11]],
    ['solution-partner', 'Get all solution partner service success', [12, 13, 14, 15, 16]]
  ] as const) {
    t.test(`?type=${type}`, async (t) => {
      const body = json(await get(app, `/services?type=${type}`))
      t.ok(ServicesResponse.safeParse(body).success)
      t.equal(body.message, message)
      t.same(body.data.map((s: { id: number }) => s.id), ids)
    })
  }
})

t.test("?type= that is empty, in another case or unknown: 400 \"Value of argument '?type=' is not valid\"", async (t) => {
  const app = await build(t)
  for (const q of ['type=', 'type=Analytic', 'type=solutions', 'type']) {
    const res = await get(app, `/services?${q}`)
    t.equal(res.statusCode, 400, q)
    t.same(json(res), msg("Value of argument '?type=' is not valid"))
  }
  const repeated = json(await get(app, '/services?type=innovation&type=nope'))
  t.equal(repeated.message, 'Get all innovations service success', 'a repeated parameter counts by its first value')
})

t.test('Show A Service by Slug: data is the object, message names the slug', async (t) => {
  const app = await build(t)
  const res = await get(app, '/services/car-damage')
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.ok(ServiceResponse.safeParse(body).success)
  t.equal(body.message, 'Get service by slug=car-damage success')
  t.match(body.data, { id: 10, type: 'innovation', slug: 'car-damage', name: 'Car Damage Assessment', thumbnail: 'car-damage.jpg' })
})

t.test('Show A Service by Slug: 404 "Service not found"; partner slugs with a slash are not reachable', async (t) => {
  const app = await build(t)
  const res = await get(app, '/services/rotten-fruit')
  t.equal(res.statusCode, 404)
  t.same(json(res), msg('Service not found'))
  const partner = await get(app, `/services/${encodeURIComponent('https://employee.caliana.id/auth?signup')}`)
  t.equal(partner.statusCode, 404)
  t.equal(partner.payload, '404 page not found')
})

t.test('Create A Service Request: the session is checked before the id is parsed', async (t) => {
  const app = await build(t)
  const res = await post(app, '/services/abc', { session_id: 'nope', data: { images: [] } })
  t.equal(res.statusCode, 401)
  t.same(json(res), msg('Session ID is not valid'))
})

t.test("Create A Service Request: an id that is not an unsigned 32-bit integer is 400 \"Expected an integer value from argument 'id'\"", async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (const id of ['abc', '-1', '1.5', '4294967296', '+1']) {
    const res = await post(app, `/services/${id}`, { session_id: session, data: { images: [] } })
    t.equal(res.statusCode, 400, id)
    t.same(json(res), msg("Expected an integer value from argument 'id'"))
  }
})

t.test('Create A Service Request: an unknown id is 500 "record not found"', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (const id of ['0', '18', '4294967295']) {
    const res = await post(app, `/services/${id}`, { session_id: session, data: { images: [] } })
    t.equal(res.statusCode, 500)
    t.same(json(res), msg('record not found'))
  }
})

t.test('solution and partner services have no demo implementation: 500 "Undefined implementation of: <slug>", the activity recorded', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (const [id, slug] of [[7, 'ekyc'], [8, 'face-payment'], [16, 'aml-pep'], [17, 'passive-liveness'], [13, 'https://employee.caliana.id/auth?signup']] as const) {
    const res = await post(app, `/services/${id}`, { session_id: session, data: { images: [await dataUri()] } })
    t.equal(res.statusCode, 500)
    t.same(json(res), msg(`Undefined implementation of: ${slug}`))
  }
  t.equal((await post(app, '/feedback/7', { session_id: session, rating: 5 })).statusCode, 200, 'the activity was recorded before the dispatch')
})

t.test('OCR KTP (service 1): a Nodeflux job with job.id, the 17 KTP fields and a structurally valid NIK, no thumbnails', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, '/services/1', { session_id: session, data: { additional_params: {}, images: [await dataUri({ seed: 4 })] } })
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['message', 'ok', 'service_data', 'thumbnails'])
  t.equal(body.message, 'Service demo request success')
  t.equal(body.ok, true)
  t.same(Object.keys(body.service_data), ['job', 'message', 'ok'])
  t.same(Object.keys(body.service_data.job), ['id', 'result'])
  t.match(body.service_data.job.id, JOB_ID)
  t.same(Object.keys(body.service_data.job.result), ['analytic_type', 'result', 'status'])
  t.equal(body.service_data.job.result.analytic_type, 'OCR_KTP')
  t.equal(body.service_data.job.result.status, 'success')
  t.equal(body.service_data.message, 'OCR_KTP Service Success')
  const ktp = body.service_data.job.result.result[0] as Ktp
  t.same(Object.keys(ktp), ['agama', 'alamat', 'berlaku_hingga', 'golongan_darah', 'jenis_kelamin', 'kabupaten_kota', 'kecamatan', 'kelurahan_desa', 'kewarganegaraan', 'nama', 'nik', 'pekerjaan', 'provinsi', 'rt_rw', 'status_perkawinan', 'tanggal_lahir', 'tempat_lahir'])
  t.match(ktp.nik, /^[0-9]{16}$/)
  t.ok(nikAgrees(ktp), `NIK ${ktp.nik} agrees with ${ktp.provinsi}, ${ktp.kabupaten_kota}, ${ktp.kecamatan}, ${ktp.tanggal_lahir}, ${ktp.jenis_kelamin}`)
  t.same(body.thumbnails, [])
})

t.test('generated NIKs agree with the card for many pictures', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (let seed = 20; seed < 32; seed++) {
    const ktp = json(await post(app, '/services/1', { session_id: session, data: { images: [await dataUri({ seed, width: 96, height: 64 })] } })).service_data.job.result.result[0]
    t.ok(nikAgrees(ktp), ktp.nik)
  }
})

t.test('the same picture gives the same result (ids aside); another picture another; --seed changes it', async (t) => {
  const app = await build(t)
  const seeded = await build(t, { argv: ['--seed', '7'] })
  const img = await dataUri({ seed: 5 })
  const read = async (a: typeof app, image: string): Promise<unknown> => {
    const session = await visitor(a)
    return json(await post(a, '/services/1', { session_id: session, data: { images: [image] } })).service_data.job.result
  }
  const first = await read(app, img)
  t.same(await read(app, img), first)
  t.notSame(await read(app, await dataUri({ seed: 6 })), first)
  t.notSame(await read(seeded, img), first)
})

/** The square crop of vendor-notes §1.8, computed independently. */
function expectedCrop (b: { left: number, top: number, width: number, height: number }, W: number, H: number): { left: number, top: number, width: number, height: number } {
  const [x, y, w, h] = [b.left * W, b.top * H, b.width * W, b.height * H]
  const wide = w > h
  const pad = wide ? 0.001 * W : 0.001 * H
  const side = (wide ? w : h) + 2 * pad
  const x0 = Math.trunc(wide ? x - pad : x - (side - w) / 2)
  const y0 = Math.trunc(wide ? y - (side - h) / 2 : y - pad)
  const s = Math.trunc(side)
  const left = Math.max(0, x0)
  const top = Math.max(0, y0)
  return { left, top, width: Math.min(W, x0 + s) - left, height: Math.min(H, y0 + s) - top }
}

for (const [id, slug, path] of [
  [2, 'LICENSE_PLATE_RECOGNITION', ['license_plate_recognitions']],
  [3, 'PEOPLE_DENSITY', ['people_density', 'attribute']],
  [5, 'FACE_MASK', ['face_mask']],
  [6, 'FACE_DEMOGRAPHY', ['face_demography']]
] as const) {
  t.test(`${slug} (service ${id}): bounding boxes, and one thumbnail per box: a square PNG crop of the first image`, async (t) => {
    const app = await build(t)
    const session = await visitor(app)
    const jpeg = await photo({ seed: 9, width: 800, height: 500 })
    const res = await post(app, `/services/${id}`, { session_id: session, data: { images: [`data:image/jpeg;base64,${jpeg.toString('base64')}`, await dataUri({ seed: 2 })] } })
    t.equal(res.statusCode, 200)
    const body = json(res)
    t.equal(body.service_data.job.result.analytic_type, slug)
    let items = body.service_data.job.result.result[0]
    for (const key of path) items = items[key]
    t.ok(Array.isArray(items) && items.length >= 1, `${items.length} detections`)
    t.equal(body.thumbnails.length, items.length, 'one thumbnail per bounding box, in order')
    for (const [k, item] of (items as Array<{ bounding_box: { left: number, top: number, width: number, height: number } }>).entries()) {
      t.same(Object.keys(item.bounding_box), ['height', 'left', 'top', 'width'])
      const thumb = body.thumbnails[k] as string
      t.match(thumb, /^data:image\/png;base64,/)
      const png = Buffer.from(thumb.slice('data:image/png;base64,'.length), 'base64')
      const meta = await sharp(png).metadata()
      t.equal(meta.format, 'png')
      const rect = expectedCrop(item.bounding_box, 800, 500)
      t.same({ width: meta.width, height: meta.height }, { width: rect.width, height: rect.height }, 'the square of the notes, cut at the edges')
      const want = await sharp(jpeg).extract(rect).raw().toBuffer()
      const got = await sharp(png).removeAlpha().raw().toBuffer()
      t.ok(want.equals(got), 'the pixels are the first image\'s at that place')
    }
  })
}

t.test('LPR plates carry confidence, detected and license_plate_number', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const plate = json(await post(app, '/services/2', { session_id: session, data: { images: [await dataUri()] } })).service_data.job.result.result[0].license_plate_recognitions[0]
  t.same(Object.keys(plate), ['bounding_box', 'confidence', 'detected', 'license_plate_number'])
  t.equal(plate.detected, true)
  t.match(plate.license_plate_number, /^[A-Z]{1,2} [0-9]{1,4} [A-Z]{1,3}$/)
})

t.test('Face Match with Enrollment (service 4): a match against the enrolled demo face, no thumbnails; weber/face-mismatch makes it fail', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const img = await dataUri()
  const body = json(await post(app, '/services/4', { session_id: session, data: { images: [img] } }))
  t.equal(body.service_data.job.result.analytic_type, 'FACE_MATCH_ENROLLMENT')
  const r = body.service_data.job.result.result[0].face_match
  t.equal(r.match, true)
  t.ok(r.similarity >= 0.7)
  t.same(body.thumbnails, [])
  const no = json(await post(app, '/services/4', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/face-mismatch' }))
  t.equal(no.service_data.job.result.result[0].face_match.match, false)
  t.equal(no.service_data.message, 'The Face Pair Not Match')
})

t.test('the detection count follows the scenario: weber/no-detections gives empty lists and no thumbnails', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const body = json(await post(app, '/services/2', { session_id: session, data: { images: [await dataUri()] } }, { 'x-sandbox-scenario': 'weber/no-detections' }))
  t.same(body.service_data.job.result.result[0].license_plate_recognitions, [])
  t.same(body.thumbnails, [])
})

t.test('an analytic request without images, or whose first image has no data-URI comma, panics: an empty 500 (after the activity)', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const bare = (await photo()).toString('base64')
  for (const images of [[], [bare]]) {
    const res = await post(app, '/services/2', { session_id: session, data: { images } })
    t.equal(res.statusCode, 500)
    t.equal(res.payload, '')
    t.notOk(res.headers['content-type'])
  }
  t.equal((await post(app, '/feedback/2', { session_id: session, rating: 5 })).statusCode, 200, 'the activity is there')
})

t.test('an image the analytic cannot read gives a failed Nodeflux job (ok false), inside a 200', async (t) => {
  const app = await build(t, { settings: { weber: { max_image_bytes: 200_000, max_images: 2 } } })
  const session = await visitor(app)
  const big = `data:image/jpeg;base64,${Buffer.concat([await photo(), Buffer.alloc(200_000)]).toString('base64')}`
  const cases: Array<[string, string[], string]> = [
    ['not an image', ['data:image/jpeg;base64,aGVsbG8gd29ybGQ='], 'Image is not valid, send a JPEG or PNG image as base64 data'],
    ['a truncated JPEG', [`data:image/jpeg;base64,${(await photo()).subarray(0, 2000).toString('base64')}`], 'Image is not valid, send a JPEG or PNG image as base64 data'],
    ['over max_image_bytes', [big], 'Image size is too large, the maximum allowed size is 200000 bytes'],
    ['a PNG announcing 100000x100000 pixels (refused from its header)', [`data:image/png;base64,${giantPngHeader().toString('base64')}`], 'Image is not valid, send a JPEG or PNG image as base64 data'],
    ['over max_images', [await dataUri(), await dataUri(), await dataUri()], 'Too many images, at most 2 are accepted']
  ]
  for (const [what, images, message] of cases) {
    const res = await post(app, '/services/2', { session_id: session, data: { images } })
    t.equal(res.statusCode, 200, what)
    const body = json(res)
    t.equal(body.ok, true)
    t.match(body.service_data, { message, ok: false, job: { result: { analytic_type: 'LICENSE_PLATE_RECOGNITION', result: [], status: 'failed' } } })
    t.same(body.thumbnails, [])
  }
})

t.test('innovation services answer a Nodeflux job envelope (two for face occlusion & attribute), without thumbnails', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const img = await dataUri()
  for (const [id, type] of [[9, 'OCR_RECEIPT'], [10, 'CAR_DAMAGE_ASSESSMENT']] as const) {
    const body = json(await post(app, `/services/${id}`, { session_id: session, data: { images: [img] } }))
    t.same(Object.keys(body), ['message', 'ok', 'service_data'], `service ${id}: no thumbnails`)
    t.same(Object.keys(body.service_data), ['job', 'message', 'ok'])
    t.same(Object.keys(body.service_data.job), ['id', 'result'])
    t.match(body.service_data.job.id, JOB_ID)
    t.match(body.service_data.job.result, { analytic_type: type, status: 'success' })
    t.same(Object.keys(body.service_data.job.result), ['analytic_type', 'result', 'status'], 'job.result is a Go map: keys sorted')
  }
  const occlusion = json(await post(app, '/services/11', { session_id: session, data: { images: [img] } }))
  t.same(Object.keys(occlusion.service_data), ['face_occlusion', 'face_attribute'], 'the struct order')
  t.match(occlusion.service_data.face_occlusion, { job: { result: { analytic_type: 'FACE_OCCLUSION' } }, ok: true })
  t.match(occlusion.service_data.face_attribute, { job: { result: { analytic_type: 'FACE_ATTRIBUTE' } }, ok: true })
})

t.test('face-occlusion-attribute: face detection refuses no face or several faces with 400 and its message', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const img = await dataUri()
  const none = await post(app, '/services/11', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/face-occlusion-no-face' })
  t.equal(none.statusCode, 400)
  t.same(json(none), msg('Face not detected'))
  const many = await post(app, '/services/11', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/face-occlusion-multiple-faces' })
  t.same(json(many), msg('Multiple faces detected'))
  const unreadable = await post(app, '/services/11', { session_id: session, data: { images: ['data:image/jpeg;base64,AAAA'] } })
  t.same(json(unreadable), msg('Face not detected'), 'an unreadable picture has no face')
})

t.test('an innovation service that gets no readable image fails: 500 with Go\'s JSON error', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, '/services/10', { session_id: session, data: { images: [] } })
  t.equal(res.statusCode, 500)
  t.same(json(res), msg("invalid character 'I' looking for beginning of value"))
})

t.test('upstream failures: 500 with the Go error text, the called URL filled in', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const img = await dataUri()
  const lpr = await post(app, '/services/2', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/upstream-analytics-unreachable' })
  t.equal(lpr.statusCode, 500)
  t.same(json(lpr), msg('Post "https://api.cloud.nodeflux.io/v1/analytics/license-plate-recognition": dial tcp: lookup api.cloud.nodeflux.io: no such host'))
  const ocr = await post(app, '/services/1', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/upstream-ocr-ktp-bad-gateway' })
  t.same(json(ocr), msg("invalid character '<' looking for beginning of value"))
  const receipt = await post(app, '/services/9', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/upstream-innovation-refused' })
  t.same(json(receipt), msg('Post "https://innovations.nodeflux.io/ocr-receipt/predict": dial tcp 10.10.0.5:8080: connect: connection refused'))
  const analytic = await post(app, '/services/3', { session_id: session, data: { images: [img] } }, { 'x-sandbox-scenario': 'weber/upstream-innovation-refused' })
  t.equal(analytic.statusCode, 200, 'the innovation scenario matches ids 9-11 only')
  t.equal((await post(app, '/feedback/9', { session_id: session, rating: 5 })).statusCode, 200, 'the activity stays when the call fails')
})

t.test('weber/analytic-still-processing: after the polls, the unfinished job (status processing, empty result)', async (t) => {
  const dir = t.testdir({
    'processing.yaml': `name: weber/processing-fast
vendor: weber
description: weber/analytic-still-processing with a short latency
rules:
  - operation: weber.requestService
    outcome: { job_status: processing }
    fault: { latency_ms: 150 }
`
  })
  const app = await build(t, { scenarios: dir })
  const session = await visitor(app)
  const started = Date.now()
  const body = json(await post(app, '/services/2', { session_id: session, data: { images: [await dataUri()] } }, { 'x-sandbox-scenario': 'weber/processing-fast' }))
  t.ok(Date.now() - started >= 150, 'answered after the latency')
  t.match(body.service_data, { job: { result: { status: 'processing', result: [] } }, message: 'Job successfully submitted!', ok: true })
  t.same(body.thumbnails, [])
})

// ---- the catalogue of answers, the scenarios, the settings and the README ----

const README = readFileSync(new URL('../../../src/vendors/weber/README.md', import.meta.url), 'utf8')

t.test('the README lists every message of the catalogue', async (t) => {
  for (const code of catalogue.codes) {
    const m = catalogue.entries[code].message
    if (m === '' || m.includes('<')) continue
    t.ok(README.includes(m), `${code}: "${m}"`)
  }
})

t.test('the README lists every setting with its default, and every scenario error key', async (t) => {
  const defaults = settingsSchema.parse({})
  for (const [key, value] of Object.entries(defaults)) {
    t.ok(README.includes(`| \`${key}\` | \`${String(value)}\` |`), `${key} = ${String(value)}`)
  }
  for (const code of scenarioCodes) t.ok(README.includes(`\`${code}\``), code)
})

t.test('every shipped weber scenario loads and is named in the README', async (t) => {
  const app = await build(t)
  const list = json(await app.inject({ method: 'GET', url: '/__admin/scenarios' })) as Array<{ name: string, vendor: string }>
  const names = list.filter((s) => s.vendor === 'weber').map((s) => s.name)
  t.ok(names.length >= 20, `${names.length} scenarios`)
  for (const name of names) t.ok(README.includes(`\`${name}\``), name)
})

t.test('every catalogue entry a scenario can name answers its status and message, on every operation that answers it', async (t) => {
  for (const code of scenarioCodes) {
    const entry = catalogue.entries[code]
    const ops = Object.entries(operations).filter(([, spec]) => spec.errors.includes(code)).map(([op]) => op)
    t.ok(ops.length > 0, `${code}: some operation answers it`)
    for (const op of ops) {
      // The same render core uses on the wire (vendor/failures.ts, vendorAnswer).
      const r = answerOf(weber, catalogue.error(code), op)
      t.equal(r.status, entry.status, `${code} on ${op}`)
      if (code === 'panic') t.equal(r.body, '')
      else t.same(r.body, { message: entry.message, ok: false })
    }
  }
})

t.test('a namespace\'s active scenario applies to its requests only', async (t) => {
  const app = await build(t)
  const ns = { 'x-sandbox-namespace': 'qa' }
  t.equal((await app.inject({ method: 'PUT', url: '/__admin/scenario', headers: ns, payload: { name: 'weber/401-session-expired' } })).statusCode, 200)
  const visitor = await app.inject({ method: 'POST', url: '/weber/api/v1/visitors', headers: ns, payload: { email: 'a@b.io', full_name: 'Ab', company: 'Co', job_title: 'Jt', industry: 'In' } })
  const session = json(visitor).data[0].session_id
  const res = await app.inject({ method: 'POST', url: '/weber/api/v1/activities', headers: ns, payload: { service_id: 1, session_id: session, completeness: 1 } })
  t.same(json(res), { message: 'Session ID has expired', ok: false })
  const journal = json(await app.inject({ method: 'GET', url: '/__admin/requests?operation=weber.createActivity', headers: ns })).requests
  t.equal(journal[0].scenario, 'weber/401-session-expired')
})
