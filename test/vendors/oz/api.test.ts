/**
 * Oz API Lite as a whole: /version, the health methods, wrong methods and unknown paths, every
 * documented error code through its shipped scenario, the outcome scenarios, faults, the root mount
 * (--vendor oz), CORS and the journal (oz-api-lite.md; vendor-notes.md, Oz rulings).
 */
import t from 'tap'
import { build, json, multipart } from '../../helper.js'
import { photo } from '../../images.js'
import { P, template } from './fixtures/oz.js'

t.test('GET /version answers the component versions: core, tfss and models', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: P.version })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = json(res)
  t.same(Object.keys(body), ['core', 'tfss', 'models'])
  t.type(body.core, 'string')
  t.ok(body.models.length > 0 && body.models.every((m: { name: string, version: string }) => typeof m.name === 'string' && typeof m.version === 'string'))
  const custom = await build(t, { settings: { oz: { version: { core: '1.1.1', tfss: '2.4.0', models: [{ name: 'liveness', version: '7' }] } } } })
  t.same(json(await custom.inject({ method: 'GET', url: P.version })), { core: '1.1.1', tfss: '2.4.0', models: [{ name: 'liveness', version: '7' }] })
})

t.test('health: both processors answer status 0 with an empty message', async (t) => {
  const app = await build(t)
  for (const url of [P.health, P.livenessHealth]) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200)
    t.same(json(res), { status: 0, message: '' }, url)
  }
})

t.test('oz/health-inoperative: both health methods answer status 3', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'oz/health-inoperative' } })
  for (const url of [P.health, P.livenessHealth]) t.same(json(await app.inject({ method: 'GET', url })), { status: 3, message: 'the processor is inoperative' })
  t.equal((await app.inject({ method: 'POST', url: P.extract, headers: { 'content-type': 'image/jpeg' }, payload: await photo() })).statusCode, 200, 'the other methods still work')
})

t.test('a wrong HTTP method is 400 BPE-002002 / LDE-002002, never 405', async (t) => {
  const app = await build(t)
  const cases: Array<[string, string, string]> = [
    ['GET', P.extract, 'BPE-002002'],
    ['PUT', P.compare, 'BPE-002002'],
    ['DELETE', P.verifyN, 'BPE-002002'],
    ['POST', P.health, 'BPE-002002'],
    ['POST', P.version, 'BPE-002002'],
    ['GET', P.detect, 'LDE-002002'],
    ['PATCH', P.livenessHealth, 'LDE-002002'],
    ['HEAD', P.extract, 'BPE-002002']
  ]
  for (const [method, url, code] of cases) {
    const res = await app.inject({ method: method as 'GET', url })
    t.equal(res.statusCode, 400, `${method} ${url}`)
    if (method !== 'HEAD') t.same(json(res), { code, message: 'Invalid HTTP request method' }, `${method} ${url}`)
  }
})

t.test('an unknown path answers 404 in the Oz error shape, with a note', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/oz/v1/face/pattern/extract/' })
  t.equal(res.statusCode, 404)
  t.same(json(res), { code: 'BPE-002002', message: 'Invalid HTTP request method' })
  t.match(res.headers['x-sandbox-note'], /no such path/)
  t.equal(json(await app.inject({ method: 'GET', url: '/oz/v1/face/liveness/other' })).code, 'LDE-002002')
})

const CODES: Array<[string, number, string]> = [
  ['BPE-002001', 400, 'Invalid Content-Type of HTTP request'],
  ['BPE-002002', 400, 'Invalid HTTP request method'],
  ['BPE-002003', 400, 'Failed to read the biometric sample'],
  ['BPE-002004', 400, 'Failed to read the biometric template'],
  ['BPE-002005', 400, 'Invalid Content-Type of the multiparted HTTP request part'],
  ['BPE-003001', 400, 'Failed to retrieve the biometric template'],
  ['BPE-003002', 400, 'The biometric sample is missing face'],
  ['BPE-003003', 400, 'More than one person is present on the biometric sample'],
  ['BPE-001001', 500, 'Internal bioprocessor error'],
  ['BPE-001002', 400, 'TFSS error. Call the biometry health method.'],
  ['LDE-002001', 400, 'Invalid Content-Type of HTTP request'],
  ['LDE-002002', 400, 'Invalid HTTP request method'],
  ['LDE-002004', 400, 'Failed to extract the biometric sample'],
  ['LDE-002005', 400, 'Invalid Content-Type of the multiparted HTTP request part'],
  ['LDE-001001', 500, 'Liveness detection processor internal error'],
  ['LDE-001002', 400, 'TFSS error. Call the Liveness health method.']
]

