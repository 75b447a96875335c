/**
 * Oz API Lite biometry: extract, compare, verify, extract_and_compare and the 1:N methods
 * (oz-api-lite.md, "Biometry"; vendor-notes.md, Oz rulings). Test names use the vendor's words.
 */
import sharp from 'sharp'
import t from 'tap'
import { build, json, multipart } from '../../helper.js'
import { photo } from '../../images.js'
import { P, parts, rawMultipart, template } from './fixtures/oz.js'

const JPEG = { 'content-type': 'image/jpeg' }

t.test('extract returns the biometric template as application/octet-stream: the same image always gives the same bytes', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 1 })
  const res = await app.inject({ method: 'POST', url: P.extract, headers: JPEG, payload: img })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/octet-stream')
  const tpl = res.rawPayload
  t.equal(tpl.length, 304)
  t.equal(tpl.toString('latin1', 0, 4), 'OZBT', 'magic bytes')
  t.equal(tpl[4], 1, 'format version 1')
  t.equal(tpl.readUInt16BE(6), 640, 'image width')
  t.equal(tpl.readUInt16BE(8), 480, 'image height')
  t.same(await template(app, img), tpl, 'same image, same template')
  t.not((await template(app, await photo({ seed: 2 }))).toString('hex'), tpl.toString('hex'), 'another image, another template')
})

t.test('extract takes image/png too, and the declared type is not checked against the bytes', async (t) => {
  const app = await build(t)
  const png = await photo({ seed: 3, format: 'png' })
  const asPng = await app.inject({ method: 'POST', url: P.extract, headers: { 'content-type': 'image/png' }, payload: png })
  const asJpeg = await app.inject({ method: 'POST', url: P.extract, headers: { 'content-type': 'IMAGE/JPEG' }, payload: png })
  t.equal(asPng.statusCode, 200)
  t.equal(asJpeg.statusCode, 200, 'a PNG declared image/jpeg (upper case) is read')
  t.same(asPng.rawPayload, asJpeg.rawPayload)
})

t.test('compare: the same template scores 1.0 and is approved', async (t) => {
  const app = await build(t)
  const tpl = await template(app, await photo())
  const res = await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: tpl }, { name: 'bio_template', value: tpl }]) })
  t.equal(res.statusCode, 200)
  t.same(json(res), { score: 1, decision: 'approved' })
})

t.test('compare: two different photos are approved by default, with a lower score that is deterministic and symmetric', async (t) => {
  const app = await build(t)
  const a = await template(app, await photo({ seed: 1 }))
  const b = await template(app, await photo({ seed: 2 }))
  const send = async (x: Buffer, y: Buffer): Promise<{ score: number, decision: string }> =>
    json(await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: x }, { name: 'bio_template', value: y }]) }))
  const ab = await send(a, b)
  t.equal(ab.decision, 'approved')
  t.ok(ab.score >= 0.85 && ab.score < 1, `score ${ab.score} is in [0.85, 1)`)
  t.same(await send(a, b), ab, 'same request, same answer')
  t.same(await send(b, a), ab, 'the order of the templates does not matter')
  const other = await build(t, { argv: ['--seed', '9'] })
  t.not((await send(a, b)).score, json(await other.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: a }, { name: 'bio_template', value: b }]) })).score, '--seed changes generated scores')
})

t.test('compare_mode content: an unrelated photo is declined, a re-encoded copy of the same photo approved', async (t) => {
  const app = await build(t, { settings: { oz: { compare_mode: 'content' } } })
  const img = await photo({ seed: 4 })
  const a = await template(app, img)
  const copy = await template(app, await sharp(img).jpeg({ quality: 55 }).toBuffer())
  const other = await template(app, await photo({ seed: 5 }))
  const send = async (y: Buffer): Promise<{ score: number, decision: string }> =>
    json(await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: a }, { name: 'bio_template', value: y }]) }))
  const same = await send(copy)
  t.equal(same.decision, 'approved')
  t.ok(same.score > 0.9 && same.score < 1, `re-encoded: ${same.score}`)
  const diff = await send(other)
  t.equal(diff.decision, 'declined')
  t.ok(diff.score < 0.6, `unrelated: ${diff.score}`)
  t.same(await send(a), { score: 1, decision: 'approved' })
})

