/**
 * FPT.AI eKYC, Steps 2 and 3 (POST /ocr): sides and their order, document types, lang, the data
 * list, and every error table of the step: general, input file, image quality, forgery
 * (fpt-ekyc.vi.md; vendor-notes.md, FPT rulings).
 */
import sharp from 'sharp'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { build, json, multipart } from '../../helper.js'
import { giantPngHeader } from '../../images.js'
import { image, initSession, KEY, ocr, ocrHeaders } from './fixtures/flow.js'

let shared: Promise<FastifyInstance> | undefined
/** One app for the tests that need no settings, clock or journal of their own: each works in its own sessions. */
const app0 = async (): Promise<FastifyInstance> => await (shared ??= build(t))

const ERR = (errorCode: string, errorMessage: string): unknown => ({ data: [], errorCode, errorMessage, total_data: [] })

t.test('OCR of the front side answers errorCode "0" and data: key, locale, name, score, value', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { side: 'front' })
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['data', 'errorCode', 'errorMessage', 'total_data'])
  t.equal(body.errorCode, '0')
  t.equal(body.errorMessage, '')
  t.same(body.total_data, [])
  t.same(body.data.map((f: any) => f.key), ['ID', 'Name', 'Date of birth', 'Sex', 'Nationality', 'Home', 'Address', 'Expired Date', 'QRcode', 'Type', 'Province', 'District', 'Ward', 'Street'],
    "the front fields of the document's table")
  for (const f of body.data) {
    t.same(Object.keys(f), ['key', 'locale', 'name', 'score', 'value'])
    t.equal(f.locale, 'vn')
    t.match(f.score, /^\d{2}\.\d{2}$/, 'score is a string such as "98.37"')
    t.equal(f.name, f.key, 'lang en (default): the name is the English key')
    t.type(f.value, 'string')
  }
  const v = Object.fromEntries(body.data.map((f: any) => [f.key, f.value]))
  t.match(v.ID, /^\d{12}$/)
  t.match(v['Date of birth'], /^\d{2}\/\d{2}\/\d{4}$/)
  t.ok(['Nam', 'Nữ'].includes(v.Sex))
  t.equal(v.Nationality, 'Việt Nam')
  t.equal(v.Address, `${v.Street}, ${v.Ward}, ${v.District}, ${v.Province}`, 'Province, District, Ward and Street are split from Address')
  t.equal(v.Name, v.Name.toLocaleUpperCase('vi'), 'the name is printed in capitals')
})

t.test('OCR of the back side answers the front and the back fields together', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const front = json(await ocr(app, sid, { side: 'front' }))
  const back = json(await ocr(app, sid, { side: 'back' }))
  t.equal(back.errorCode, '0')
  t.same(back.data.slice(0, front.data.length), front.data, 'the front fields, as the front call gave them')
  t.same(back.data.slice(front.data.length).map((f: any) => f.key), ['Features', 'Issue Date', 'Issue Location', 'MRZ'])
  const v = Object.fromEntries(back.data.map((f: any) => [f.key, f.value]))
  t.equal(v.MRZ.split('\n').length, 3, 'a chip card MRZ has 3 lines')
  t.ok(v.MRZ.startsWith('IDVNM'))
  t.ok(v.MRZ.split('\n')[0].includes(v.ID), 'the MRZ carries the card number')
})

t.test('both sides in one request (no side-type): files front then back, data of both', async (t) => {
  const app = await app0()
  const a = await initSession(app)
  const both = json(await ocr(app, a.sid))
  t.equal(both.errorCode, '0')
  const b = await initSession(app)
  await ocr(app, b.sid, { side: 'front' })
  const stepwise = json(await ocr(app, b.sid, { side: 'back' }))
  t.same(both.data, stepwise.data, 'same images, same answer, whichever way they are sent')
})