t.test('every documented error code is reachable with its shipped scenario, named after the code', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const names = (json(await app.inject({ method: 'GET', url: '/__admin/scenarios' })) as Array<{ name: string }>).map((s) => s.name)
  for (const [code, status, message] of CODES) {
    const name = names.find((n) => n.startsWith(`oz/${code}-`))
    t.ok(name, `a scenario named oz/${code}-... exists`)
    const H = { 'x-sandbox-scenario': name as string }
    // Each scenario covers the methods where its failure can happen; one of them is asked here.
    const res = code.startsWith('LDE')
      ? await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg', ...H }, payload: img })
      : code === 'BPE-002004' || code === 'BPE-002005'
        ? await app.inject({ method: 'POST', url: P.compare, ...multipart([{ name: 'bio_feature', value: tpl }, { name: 'bio_template', value: tpl }], H) })
        : await app.inject({ method: 'POST', url: P.extract, headers: { 'content-type': 'image/jpeg', ...H }, payload: img })
    t.equal(res.statusCode, status, code)
    t.same(json(res), { code, message }, code)
  }
})

t.test('the TFSS error scenarios also make the health method answer status 3', async (t) => {
  const app = await build(t)
  t.equal(json(await app.inject({ method: 'GET', url: P.health, headers: { 'x-sandbox-scenario': 'oz/BPE-001002-tfss-error' } })).status, 3)
  t.equal(json(await app.inject({ method: 'GET', url: P.livenessHealth, headers: { 'x-sandbox-scenario': 'oz/LDE-001002-tfss-error' } })).status, 3)
})

t.test('real checks come before the scenario: a truncated JPEG with oz/BPE-003002-no-face still gets BPE-002003', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: P.extract, headers: { 'content-type': 'image/jpeg', 'x-sandbox-scenario': 'oz/BPE-003002-no-face' }, payload: (await photo()).subarray(0, 2000) })
  t.equal(json(res).code, 'BPE-002003')
})

t.test('oz/faces-do-not-match, oz/match-borderline, oz/operator-required: chosen compare scores and decisions', async (t) => {
  const app = await build(t)
  const tpl = await template(app, await photo())
  const ask = async (scenario: string, url: string = P.compare): Promise<any> =>
    json(await app.inject({ method: 'POST', url, ...multipart([{ name: url === P.compare ? 'bio_feature' : 'template_1', value: tpl }, { name: url === P.compare ? 'bio_template' : 'templates_n', value: tpl, filename: '1.template' }], { 'x-sandbox-scenario': scenario }) }))
  t.same(await ask('oz/faces-do-not-match'), { score: 0.21, decision: 'declined' }, 'even the same template')
  t.same((await ask('oz/faces-do-not-match', P.compareN)).results, [{ filename: '1.template', score: 0.21, decision: 'declined' }])
  t.same(await ask('oz/match-borderline'), { score: 0.85, decision: 'approved' }, 'the threshold itself is approved')
  const op = await ask('oz/operator-required')
  t.equal(op.decision, 'operator_required')
  t.ok(op.score >= 0.75 && op.score < 0.85, `score ${op.score} just below the threshold`)
})

t.test('oz/compare-by-content scores different photos by perceptual distance', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: P.extractAndCompare, ...multipart([{ name: 'sample_1', value: await photo({ seed: 1 }) }, { name: 'sample_2', value: await photo({ seed: 2 }) }], { 'x-sandbox-scenario': 'oz/compare-by-content' }) })
  t.equal(json(res).decision, 'declined')
})