t.test('decision: operator_required only when the band is configured', async (t) => {
  const img = await photo({ seed: 4 })
  const ask = async (settings: unknown): Promise<{ score: number, decision: string }> => {
    const app = await build(t, { settings: { oz: { compare_mode: 'content', ...settings as object } } })
    const a = await template(app, img)
    const b = await template(app, await sharp(img).resize(320).jpeg({ quality: 40 }).toBuffer())
    return json(await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: a }, { name: 'bio_template', value: b }]) }))
  }
  const plain = await ask({ approved_threshold: 0.999 })
  t.ok(plain.score < 0.999 && plain.score > 0.95, `score ${plain.score}`)
  t.equal(plain.decision, 'declined', 'no band: below the threshold is declined')
  t.equal((await ask({ approved_threshold: 0.999, operator_required_threshold: 0.95 })).decision, 'operator_required')
})

t.test('a settings file with operator_required_threshold above approved_threshold is refused', async (t) => {
  await t.rejects(build(t, { settings: { oz: { approved_threshold: 0.8, operator_required_threshold: 0.9 } } }), /operator_required_threshold/)
})

t.test('verify answers multipart: a JSON score part (no decision) and the bio_feature part, the template of the sample', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 1 })
  const mine = await template(app, img)
  const other = await template(app, await photo({ seed: 2 }))
  const res = await app.inject({ method: 'POST', url: P.verify, ...multipart([{ name: 'sample', value: img, contentType: 'image/jpeg' }, { name: 'bio_template', value: other, contentType: 'application/octet-stream' }]) })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^multipart\/form-data; boundary=/)
  const [score, feature, ...rest] = parts(res)
  t.equal(rest.length, 0)
  t.equal(score?.name, 'score')
  t.equal(score?.headers['content-type'], 'application/json')
  const compared = json(await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: mine }, { name: 'bio_template', value: other }]) }))
  t.same(JSON.parse(score?.body.toString() ?? ''), { score: compared.score }, 'the same score as compare, without decision')
  t.equal(feature?.name, 'bio_feature')
  t.equal(feature?.headers['content-type'], 'application/octet-stream')
  t.same(feature?.body, mine, 'bio_feature is the template extract gives for the sample')
})

t.test('extract_and_compare: sample_1 against sample_2 answers score and decision', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 1 })
  const same = await app.inject({ method: 'POST', url: P.extractAndCompare, ...multipart([{ name: 'sample_1', value: img, contentType: 'image/jpeg' }, { name: 'sample_2', value: img, contentType: 'image/jpeg' }]) })
  t.equal(same.statusCode, 200)
  t.same(json(same), { score: 1, decision: 'approved' })
  const diff = json(await app.inject({ method: 'POST', url: P.extractAndCompare, ...multipart([{ name: 'sample_1', value: img }, { name: 'sample_2', value: await photo({ seed: 2 }) }]) }))
  t.equal(diff.decision, 'approved')
  t.ok(diff.score < 1)
})

t.test('compare_n: one result per templates_n part, in input order, with the filename of each part', async (t) => {
  const app = await build(t)
  const imgs = await Promise.all([1, 2, 3].map(async (seed) => await photo({ seed })))
  const tpls = await Promise.all(imgs.map(async (i) => await template(app, i)))
  const res = await app.inject({
    method: 'POST',
    url: P.compareN,
    ...multipart([
      { name: 'template_1', value: tpls[1] as Buffer },
      { name: 'templates_n', value: tpls[0] as Buffer, filename: '1.template', contentType: 'application/octet-stream' },
      { name: 'templates_n', value: tpls[1] as Buffer, filename: '2.template', contentType: 'application/octet-stream' },
      { name: 'templates_n', value: tpls[2] as Buffer, filename: '3.template', contentType: 'application/octet-stream' }
    ])
  })
  t.equal(res.statusCode, 200)
  const { results } = json(res)
  t.same(results.map((r: { filename: string }) => r.filename), ['1.template', '2.template', '3.template'])
  t.same(results[1], { filename: '2.template', score: 1, decision: 'approved' })
  t.ok(results[0].score < 1 && results[2].score < 1)
})