t.test('lang vi gives the Vietnamese field names', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const body = json(await ocr(app, sid, { side: 'front', headers: { lang: 'vi' } }))
  const names = Object.fromEntries(body.data.map((f: any) => [f.key, f.name]))
  t.equal(names.Name, 'Tên', "the document's example")
  t.equal(names['Date of birth'], 'Ngày sinh')
  t.equal(names.Home, 'Nguyên quán')
  const back = json(await ocr(app, sid, { side: 'back', headers: { lang: 'vi' } }))
  const backNames = Object.fromEntries(back.data.map((f: any) => [f.key, f.name]))
  t.equal(backNames.Features, 'Đặc điểm nhận dạng')
  t.equal(backNames['Issue Date'], 'Ngày cấp')
})

t.test('the same front picture gives the same person; another picture, another person; --seed changes them', async (t) => {
  const app = await app0()
  const other = await build(t, { argv: ['--seed', '7'] })
  const read = async (a: typeof app, seed: number): Promise<unknown> => json(await ocr(a, (await initSession(a)).sid, { side: 'front', files: [await image(seed)] })).data
  const first = await read(app, 1)
  t.same(await read(app, 1), first)
  t.not(JSON.stringify(await read(app, 4)), JSON.stringify(first))
  t.not(JSON.stringify(await read(other, 1)), JSON.stringify(first))
})

t.test('a passport is one file: its fields at once, and the session is ready for liveness', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { doc: 'passport' })
  const body = json(res)
  t.equal(body.errorCode, '0')
  const v = Object.fromEntries(body.data.map((f: any) => [f.key, f.value]))
  t.match(v['Passport Number'], /^[A-Z]\d{7}$/)
  t.equal(v.MRZ.split('\n').length, 2)
  t.ok(v.MRZ.startsWith('P<VNM'))
  t.equal(json(await ocr(app, sid, { doc: 'passport' })).errorCode, 'E103', 'the page is taken once')
})

t.test('a driver licence (dlr): front then back', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const front = json(await ocr(app, sid, { doc: 'dlr', side: 'front' }))
  t.equal(front.errorCode, '0')
  t.same(front.data.map((f: any) => f.key), ['ID', 'Name', 'Date of birth', 'Nationality', 'Address', 'Class', 'Issue Date', 'Issue Location', 'Expired Date'])
  const back = json(await ocr(app, sid, { doc: 'dlr', side: 'back' }))
  t.equal(back.errorCode, '0')
  t.equal(back.data.at(-1).key, 'Classes')
})

// --- Order rules -------------------------------------------------------------------------

t.test('E101 Front picture must be taken first: the back before the front', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { side: 'back' })
  t.equal(res.statusCode, 200)
  t.same(json(res), ERR('E101', 'Front picture must be taken first'))
  t.equal(json(await ocr(app, sid, { side: 'front' })).errorCode, '0', 'nothing was recorded: the front is still expected')
})

t.test('E101 also when the back is of another document type than the front', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  await ocr(app, sid, { side: 'front' })
  t.equal(json(await ocr(app, sid, { side: 'back', doc: 'dlr' })).errorCode, 'E101')
})

t.test('E103 Please capture your rear document: the front twice', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  await ocr(app, sid, { side: 'front' })
  const res = await ocr(app, sid, { side: 'front' })
  t.equal(res.statusCode, 200)
  t.same(json(res), ERR('E103', 'Please capture your rear document'))
  t.equal(json(await ocr(app, sid)).errorCode, 'E103', 'both sides again after the front')
  t.equal(json(await ocr(app, sid, { side: 'back' })).errorCode, '0')
  t.equal(json(await ocr(app, sid, { side: 'back', files: [await image(5)] })).errorCode, '0', 'the back may be taken again')
})

t.test('E110 Wrong side-type of document: side-type back for a passport', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { doc: 'passport', side: 'back' })
  t.same(json(res), ERR('E110', 'Wrong side-type of document'))
})