t.test('oz/1n-document-example answers the document\'s scores in input order, then the default', async (t) => {
  const app = await build(t)
  const img = await photo()
  const tpl = await template(app, img)
  const res = await app.inject({
    method: 'POST',
    url: P.verifyN,
    ...multipart([{ name: 'sample_1', value: img }, ...[1, 2, 3, 4].map((i) => ({ name: 'templates_n', value: tpl, filename: `${i}.template` }))], { 'x-sandbox-scenario': 'oz/1n-document-example' })
  })
  t.same(json(res).results, [
    { filename: '1.template', score: 0, decision: 'declined' },
    { filename: '2.template', score: 1, decision: 'approved' },
    { filename: '3.template', score: 0.21, decision: 'declined' },
    { filename: '4.template', score: 1, decision: 'approved' }
  ])
})

t.test('oz/spoof: detect answers passed false with the document\'s score; a folder is DECLINED', async (t) => {
  const app = await build(t)
  const img = await photo()
  const H = { 'x-sandbox-scenario': 'oz/spoof' }
  t.same(json(await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg', ...H }, payload: img })), { passed: false, score: 0.999484062 })
  const f = json(await app.inject({ method: 'POST', url: P.detect, ...multipart([{ name: 'm', value: img }], H) }))
  t.equal(f.system_resolution, 'DECLINED')
  t.equal(f.analyses[0].results_media[0].results_data.confidence_spoofing, 0.999484062)
})

t.test('oz/spoof-then-live: an attack, then LDE-001001, then live', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'oz/spoof-then-live' } })
  const img = await photo()
  const send = async (): Promise<any> => await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg' }, payload: img })
  const a = json(await send())
  t.equal(a.passed, false)
  t.ok(a.score > 0.5)
  const b = await send()
  t.equal(b.statusCode, 500)
  t.equal(json(b).code, 'LDE-001001')
  t.equal(json(await send()).passed, true)
  t.equal(json(await send()).passed, true)
})

t.test('a latency fault delays the answer and keeps the default outcome', async (t) => {
  const dir = t.testdir({
    'slow.yaml': 'name: oz/slow-test\nvendor: oz\ndescription: short latency\nrules:\n  - operation: oz.extract\n    fault: { latency_ms: 150 }\n'
  })
  const app = await build(t, { scenarios: dir })
  const started = Date.now()
  const res = await app.inject({ method: 'POST', url: P.extract, headers: { 'content-type': 'image/jpeg', 'x-sandbox-scenario': 'oz/slow-test' }, payload: await photo() })
  t.ok(Date.now() - started >= 150, 'answered after at least 150 ms')
  t.equal(res.statusCode, 200)
  t.equal(res.rawPayload.length, 304)
})

t.test('the shipped oz/slow scenario adds 1.5 to 3 s of latency to every method', async (t) => {
  const app = await build(t)
  const slow = app.core.scenarios.get('oz/slow')
  t.ok(slow, 'oz/slow is loaded')
  const operations = ['oz.version', 'oz.health', 'oz.extract', 'oz.compare', 'oz.verify', 'oz.extract_and_compare', 'oz.compare_n', 'oz.verify_n', 'oz.extract_and_compare_n', 'oz.liveness_health', 'oz.detect']
  t.same(slow?.rules.map((r) => r.operation).sort(), [...operations].sort())
  t.ok(slow?.rules.every((r) => JSON.stringify(r.fault?.latency_ms) === JSON.stringify({ min: 1500, max: 3000 })), '(the delay itself is shown above with a short copy)')
})

t.test('oz/gateway-502 answers a proxy\'s HTML page', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: P.livenessHealth, headers: { 'x-sandbox-scenario': 'oz/gateway-502' } })
  t.equal(res.statusCode, 502)
  t.match(res.payload, /502 Bad Gateway/)
})

t.test('a scenario of another vendor, or an unknown one, is the sandbox\'s own 400', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: P.version, headers: { 'x-sandbox-scenario': 'gtriip/spoof' } })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-sandbox-error'], 'scenario-vendor-mismatch')
})