t.test('verify_n and extract_and_compare_n: the main image against each Nth part, in input order', async (t) => {
  const app = await build(t)
  const main = await photo({ seed: 1 })
  const other = await photo({ seed: 2 })
  const verifyN = json(await app.inject({
    method: 'POST',
    url: P.verifyN,
    ...multipart([
      { name: 'sample_1', value: main, contentType: 'image/jpeg' },
      { name: 'templates_n', value: await template(app, other), filename: 'b.template' },
      { name: 'templates_n', value: await template(app, main), filename: 'a.template' }
    ])
  }))
  t.same(verifyN.results.map((r: { filename: string }) => r.filename), ['b.template', 'a.template'])
  t.same(verifyN.results[1], { filename: 'a.template', score: 1, decision: 'approved' })
  const ecN = json(await app.inject({
    method: 'POST',
    url: P.extractAndCompareN,
    ...multipart([
      { name: 'sample_1', value: main, contentType: 'image/jpeg' },
      { name: 'samples_n', value: main, filename: '1.jpeg', contentType: 'image/jpeg' },
      { name: 'samples_n', value: other, filename: '2.jpeg', contentType: 'image/jpeg' }
    ])
  }))
  t.same(ecN.results[0], { filename: '1.jpeg', score: 1, decision: 'approved' })
  t.equal(ecN.results[1].filename, '2.jpeg')
  t.equal(ecN.results[1].score, verifyN.results[0].score, 'the same pair gives the same score whichever method compares it')
})

t.test('a 1:N part without a filename is named by its part name in the result', async (t) => {
  const app = await build(t)
  const tpl = await template(app, await photo())
  const res = await app.inject({ method: 'POST', url: P.compareN, ...multipart([{ name: 'template_1', value: tpl }, { name: 'templates_n', value: tpl }]) })
  t.same(json(res).results, [{ filename: 'templates_n', score: 1, decision: 'approved' }])
})

t.test('parts without a filename or Content-Type carry binary templates and samples intact', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  t.ok(tpl.some((b) => b >= 0x80), 'the template has bytes that are not ASCII (text decoding would corrupt them)')
  const res = await app.inject({
    method: 'POST',
    url: P.verify,
    ...rawMultipart('XyZ', [
      { headers: ['Content-Disposition: form-data; name="sample"'], body: img },
      { headers: ['Content-Disposition: form-data; name="bio_template"'], body: tpl }
    ])
  })
  t.equal(res.statusCode, 200, 'a boundary without hyphens is accepted too')
  t.same(JSON.parse(parts(res)[0]?.body.toString() ?? ''), { score: 1 })
})

t.test('the document\'s Content_type part header (a typo for Content-Type) is tolerated', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const res = await app.inject({
    method: 'POST',
    url: P.verify,
    ...rawMultipart('--BOUNDARY--', [
      { headers: ['Content-Disposition: form-data; name=bio_template', 'Content_type: application/octet-stream'], body: tpl },
      { headers: ['Content-Disposition: form-data; name=sample', 'Content_type: image/jpeg'], body: img }
    ])
  })
  t.equal(res.statusCode, 200)
})