t.test('a failed OCR changes nothing: the same side can be taken again', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  t.equal(json(await ocr(app, sid, { side: 'front', files: [await image(1, { blur: 8 })] })).errorCode, 'QC03')
  t.equal(json(await ocr(app, sid, { side: 'front' })).errorCode, '0')
})

// --- General table -----------------------------------------------------------------------

const general: Array<[string, Record<string, string | undefined>, string, string, number?]> = [
  ['a missing api key', { 'api-key': undefined }, '400', 'api-key must be provided'],
  ['a missing document-type', { 'document-type': undefined }, '400', 'document-type header must be provided'],
  ['document-type cmnd', { 'document-type': 'cmnd' }, '400', 'document-type value is invalid'],
  ['a missing session-id', { 'session-id': undefined }, '400', 'uuid must be provided'],
  ['lang fr', { lang: 'fr' }, '400', 'country code value is invalid'],
  ['a missing device-type', { 'device-type': undefined }, '400', 'device type must be provided']
]
for (const [what, change, code, message] of general) {
  t.test(`HTTP 200 errorCode ${code} "${message}": ${what}`, async (t) => {
    const app = await app0()
    const { sid } = await initSession(app)
    const headers = ocrHeaders(sid, { side: 'front' })
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete headers[k]
      else headers[k] = v
    }
    const res = await app.inject({ method: 'POST', url: '/fpt/ocr', ...multipart([{ name: 'files', value: await image(), filename: 'a.jpg' }], headers) })
    t.equal(res.statusCode, 200)
    t.same(json(res), ERR(code, message))
  })
}

t.test('the general checks come in order: api key, then document-type, then session', async (t) => {
  const app = await app0()
  const res = await app.inject({ method: 'POST', url: '/fpt/ocr', headers: { 'device-type': 'android', 'document-type': 'bad' } })
  t.equal(json(res).errorMessage, 'api-key must be provided')
  const res2 = await app.inject({ method: 'POST', url: '/fpt/ocr', headers: { api_key: KEY, 'device-type': 'android', 'document-type': 'bad' } })
  t.equal(json(res2).errorMessage, 'document-type value is invalid', 'api_key is accepted too')
  const res3 = await app.inject({ method: 'POST', url: '/fpt/ocr', headers: { api_key: KEY, 'device-type': 'android', 'document-type': 'idr', lang: 'fr' } })
  t.equal(json(res3).errorMessage, 'uuid must be provided')
})

// --- Input-file errors -------------------------------------------------------------------

t.test('1 Invalid Parameters or Values (HTTP 400): no files, a wrong number of files, a bad side-type, a body that is not multipart', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const img = await image()
  const cases: Array<[string, () => Promise<any>]> = [
    ['no files part', async () => app.inject({ method: 'POST', url: '/fpt/ocr', ...multipart([{ name: 'other', value: 'x' }], ocrHeaders(sid, { side: 'front' })) })],
    ['an empty body', async () => app.inject({ method: 'POST', url: '/fpt/ocr', headers: ocrHeaders(sid, { side: 'front' }) })],
    ['JSON', async () => app.inject({ method: 'POST', url: '/fpt/ocr', headers: ocrHeaders(sid, { side: 'front' }), payload: { files: 'x' } })],
    ['malformed multipart', async () => app.inject({ method: 'POST', url: '/fpt/ocr', headers: { ...ocrHeaders(sid, { side: 'front' }), 'content-type': 'multipart/form-data; boundary=XyZ' }, payload: '--XyZ\r\nContent-Disposition: form-da' })],
    ['two files with side-type front', async () => ocr(app, sid, { side: 'front', files: [img, img] })],
    ['one file without side-type (idr needs both sides)', async () => ocr(app, sid, { files: [img] })],
    ['three files', async () => ocr(app, sid, { files: [img, img, img] })],
    ['two files for a passport', async () => ocr(app, sid, { doc: 'passport', files: [img, img] })],
    ['side-type left', async () => ocr(app, sid, { side: 'left' as 'front' })]
  ]
  for (const [what, send] of cases) {
    const res = await send()
    t.equal(res.statusCode, 400, what)
    t.same(json(res), ERR('1', 'Invalid Parameters or Values'), what)
  }
  t.equal(json(await ocr(app, sid, { side: 'front' })).errorCode, '0', 'the session is unharmed')
})

