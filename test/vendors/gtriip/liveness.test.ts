/**
 * Gtriip Liveness Check API, POST /liveness/ (gtriip-liveness.md; vendor-notes.md, Gtriip rulings).
 * Test names use the vendor's words.
 */
import t from 'tap'
import { build, json, multipart } from '../../helper.js'
import { giantPngHeader, photo } from '../../images.js'

const KEY = { 'x-api-key': 'test-key' }
const URL = '/gtriip/liveness/'

t.test('a selfie sent as an image file is live, with result.liveness and result.score', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image', value: await photo(), filename: 'selfie.jpg', contentType: 'image/jpeg' }], KEY) })
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['result', 'success'])
  t.equal(body.success, true)
  t.equal(body.result.liveness, true)
  t.ok(body.result.score >= 0.9 && body.result.score <= 1, `score ${body.result.score} is at or above the 0.90 threshold`)
})

t.test('a selfie sent as image_bytes in a form (the vendor notebook) gives the same answer as the file', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 7 })
  const form = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ image_bytes: img.toString('base64') }).toString() })
  const file = await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image', value: img, filename: 'a.jpg' }], KEY) })
  t.equal(form.statusCode, 200)
  t.same(json(form), json(file), 'same image, same score: generated data is deterministic')
})

t.test('image_bytes is accepted as a multipart text part and as JSON (tolerated)', async (t) => {
  const app = await build(t)
  const b64 = (await photo({ seed: 3 })).toString('base64')
  const viaPart = await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image_bytes', value: b64 }], KEY) })
  const viaJson = await app.inject({ method: 'POST', url: URL, headers: KEY, payload: { image_bytes: b64 } })
  t.equal(viaPart.statusCode, 200)
  t.equal(viaJson.statusCode, 200)
  t.same(json(viaPart), json(viaJson))
})

t.test('002 Error reading image: image_bytes with a data: prefix is not base64 (the document says base64)', async (t) => {
  const app = await build(t)
  const uri = `data:image/jpeg;base64,${(await photo({ seed: 3 })).toString('base64')}`
  const form = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ image_bytes: uri }).toString() })
  const part = await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image_bytes', value: uri }], KEY) })
  for (const res of [form, part]) {
    t.equal(res.statusCode, 400)
    t.equal(json(res).error_code, '002')
  }
})

t.test('image wins when both image and image_bytes are sent', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image_bytes', value: 'this is not base64 !' }, { name: 'image', value: await photo(), filename: 'a.jpg' }], KEY) })
  t.equal(res.statusCode, 200)
})

t.test('different selfies get different, deterministic scores; --seed changes them', async (t) => {
  const app = await build(t)
  const other = await build(t, { argv: ['--seed', '42'] })
  const send = async (a: typeof app, seed: number): Promise<number> => json((await a.inject({ method: 'POST', url: URL, headers: KEY, payload: { image_bytes: (await photo({ seed })).toString('base64') } }))).result.score
  const s1 = await send(app, 1)
  t.not(s1, await send(app, 2))
  t.equal(s1, await send(app, 1))
  t.not(s1, await send(other, 1))
})

t.test('001 API key is either missing or incorrect: HTTP 401, checked before the body', async (t) => {
  const app = await build(t)
  for (const headers of [{}, { 'x-api-key': '' }]) {
    const res = await app.inject({ method: 'POST', url: URL, headers, payload: 'not even json' })
    t.equal(res.statusCode, 401)
    t.same(json(res), { success: false, error_code: '001', error_message: 'API key is either missing or incorrect.' })
  }
})

t.test('001 with --api-keys: only the listed keys authenticate', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'good-1,good-2'] })
  const payload = { image_bytes: (await photo()).toString('base64') }
  t.equal((await app.inject({ method: 'POST', url: URL, headers: { 'x-api-key': 'good-2' }, payload })).statusCode, 200)
  const bad = await app.inject({ method: 'POST', url: URL, headers: { 'x-api-key': 'other' }, payload })
  t.equal(bad.statusCode, 401)
  t.equal(json(bad).error_code, '001')
})

const cases: Array<[string, () => Promise<Record<string, any>>]> = [
  ['a JSON body without image or image_bytes', async () => ({ payload: { picture: 'x' } })],
  ['an empty image_bytes', async () => ({ payload: { image_bytes: '' } })],
  ['image_bytes that is a number', async () => ({ payload: { image_bytes: 12 } })],
  ['malformed JSON', async () => ({ headers: { 'content-type': 'application/json' }, payload: '{"image_bytes": ' })],
  ['an empty body', async () => ({ payload: undefined })],
  ['a wrong content type (text/xml)', async () => ({ headers: { 'content-type': 'text/xml' }, payload: '<image/>' })],
  ['malformed multipart (no closing boundary, broken headers)', async () => ({ headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, payload: '--XyZ\r\nContent-Disposition: form-da' })],
  ['multipart with no image part', async () => multipart([{ name: 'selfie', value: 'x' }])]
]
for (const [what, req] of cases) {
  t.test(`004 Request is not in the correct format: ${what}`, async (t) => {
    const app = await build(t)
    const r = await req()
    const res = await app.inject({ method: 'POST', url: URL, ...r, headers: { ...KEY, ...(r.headers ?? {}) } })
    t.equal(res.statusCode, 400)
    t.same(json(res), { success: false, error_code: '004', error_message: 'Request is not in the correct format.' })
    t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200, 'the server stays healthy')
  })
}