t.test('base64 transfer mode: extract takes a base64 body and returns the template in base64', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 6 })
  const binary = await template(app, img)
  const res = await app.inject({ method: 'POST', url: P.extract, headers: { ...JPEG, 'content-transfer-encoding': 'base64' }, payload: img.toString('base64') })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-transfer-encoding'], 'base64')
  t.equal(res.payload, binary.toString('base64'))
  const dataUri = await app.inject({ method: 'POST', url: P.extract, headers: { ...JPEG, 'Content-Transfer-Encoding': 'BASE64' }, payload: `data:image/jpeg;base64,${img.toString('base64')}` })
  t.equal(dataUri.payload, binary.toString('base64'), 'a data: prefix and an upper-case header value are accepted')
})

t.test('base64 transfer mode on every multipart method: base64 parts in, base64 bio_feature out', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 1 })
  const other = await photo({ seed: 2 })
  const a = await template(app, img)
  const b = await template(app, other)
  const B64 = { 'content-transfer-encoding': 'base64' }
  const b64 = (x: Buffer): string => x.toString('base64')
  const compare = await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: b64(a) }, { name: 'bio_template', value: b64(a) }], B64) })
  t.same(json(compare), { score: 1, decision: 'approved' })
  const verify = await app.inject({ method: 'POST', url: P.verify, ...multipart([{ name: 'sample', value: b64(img), contentType: 'image/jpeg' }, { name: 'bio_template', value: b64(b) }], B64) })
  const feature = parts(verify)[1]
  t.equal(feature?.headers['content-transfer-encoding'], 'base64')
  t.equal(feature?.body.toString('latin1'), b64(a), 'bio_feature comes back in base64')
  const eac = await app.inject({ method: 'POST', url: P.extractAndCompare, ...multipart([{ name: 'sample_1', value: b64(img) }, { name: 'sample_2', value: b64(img) }], B64) })
  t.same(json(eac), { score: 1, decision: 'approved' })
  const cn = await app.inject({ method: 'POST', url: P.compareN, ...multipart([{ name: 'template_1', value: b64(a) }, { name: 'templates_n', value: b64(a), filename: '1.template' }], B64) })
  t.same(json(cn).results, [{ filename: '1.template', score: 1, decision: 'approved' }])
  const vn = await app.inject({ method: 'POST', url: P.verifyN, ...multipart([{ name: 'sample_1', value: b64(img) }, { name: 'templates_n', value: b64(a), filename: '1.template' }], B64) })
  t.same(json(vn).results, [{ filename: '1.template', score: 1, decision: 'approved' }])
  const ecn = await app.inject({ method: 'POST', url: P.extractAndCompareN, ...multipart([{ name: 'sample_1', value: b64(img) }, { name: 'samples_n', value: b64(img), filename: '1.jpeg' }], B64) })
  t.same(json(ecn).results, [{ filename: '1.jpeg', score: 1, decision: 'approved' }])
})

const err = (code: string, message: string): { code: string, message: string } => ({ code, message })
const E = {
  '002001': err('BPE-002001', 'Invalid Content-Type of HTTP request'),
  '002003': err('BPE-002003', 'Failed to read the biometric sample'),
  '002004': err('BPE-002004', 'Failed to read the biometric template'),
  '002005': err('BPE-002005', 'Invalid Content-Type of the multiparted HTTP request part')
}

t.test('BPE-002001 Invalid Content-Type of HTTP request: extract without an image body, multipart methods without multipart', async (t) => {
  const app = await build(t)
  const img = await photo()
  const cases: Array<[string, string, Record<string, string>, string | Buffer | undefined]> = [
    ['extract as application/json', P.extract, { 'content-type': 'application/json' }, '{"image":"x"}'],
    ['extract as broken JSON', P.extract, { 'content-type': 'application/json' }, '{"image":'],
    ['extract as text/plain', P.extract, { 'content-type': 'text/plain' }, 'hello'],
    ['extract as application/octet-stream', P.extract, { 'content-type': 'application/octet-stream' }, img],
    ['extract without Content-Type', P.extract, {}, undefined],
    ['compare with an image body', P.compare, JPEG, img],
    ['verify as JSON', P.verify, { 'content-type': 'application/json' }, '{}'],
    ['extract_and_compare as a form', P.extractAndCompare, { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b'],
    ['compare_n without a body', P.compareN, {}, undefined],
    ['verify_n with multipart/mixed', P.verifyN, { 'content-type': 'multipart/mixed; boundary=x' }, '--x--'],
    ['extract_and_compare_n with broken multipart', P.extractAndCompareN, { 'content-type': 'multipart/form-data; boundary=XyZ' }, '--XyZ\r\nContent-Disposition: form-da']
  ]
  for (const [what, url, headers, payload] of cases) {
    const res = await app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), E['002001'], what)
  }
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200, 'the server stays healthy')
})