t.test('a scenario file with an outcome outside the Oz vocabulary is refused at load', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'name: oz/bad\nvendor: oz\ndescription: bad\nrules:\n  - operation: oz.compare\n    outcome: { error: "BPE-999999" }\n' })
  await t.rejects(build(t, { scenarios: dir }), /bad\.yaml/)
})

t.test('with --vendor oz the API answers at the root', async (t) => {
  const app = await build(t, { argv: ['--vendor', 'oz'] })
  t.equal((await app.inject({ method: 'GET', url: '/version' })).statusCode, 200)
  const res = await app.inject({ method: 'POST', url: '/v1/face/pattern/extract', headers: { 'content-type': 'image/jpeg' }, payload: await photo() })
  t.equal(res.statusCode, 200)
  t.equal(json(await app.inject({ method: 'GET', url: '/v1/face/liveness/detect' })).code, 'LDE-002002', 'wrong methods are still recognised at the root')
  t.equal((await app.inject({ method: 'GET', url: P.version })).statusCode, 404, 'no prefix any more')
})

t.test('CORS: the preflight allows Content-Transfer-Encoding and the X-Sandbox-* headers', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'OPTIONS', url: P.extract, headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } })
  t.equal(res.statusCode, 204)
  t.match(res.headers['access-control-allow-headers'], /content-transfer-encoding/)
  t.match(res.headers['access-control-allow-headers'], /x-sandbox-scenario/)
})

t.test('the journal records every call under its operation, samples as bytes and sha256', async (t) => {
  const app = await build(t)
  const img = await photo()
  await app.inject({ method: 'POST', url: P.extract, headers: { 'content-type': 'image/jpeg' }, payload: img })
  await app.inject({ method: 'POST', url: P.extractAndCompare, ...multipart([{ name: 'sample_1', value: img }, { name: 'sample_2', value: img }]) })
  const { requests } = json(await app.inject({ method: 'GET', url: '/__admin/requests?vendor=oz' }))
  t.same(requests.map((r: { operation: string }) => r.operation), ['oz.extract_and_compare', 'oz.extract'])
  t.same(requests[1].request.body, { bytes: img.length, sha256: requests[1].request.body.sha256 })
  t.equal(requests[0].request.body.files[0].content.bytes, img.length)
})

t.test('the OpenAPI document: detect takes a payload part and media under any other part name', async (t) => {
  const app = await build(t)
  const doc = app.openapiDocument('oz') as any
  const ref: string = doc.paths['/v1/face/liveness/detect'].post.requestBody.content['multipart/form-data'].schema.$ref
  const request = doc.components.schemas[ref.replace('#/components/schemas/', '')]
  const form = request.anyOf.find((s: { type?: string }) => s.type === 'object')
  t.same(Object.keys(form.properties), ['payload'], 'payload is the one named part')
  t.notOk(form.required?.includes('payload'), 'and it is optional')
  t.match(form.additionalProperties, { type: 'string', format: 'binary' }, 'any other name is a media file')
})

t.test('the OpenAPI document: every Oz response has a description in the vendor\'s words, never "Default Response"', async (t) => {
  const app = await build(t)
  const doc = app.openapiDocument('oz') as any
  const responses = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { description: string }> }>>)
    .flatMap(([path, item]) => Object.entries(item).flatMap(([method, op]) => Object.entries(op.responses).map(([status, r]) => ({ at: `${method} ${path} ${status}`, description: r.description }))))
  t.ok(responses.length >= 20, `${responses.length} responses`)
  for (const r of responses) t.not(r.description, 'Default Response', r.at)
  const compare = doc.paths['/v1/face/pattern/compare'].post.responses
  t.match(compare['200'].description, /The result of comparing two templates/)
  t.match(compare['400'].description, /BPE-002004 \(Failed to read the biometric template\)/, 'the error answer lists the codes compare can give, with the document\'s messages')
  t.notMatch(compare['400'].description, /BPE-002003/, 'compare reads no sample')
  t.match(compare['500'].description, /BPE-001001 \(Internal bioprocessor error\)/)
  t.match(doc.paths['/v1/face/liveness/detect'].post.responses['400'].description, /LDE-002005 \(Invalid Content-Type of the multiparted HTTP request part\)/)
})