const unreadable: Array<[string, () => Promise<Buffer | string>]> = [
  ['text that is not base64', async () => 'not*base64*at*all'],
  ['a truncated JPEG', async () => (await photo()).subarray(0, 3000)],
  ['a GIF (neither JPEG nor PNG)', async () => Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
  ['a PNG header announcing 100000x100000 pixels (refused before decoding)', async () => giantPngHeader()],
  ['an empty file', async () => Buffer.alloc(0)]
]
for (const [what, make] of unreadable) {
  t.test(`002 Error reading image, please check the request format: ${what}`, async (t) => {
    const app = await build(t)
    const v = await make()
    const res = typeof v === 'string'
      ? await app.inject({ method: 'POST', url: URL, headers: KEY, payload: { image_bytes: v } })
      : await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image', value: v, filename: 'x.jpg', contentType: 'image/jpeg' }], KEY) })
    t.equal(res.statusCode, 400)
    t.same(json(res), { success: false, error_code: '002', error_message: 'Error reading image, please check the request format.' })
  })
}

t.test('003 Image file size is too large: over 10 MB as a file, as base64, and a 20 MB body', async (t) => {
  const app = await build(t)
  const big = Buffer.concat([await photo(), Buffer.alloc(10 * 1024 * 1024)])
  const expected = { success: false, error_code: '003', error_message: 'Image file size is too large.' }
  const asFile = await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image', value: big, filename: 'big.jpg' }], KEY) })
  t.equal(asFile.statusCode, 413)
  t.same(json(asFile), expected)
  const asBase64 = await app.inject({ method: 'POST', url: URL, headers: KEY, payload: { image_bytes: big.toString('base64') } })
  t.equal(asBase64.statusCode, 413)
  t.same(json(asBase64), expected)
  const twenty = Buffer.alloc(20 * 1024 * 1024, 0x41)
  const huge = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'content-type': 'application/x-www-form-urlencoded' }, payload: Buffer.concat([Buffer.from('image_bytes='), twenty, twenty]) })
  t.equal(huge.statusCode, 413)
  t.same(json(huge), expected)
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
})

t.test('an image of exactly 10 MB is accepted (the limit is inclusive)', async (t) => {
  const app = await build(t, { settings: { gtriip: { max_image_bytes: 300_000 } } })
  const img = await photo()
  const exact = Buffer.concat([img, Buffer.alloc(300_000 - img.length)])
  t.equal((await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image', value: exact, filename: 'a.jpg' }], KEY) })).statusCode, 200)
  const over = Buffer.concat([exact, Buffer.alloc(1)])
  t.equal((await app.inject({ method: 'POST', url: URL, ...multipart([{ name: 'image', value: over, filename: 'a.jpg' }], KEY) })).statusCode, 413)
})

for (const [code, status, message] of [
  ['001', 401, 'API key is either missing or incorrect.'],
  ['002', 400, 'Error reading image, please check the request format.'],
  ['003', 413, 'Image file size is too large.'],
  ['004', 400, 'Request is not in the correct format.'],
  ['005', 500, 'Server internal error, please try again.'],
  ['051', 400, 'No face, or more than one face is detected in the selfie.'],
  ['052', 400, 'Face mask is detected, please remove the face mask and try again.']
] as const) {
  t.test(`${code} ${message} is reachable with its shipped scenario`, async (t) => {
    const app = await build(t)
    const list = json((await app.inject({ method: 'GET', url: '/__admin/scenarios' }))) as Array<{ name: string }>
    const name = list.map((s) => s.name).find((n) => n.startsWith(`gtriip/${code}-`))
    t.ok(name, `a scenario named gtriip/${code}-... exists`)
    const res = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'x-sandbox-scenario': name as string }, payload: { image_bytes: (await photo()).toString('base64') } })
    t.equal(res.statusCode, status)
    t.same(json(res), { success: false, error_code: code, error_message: message })
  })
}

t.test('real checks come before the scenario: a truncated JPEG with gtriip/051-no-face still gets 002', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'x-sandbox-scenario': 'gtriip/051-no-face' }, payload: { image_bytes: (await photo()).subarray(0, 2000).toString('base64') } })
  t.equal(json(res).error_code, '002')
})

t.test('a spoof scenario answers liveness false with its chosen score', async (t) => {
  const app = await build(t)
  const payload = { image_bytes: (await photo()).toString('base64') }
  const spoof = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'x-sandbox-scenario': 'gtriip/spoof' }, payload })
  t.same(json(spoof), { result: { liveness: false, score: 0.42 }, success: true })
  const printed = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'x-sandbox-scenario': 'gtriip/spoof-printed-photo' }, payload })
  t.same(json(printed), { result: { liveness: false, score: 0.7551308274269104 }, success: true }, "the vendor's own example: 0.755 is below 0.90")
})