t.test('BPE-002003 Failed to read the biometric sample: empty, truncated, not JPEG/PNG, too many pixels, missing, bad base64', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const giant = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.from([0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 2, 0, 0, 0]), Buffer.alloc(64)])
  const raw: Array<[string, Buffer | string, Record<string, string>]> = [
    ['an empty body', '', JPEG],
    ['a truncated JPEG', img.subarray(0, 3000), JPEG],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), { 'content-type': 'image/gif' }],
    ['a PNG header announcing 100000x100000 pixels', giant, { 'content-type': 'image/png' }],
    ['text that is not base64, in base64 mode', 'not*base64*at*all', { ...JPEG, 'content-transfer-encoding': 'base64' }],
    ['an empty body in base64 mode', '', { ...JPEG, 'content-transfer-encoding': 'base64' }]
  ]
  for (const [what, payload, headers] of raw) {
    const res = await app.inject({ method: 'POST', url: P.extract, headers, payload })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), E['002003'], what)
  }
  const missing: Array<[string, string, Array<{ name: string, value: Buffer, filename?: string }>]> = [
    ['verify without sample', P.verify, [{ name: 'bio_template', value: tpl }]],
    ['extract_and_compare without sample_2', P.extractAndCompare, [{ name: 'sample_1', value: img }]],
    ['extract_and_compare with a template as sample_2', P.extractAndCompare, [{ name: 'sample_1', value: img }, { name: 'sample_2', value: tpl }]],
    ['verify_n without sample_1', P.verifyN, [{ name: 'templates_n', value: tpl, filename: '1.template' }]],
    ['extract_and_compare_n without samples_n', P.extractAndCompareN, [{ name: 'sample_1', value: img }]],
    ['extract_and_compare_n with an unreadable samples_n', P.extractAndCompareN, [{ name: 'sample_1', value: img }, { name: 'samples_n', value: img.subarray(0, 100), filename: '1.jpeg' }]]
  ]
  for (const [what, url, items] of missing) {
    const res = await app.inject({ method: 'POST', url, ...multipart(items) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), E['002003'], what)
  }
})

t.test('BPE-002004 Failed to read the biometric template: anything that is not a template, and missing templates', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const flipped = Buffer.from(tpl)
  flipped[100] = (flipped[100] as number) ^ 0xff
  const v2 = Buffer.from(tpl)
  v2[4] = 2
  const notTemplates: Array<[string, Buffer]> = [
    ['zero bytes', Buffer.alloc(0)],
    ['0x00 filler of a template\'s length', Buffer.alloc(304)],
    ['an image', img],
    ['random text', Buffer.from('this is not a template')],
    ['a template with one byte changed (checksum)', flipped],
    ['a template of an unknown format version', v2],
    ['a template with a byte more', Buffer.concat([tpl, Buffer.from([0])])]
  ]
  for (const [what, value] of notTemplates) {
    const res = await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: tpl }, { name: 'bio_template', value }]) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), E['002004'], what)
  }
  const missing: Array<[string, string, Array<{ name: string, value: Buffer | string, filename?: string }>]> = [
    ['compare without bio_template', P.compare, [{ name: 'bio_feature', value: tpl }]],
    ['compare with parts of other names', P.compare, [{ name: 'feature', value: tpl }, { name: 'template', value: tpl }]],
    ['verify without bio_template', P.verify, [{ name: 'sample', value: img }]],
    ['compare_n without templates_n', P.compareN, [{ name: 'template_1', value: tpl }]],
    ['compare_n with a broken Nth template', P.compareN, [{ name: 'template_1', value: tpl }, { name: 'templates_n', value: tpl, filename: '1' }, { name: 'templates_n', value: 'junk', filename: '2' }]],
    ['verify_n without templates_n', P.verifyN, [{ name: 'sample_1', value: img }]],
    ['compare in base64 mode with text that is not base64', P.compare, [{ name: 'bio_feature', value: '***' }, { name: 'bio_template', value: tpl.toString('base64') }]]
  ]
  for (const [what, url, items] of missing) {
    const res = await app.inject({ method: 'POST', url, ...multipart(items, what.includes('base64') ? { 'content-transfer-encoding': 'base64' } : {}) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), E['002004'], what)
  }
})