t.test('1 Invalid Parameters or Values: more than 20 text parts, or a text part over 64 KB', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const img = await image()
  const many = Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, value: 'x' }))
  const res = await app.inject({ method: 'POST', url: '/fpt/ocr', ...multipart([...many, { name: 'files', value: img, filename: 'a.jpg' }], ocrHeaders(sid, { side: 'front' })) })
  t.equal(json(res).errorCode, '1')
  const long = await app.inject({ method: 'POST', url: '/fpt/ocr', ...multipart([{ name: 'note', value: 'x'.repeat(64 * 1024 + 1) }, { name: 'files', value: img, filename: 'a.jpg' }], ocrHeaders(sid, { side: 'front' })) })
  t.equal(json(long).errorCode, '1', 'an oversized text part is an invalid parameter, not an invalid image')
  t.equal(json(await ocr(app, sid, { side: 'front' })).errorCode, '0')
})

t.test('7 Invalid image file (HTTP 400): damaged, not an image, a GIF, a decompression bomb header, empty', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const bad = [(await image()).subarray(0, 3000), Buffer.from('hello'), Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), giantPngHeader(), Buffer.alloc(0)]
  for (const file of bad) {
    const res = await ocr(app, sid, { side: 'front', files: [file] })
    t.equal(res.statusCode, 400)
    t.same(json(res), ERR('7', 'Invalid image file'))
  }
})

t.test('7 Invalid image file: a file over max_image_bytes; the limit is inclusive', async (t) => {
  const app = await build(t, { settings: { fpt: { max_image_bytes: 200_000 } } })
  const { sid } = await initSession(app)
  const img = await image()
  const exact = Buffer.concat([img, Buffer.alloc(200_000 - img.length)])
  t.equal(json(await ocr(app, sid, { side: 'front', files: [exact] })).errorCode, '0')
  const { sid: sid2 } = await initSession(app)
  const over = await ocr(app, sid2, { side: 'front', files: [Buffer.concat([exact, Buffer.alloc(1)])] })
  t.equal(over.statusCode, 400)
  t.equal(json(over).errorCode, '7')
})

t.test('7 Invalid image file: a body announced over 32 MB is refused before it is read', async (t) => {
  const app = await build(t, { settings: { fpt: { max_image_bytes: 64 * 1024 * 1024 } } })
  const { sid } = await initSession(app)
  const big = Buffer.concat([await image(), Buffer.alloc(32 * 1024 * 1024)])
  const res = await ocr(app, sid, { side: 'front', files: [big] })
  t.equal(res.statusCode, 400)
  t.equal(json(res).errorCode, '7')
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
})

t.test('7 Invalid image file: an image over the pixel limit, refused from its header', async (t) => {
  const app = await build(t, { settings: { images: { max_pixels: 640 * 480 } } })
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { side: 'front', files: [await image(1, { width: 800, height: 600 })] })
  t.equal(json(res).errorCode, '7')
})

t.test('3 Unable to find the selected document in the image (HTTP 400): a flat, empty picture', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const flat = await sharp({ create: { width: 1024, height: 768, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer()
  const res = await ocr(app, sid, { side: 'front', files: [flat] })
  t.equal(res.statusCode, 400)
  t.same(json(res), ERR('3', 'Unable to find the selected document in the image'))
})

// --- Image quality -----------------------------------------------------------------------

t.test('QC01 Image resolution is too low: under 640x480', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  for (const [width, height] of [[320, 240], [639, 480], [640, 479]] as const) {
    const res = await ocr(app, sid, { side: 'front', files: [await image(1, { width, height })] })
    t.equal(res.statusCode, 200)
    t.same(json(res), ERR('QC01', 'Image resolution is too low'), `${width}x${height}`)
  }
})

t.test('QC02 Image has bright spot(s): glare over more than 5% of the picture', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const glare = await sharp(await image()).composite([{ input: { create: { width: 200, height: 150, channels: 3, background: { r: 255, g: 255, b: 255 } } }, left: 60, top: 40 }]).jpeg().toBuffer()
  t.same(json(await ocr(app, sid, { side: 'front', files: [glare] })), ERR('QC02', 'Image has bright spot(s)'))
})