t.test('liveness follows the configured threshold', async (t) => {
  const app = await build(t, { settings: { gtriip: { liveness_threshold: 0.95 } } })
  const res = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'x-sandbox-scenario': 'gtriip/live-borderline' }, payload: { image_bytes: (await photo()).toString('base64') } })
  t.same(json(res).result, { liveness: false, score: 0.9012 }, '0.9012 passes 0.90 but not 0.95')
  const dflt = await app.inject({ method: 'POST', url: URL, headers: KEY, payload: { image_bytes: (await photo()).toString('base64') } })
  t.ok(json(dflt).result.score >= 0.95, 'default scores stay live under a stricter threshold')
})

t.test('the slow scenario adds latency and keeps the default outcome', async (t) => {
  // The shipped gtriip/slow (1.5 to 3 s), with latencies scaled down a hundred times so the test stays fast.
  const app = await build(t, { settings: { scenarios: { watch: false, latency_scale: 0.01 } } })
  const res = await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'gtriip/slow' } })
  t.equal(res.statusCode, 200)
  const started = Date.now()
  const live = await app.inject({ method: 'POST', url: URL, headers: KEY, payload: { image_bytes: (await photo()).toString('base64') } })
  t.ok(Date.now() - started >= 15, 'answered after at least 1.5 s, scaled: 15 ms')
  t.equal(json(live).result.liveness, true)
})

t.test('gtriip/spoof-then-live: spoof, then 005, then live', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'gtriip/spoof-then-live' } })
  const payload = { image_bytes: (await photo()).toString('base64') }
  const a = json(await app.inject({ method: 'POST', url: URL, headers: KEY, payload }))
  const b = await app.inject({ method: 'POST', url: URL, headers: KEY, payload })
  const c = json(await app.inject({ method: 'POST', url: URL, headers: KEY, payload }))
  const d = json(await app.inject({ method: 'POST', url: URL, headers: KEY, payload }))
  t.equal(a.result.liveness, false)
  t.ok(a.result.score < 0.9)
  t.equal(b.statusCode, 500)
  t.equal(json(b).error_code, '005')
  t.equal(c.result.liveness, true)
  t.equal(d.result.liveness, true)
})

t.test('unknown paths and methods answer in the vendor shape, with a note header', async (t) => {
  const app = await build(t)
  const get = await app.inject({ method: 'GET', url: URL, headers: KEY })
  t.equal(get.statusCode, 405)
  t.equal(json(get).success, false)
  t.match(get.headers['x-sandbox-note'], /only POST/)
  const noSlash = await app.inject({ method: 'POST', url: '/gtriip/liveness', headers: KEY })
  t.equal(noSlash.statusCode, 404, 'the path has a trailing slash, as the vendor documents it')
  t.equal(json(noSlash).error_code, '004')
})

t.test('CORS: the preflight allows x-api-key and the X-Sandbox-* headers', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'OPTIONS', url: URL, headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], '*')
  t.match(res.headers['access-control-allow-headers'], /x-api-key/)
  t.match(res.headers['access-control-allow-headers'], /x-sandbox-scenario/)
  t.match(res.headers['access-control-allow-headers'], /x-sandbox-namespace/)
  const post = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, origin: 'http://localhost:3000' }, payload: {} })
  t.equal(post.headers['access-control-allow-origin'], '*')
})

t.test('with --vendor gtriip the API answers at the root', async (t) => {
  const app = await build(t, { argv: ['--vendor', 'gtriip'] })
  const res = await app.inject({ method: 'POST', url: '/liveness/', headers: KEY, payload: { image_bytes: (await photo()).toString('base64') } })
  t.equal(res.statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: URL, headers: KEY, payload: {} })).statusCode, 404, 'no prefix any more')
})

t.test('003 for a multipart body announced larger than the body limit, refused before it is read', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: URL, headers: { ...KEY, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(41 * 1024 * 1024) }, payload: '--x--\r\n' })
  t.equal(res.statusCode, 413)
  t.equal(json(res).error_code, '003')
})

t.test('the vendor README lists every documented error code with its message and scenario', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { catalogue } = await import('../../../src/vendors/gtriip/errors.js')
  const readme = readFileSync('src/vendors/gtriip/README.md', 'utf8')
  const app = await build(t)
  const names = (json(await app.inject({ method: 'GET', url: '/__admin/scenarios' })) as Array<{ name: string }>).map((s) => s.name)
  for (const code of catalogue.codes) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${code}\` |`))
    t.ok(row, `README has a row for ${code}`)
    t.match(row, catalogue.entries[code].message, `${code} row has the document's message`)
    const scenario = names.find((n) => n.startsWith(`gtriip/${code}-`))
    t.ok(scenario !== undefined && row?.includes(scenario), `${code} row names its scenario ${scenario ?? ''}`)
  }
})