t.test('BPE-002005 Invalid Content-Type of the multiparted HTTP request part: a sample as application/octet-stream, a template as an image', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const cases: Array<[string, string, Array<{ name: string, value: Buffer, contentType?: string }>]> = [
    ['verify: sample declared application/octet-stream', P.verify, [{ name: 'sample', value: img, contentType: 'application/octet-stream' }, { name: 'bio_template', value: tpl }]],
    ['verify: bio_template declared image/jpeg', P.verify, [{ name: 'sample', value: img, contentType: 'image/jpeg' }, { name: 'bio_template', value: tpl, contentType: 'image/jpeg' }]],
    ['compare: bio_feature declared application/json', P.compare, [{ name: 'bio_feature', value: tpl, contentType: 'application/json' }, { name: 'bio_template', value: tpl }]],
    ['extract_and_compare_n: a samples_n declared video/mp4', P.extractAndCompareN, [{ name: 'sample_1', value: img }, { name: 'samples_n', value: img, contentType: 'video/mp4' }]]
  ]
  for (const [what, url, items] of cases) {
    const res = await app.inject({ method: 'POST', url, ...multipart(items) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), E['002005'], what)
    t.ok(res.headers['x-sandbox-note'], 'a note says which part')
  }
})

t.test('limits: max_sample_bytes (inclusive), a part over the multipart limit, max_n parts', async (t) => {
  const img = await photo()
  const app = await build(t, { settings: { oz: { max_sample_bytes: img.length, max_media_bytes: 2048, max_n: 2 } } })
  t.equal((await app.inject({ method: 'POST', url: P.extract, headers: JPEG, payload: img })).statusCode, 200, 'exactly max_sample_bytes is accepted')
  const over = Buffer.concat([img, Buffer.alloc(1)])
  const raw = await app.inject({ method: 'POST', url: P.extract, headers: JPEG, payload: over })
  t.same(json(raw), E['002003'], 'one byte more is refused')
  const part = await app.inject({ method: 'POST', url: P.extractAndCompare, ...multipart([{ name: 'sample_1', value: img }, { name: 'sample_2', value: over }]) })
  t.same(json(part), E['002003'])
  const huge = await app.inject({ method: 'POST', url: P.extractAndCompare, ...multipart([{ name: 'sample_1', value: img }, { name: 'sample_2', value: Buffer.alloc(img.length * 3) }]) })
  t.same(json(huge), E['002003'], 'a part over the multipart size limit')
  const tpl = await template(app, img)
  const three = [1, 2, 3].map((i) => ({ name: 'templates_n', value: tpl, filename: `${i}.template` }))
  const tooMany = await app.inject({ method: 'POST', url: P.compareN, ...multipart([{ name: 'template_1', value: tpl }, ...three]) })
  t.same(json(tooMany), E['002004'], 'more templates_n parts than max_n on compare_n: a template failure')
  const tooManySamples = await app.inject({ method: 'POST', url: P.extractAndCompareN, ...multipart([{ name: 'sample_1', value: img }, ...three.map((p) => ({ ...p, name: 'samples_n', value: img }))]) })
  t.same(json(tooManySamples), E['002003'], 'more samples_n parts than max_n: a sample failure')
  t.equal((await app.inject({ method: 'POST', url: P.compareN, ...multipart([{ name: 'template_1', value: tpl }, ...three.slice(0, 2)]) })).statusCode, 200, 'max_n parts are accepted')
  const six = [1, 2, 3, 4, 5, 6].map((i) => ({ name: 'templates_n', value: tpl, filename: `${i}.template` }))
  const overParser = await app.inject({ method: 'POST', url: P.compareN, ...multipart([{ name: 'template_1', value: tpl }, ...six]) })
  t.same(json(overParser), E['002004'], 'more parts than the multipart parser takes (max_n + 2 files)')
})