t.test('QC03 Image is blurry: a heavily blurred picture', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  t.same(json(await ocr(app, sid, { side: 'front', files: [await image(1, { blur: 8 })] })), ERR('QC03', 'Image is blurry'))
})

t.test('QC04 Image has bad luminance: too dark or too bright (checked before blur)', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  for (const gain of [0.1, 3]) {
    t.same(json(await ocr(app, sid, { side: 'front', files: [await image(1, { gain })] })), ERR('QC04', 'Image has bad luminance'), `gain ${gain}`)
  }
})

t.test('the back image gets the same quality checks, after the front one', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  t.equal(json(await ocr(app, sid, { files: [await image(1), await image(2, { blur: 8 })] })).errorCode, 'QC03')
  t.equal(json(await ocr(app, sid, { files: [await image(1, { width: 320, height: 240 }), await image(2, { blur: 8 })] })).errorCode, 'QC01')
})

t.test('quality thresholds are configurable', async (t) => {
  const app = await build(t, { settings: { fpt: { quality: { min_width: 1000, min_height: 700, min_sharpness: 0.05 } } } })
  const { sid } = await initSession(app)
  t.equal(json(await ocr(app, sid, { side: 'front' })).errorCode, 'QC01', '640x480 is now too small')
  t.equal(json(await ocr(app, sid, { side: 'front', files: [await image(1, { width: 1024, height: 768, blur: 8 })] })).errorCode, '0', 'the blur is now tolerated')
})

// --- Scenarios ---------------------------------------------------------------------------

t.test('real checks come before the scenario: a damaged image with fpt/ocr-QC03-blurry still gets 7', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { side: 'front', files: [Buffer.from('nope')], headers: { 'x-sandbox-scenario': 'fpt/ocr-QC03-blurry' } })
  t.equal(json(res).errorCode, '7')
})

const shipped: Array<[string, number, string, string]> = [
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
t.test('every shipped OCR error scenario answers its code, message and HTTP status', async (t) => {
  const app = await app0()
  for (const [name, status, code, message] of shipped) {
    const { sid } = await initSession(app)
    const res = await ocr(app, sid, { side: 'front', headers: { 'x-sandbox-scenario': name } })
    t.equal(res.statusCode, status, name)
    t.same(json(res), ERR(code, message), name)
  }
})

t.test('FC07 Missing MRZ on back side of document: the front passes, the back fails', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const h = { 'x-sandbox-scenario': 'fpt/ocr-FC07-missing-mrz' }
  t.equal(json(await ocr(app, sid, { side: 'front', headers: h })).errorCode, '0')
  t.same(json(await ocr(app, sid, { side: 'back', headers: h })), ERR('FC07', 'Missing MRZ on back side of document'))
  const both = await initSession(app)
  t.equal(json(await ocr(app, both.sid, { headers: h })).errorCode, 'FC07', 'both sides in one request')
})

t.test('the journal records OCR calls as fpt.ocr, image parts as bytes and sha256', async (t) => {
  const app = await build(t)
  const { sid } = await initSession(app)
  await ocr(app, sid, { side: 'front' })
  const journal = json(await app.inject({ method: 'GET', url: '/__admin/requests?vendor=fpt&operation=fpt.ocr' }))
  t.equal(journal.requests.length, 1)
  const file = journal.requests[0].request.body.files[0]
  t.equal(file.field, 'files')
  t.match(file.content, { bytes: Number, sha256: /^[0-9a-f]{64}$/ })
})
