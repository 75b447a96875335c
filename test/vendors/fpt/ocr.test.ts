/**
 * FPT.AI eKYC, Steps 2 and 3 (POST /ocr) over HTTP: the answer's shape, lang, the general table of
 * header checks, the multipart body and its input-file errors, scenarios named in headers, the
 * journal (fpt-ekyc.vi.md; vendor-notes.md, FPT rulings). The rules of the sides, their order, the
 * image checks and the post-checks are tested on the service: service.test.ts, postcheck.test.ts.
 */
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

// --- Scenarios ---------------------------------------------------------------------------

t.test('FC07 Missing MRZ on back side of document: the front passes, the back fails', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const h = { 'x-sandbox-scenario': 'fpt/ocr-FC07-missing-mrz' }
  t.equal(json(await ocr(app, sid, { side: 'front', headers: h })).errorCode, '0')
  t.same(json(await ocr(app, sid, { side: 'back', headers: h })), ERR('FC07', 'Missing MRZ on back side of document'))
  const both = await initSession(app)
  t.equal(json(await ocr(app, both.sid, { headers: h })).errorCode, 'FC07', 'both sides in one request')
})

t.test('post-check errors answer HTTP 200 with errorCode and errorMessage', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { side: 'front', headers: { 'x-sandbox-scenario': 'fpt/ocr-E08-gender-code' } })
  t.equal(res.statusCode, 200)
  t.same(json(res), { data: [], errorCode: 'E08', errorMessage: 'Gender code does not match', total_data: [] })
})

t.test('passport scenarios do not touch an identity card', async (t) => {
  const app = await app0()
  const { sid } = await initSession(app)
  t.equal(json(await ocr(app, sid, { headers: { 'x-sandbox-scenario': 'fpt/ocr-E23-passport-expired' } })).errorCode, '0')
})

t.test('a scenario with holder facts that are not dates is a sandbox error', async (t) => {
  const dir = t.testdir({ 'x.yaml': 'name: fpt/bad-holder\nvendor: fpt\ndescription: d\nrules:\n  - operation: fpt.ocr\n    outcome: { holder: { date_of_birth: "31/02/1990" } }\n' })
  const app = await build(t, { scenarios: dir })
  const { sid } = await initSession(app)
  const res = await ocr(app, sid, { side: 'front', headers: { 'x-sandbox-scenario': 'fpt/bad-holder' } })
  t.equal(res.statusCode, 500)
  t.equal(res.headers['x-sandbox-error'], 'invalid-scenario-outcome')
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