t.test('a body over the 96 MiB body limit: BPE-002003 on extract, BPE-002001 on a multipart method', async (t) => {
  const app = await build(t)
  const huge = Buffer.alloc(97 * 1024 * 1024)
  const extract = await app.inject({ method: 'POST', url: P.extract, headers: JPEG, payload: huge })
  t.equal(extract.statusCode, 400)
  t.same(json(extract), E['002003'])
  const compare = await app.inject({ method: 'POST', url: P.compare, headers: JPEG, payload: huge })
  t.same(json(compare), E['002001'])
})

t.test('BPE-002005 Invalid Content-Type of the multiparted HTTP request part: a sample or a template declared text/plain (or any text/*), on every biometry method', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const cases: Array<[string, string, Array<{ name: string, value: Buffer, filename?: string, contentType?: string }>]> = [
    ['verify: sample declared text/plain', P.verify, [{ name: 'sample', value: img, contentType: 'text/plain' }, { name: 'bio_template', value: tpl }]],
    ['verify: bio_template declared text/plain', P.verify, [{ name: 'sample', value: img }, { name: 'bio_template', value: tpl, contentType: 'text/plain' }]],
    ['compare: bio_template declared text/plain; charset=utf-8', P.compare, [{ name: 'bio_feature', value: tpl }, { name: 'bio_template', value: tpl, contentType: 'text/plain; charset=utf-8' }]],
    ['extract_and_compare: sample_1 declared TEXT/PLAIN', P.extractAndCompare, [{ name: 'sample_1', value: img, contentType: 'TEXT/PLAIN' }, { name: 'sample_2', value: img }]],
    ['compare_n: a templates_n declared text/plain', P.compareN, [{ name: 'template_1', value: tpl }, { name: 'templates_n', value: tpl, filename: '1.template', contentType: 'text/plain' }]],
    ['verify_n: sample_1 declared text/html', P.verifyN, [{ name: 'sample_1', value: img, contentType: 'text/html' }, { name: 'templates_n', value: tpl, filename: '1.template' }]],
    ['extract_and_compare_n: a samples_n declared text/plain', P.extractAndCompareN, [{ name: 'sample_1', value: img }, { name: 'samples_n', value: img, filename: '1.jpeg', contentType: 'text/plain' }]]
  ]
  for (const [what, url, items] of cases) {
    const res = await app.inject({ method: 'POST', url, ...multipart(items) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), E['002005'], what)
  }
})

t.test('a part without a Content-Type header is still accepted for either role, next to parts that declare theirs', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const res = await app.inject({
    method: 'POST',
    url: P.compareN,
    ...rawMultipart('b0undary', [
      { headers: ['Content-Disposition: form-data; name="template_1"', 'Content-Type: application/octet-stream'], body: tpl },
      { headers: ['Content-Disposition: form-data; name="templates_n"; filename="1.template"'], body: tpl },
      { headers: ['Content-Disposition: form-data; name="templates_n"; filename="2.template"', 'Content_type: text/plain'], body: tpl }
    ])
  })
  t.equal(res.statusCode, 200, 'undeclared, and the Content_type typo (not a Content-Type header), are accepted')
  t.same(json(res).results.map((r: { filename: string }) => r.filename), ['1.template', '2.template'])
})
