/**
 * Riset.ai scenarios (scenarios/riset/*.yaml) and the vendor's surroundings: unknown paths, CORS,
 * --vendor, the OpenAPI document, the journal, and the README's tables.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { build, json } from '../../helper.js'
import { photo } from '../../images.js'
import { b64, body, obtainToken, TOKEN, TOKEN_URL, URL, verify } from './fixtures/riset.js'

const CODES: Array<[string, string, string]> = [
  ['riset/400-request-malformed', '400', 'Request malformed'],
  ['riset/401-accesstoken-not-authorized', '401', 'Accesstoken not authorized'],
  ['riset/403-requested-resource-denied', '403', 'Requested resource denied'],
  ['riset/411-face-not-verified', '411', 'Face not verified or unregistered'],
  ['riset/412-face-not-detected', '412', 'Face not detected'],
  ['riset/413-face-too-small', '413', 'Face too small'],
  ['riset/415-user-id-not-found', '415', 'user_id not found'],
  ['riset/416-facegallery-id-not-found', '416', 'facegallery_id not found'],
  ['riset/451-image-is-null', '451', 'image is null'],
  ['riset/490-cannot-decode-image-base64', '490', 'Cannot decode image base64'],
  ['riset/491-image-type-not-recognized', '491', 'image type not recognized'],
  ['riset/493-image-error', '493', 'image error'],
  ['riset/500-server-error', '500', 'Server error']
]

for (const [name, code, message] of CODES) {
  t.test(`${code} ${message} is reachable with ${name}, with HTTP status ${code}`, async (t) => {
    const app = await build(t)
    const res = await verify(app, await body(['left', 'front']), { ...TOKEN, 'x-sandbox-scenario': name })
    t.equal(res.statusCode, Number(code))
    t.same(json(res), { status: code, status_message: message })
  })
}

t.test('the error scenarios leave the token endpoints working', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'riset/500-server-error' } })
  const token = await obtainToken(app)
  t.equal((await verify(app, await body(['front']), { accesstoken: token })).statusCode, 500)
})

t.test('riset/401-token-client-refused: POST /oauth/client/token answers 401', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: TOKEN_URL, headers: { 'x-sandbox-scenario': 'riset/401-token-client-refused' }, payload: { client_id: 'a', password: 'b' } })
  t.equal(res.statusCode, 401)
  t.same(json(res), { status: '401', status_message: 'Accesstoken not authorized' })
})

t.test('riset/401-accesstoken-expired-once: the first call gets 401, the next ones the default', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'riset/401-accesstoken-expired-once' } })
  const req = await body(['front'])
  t.equal((await verify(app, req)).statusCode, 401)
  t.equal((await verify(app, req)).statusCode, 200)
  t.equal((await verify(app, req)).statusCode, 200)
})

t.test('real checks come before the scenario: no Accesstoken, or a truncated JPEG, with riset/412-face-not-detected', async (t) => {
  const app = await build(t)
  const scenario = { 'x-sandbox-scenario': 'riset/412-face-not-detected' }
  t.equal((await verify(app, await body(['front']), scenario)).statusCode, 401)
  const truncated = (await photo()).subarray(0, 2000).toString('base64')
  t.equal(json(await verify(app, await body(['front'], { images: [truncated] }), { ...TOKEN, ...scenario })).status, '493')
  t.equal(json(await verify(app, await body(['front'], { trx_id: undefined }), { ...TOKEN, ...scenario })).status, '400')
})

t.test('riset/spoof-image-2: image2 is "spoof" with a score over the threshold, the others "real"; liveness "failed"', async (t) => {
  const app = await build(t)
  const res = json(await verify(app, await body(['left', 'right', 'front']), { ...TOKEN, 'x-sandbox-scenario': 'riset/spoof-image-2' }))
  t.equal(res.liveness, 'failed')
  t.equal(res.results.image2.spoof, 'spoof')
  t.ok(res.results.image2.spoof_score >= 0.5)
  t.equal(res.results.image2.match, true, 'a spoof can still show the right pose')
  for (const k of ['image1', 'image3']) {
    t.equal(res.results[k].spoof, 'real')
    t.ok(res.results[k].spoof_score < 0.5)
  }
})

t.test('riset/spoof-image-1 and riset/spoof-all', async (t) => {
  const app = await build(t)
  const one = json(await verify(app, await body(['left', 'right']), { ...TOKEN, 'x-sandbox-scenario': 'riset/spoof-image-1' }))
  t.same([one.results.image1.spoof, one.results.image2.spoof], ['spoof', 'real'])
  const all = json(await verify(app, await body(['left', 'right']), { ...TOKEN, 'x-sandbox-scenario': 'riset/spoof-all' }))
  t.same([all.results.image1.spoof, all.results.image2.spoof], ['spoof', 'spoof'])
  t.equal(all.liveness, 'failed')
})

const WRONG: Array<[string, (r: any) => boolean, string]> = [
  ['left', (r) => r.yaw <= -15, 'faces right'],
  ['face right', (r) => r.yaw >= 15, 'faces left'],
  ['up', (r) => r.pitch <= -15, 'looks down'],
  ['down', (r) => r.pitch >= 15, 'looks up'],
  ['front', (r) => Math.abs(r.yaw) >= 15, 'is turned'],
  ['eyes open', (r) => r.left_eye === 'closed' && r.right_eye === 'closed', 'has the eyes closed'],
  ['eyes closed', (r) => r.left_eye === 'open' && r.right_eye === 'open', 'has the eyes open'],
  ['mouth open', (r) => r.mouth === 'closed', 'has the mouth closed'],
  ['mouth closed', (r) => r.mouth === 'open', 'has the mouth open']
]
t.test('riset/wrong-pose-image-1: image1 shows another pose than requested, match false, the attributes agree', async (t) => {
  const app = await build(t)
  for (const [param, ok, what] of WRONG) {
    const res = json(await verify(app, await body([param, 'front']), { ...TOKEN, 'x-sandbox-scenario': 'riset/wrong-pose-image-1' }))
    const r = res.results.image1
    t.equal(r.match, false, param)
    t.ok(ok(r), `"${param}" requested, the image ${what} (yaw ${r.yaw}, pitch ${r.pitch}, eyes ${r.left_eye}, mouth ${r.mouth})`)
    t.equal(res.results.image2.match, true)
    t.equal(res.liveness, 'failed')
  }
})

t.test('riset/wrong-pose-image-2 and riset/wrong-pose-all', async (t) => {
  const app = await build(t)
  const two = json(await verify(app, await body(['left', 'right', 'up']), { ...TOKEN, 'x-sandbox-scenario': 'riset/wrong-pose-image-2' }))
  t.same(Object.values<any>(two.results).map((r) => r.match), [true, false, true])
  t.ok(two.results.image2.yaw >= 15, '"right" requested, the face turned left')
  const all = json(await verify(app, await body(['left', 'right', 'up']), { ...TOKEN, 'x-sandbox-scenario': 'riset/wrong-pose-all' }))
  t.same(Object.values<any>(all.results).map((r) => r.match), [false, false, false])
})

t.test('riset/masked-face and riset/face-not-verified change the fields, not the verdict', async (t) => {
  const app = await build(t)
  const masked = json(await verify(app, await body(['left']), { ...TOKEN, 'x-sandbox-scenario': 'riset/masked-face' }))
  t.equal(masked.results.image1.masker, true)
  t.equal(masked.liveness, 'passed')
  const unverified = json(await verify(app, await body(['left']), { ...TOKEN, 'x-sandbox-scenario': 'riset/face-not-verified' }))
  t.same([unverified.results.image1.verified, unverified.results.image1.similarity], [false, 0.42])
  t.equal(unverified.liveness, 'passed')
})

t.test('riset/vendor-example: the document\'s values; the match is computed from them', async (t) => {
  const app = await build(t)
  const res = json(await verify(app, await body(['left', 'right']), { ...TOKEN, 'x-sandbox-scenario': 'riset/vendor-example' }))
  t.same(res.results.image1, {
    match: false, verified: true, similarity: 0.96, masker: true, spoof: 'spoof', spoof_score: 0.768, roll: -0.4, pitch: 19.32, yaw: 6.13, left_eye: 'open', left_eye_score: 0.9999, right_eye: 'open', right_eye_score: 1, mouth: 'closed', mouth_score: 0.9762
  }, 'a yaw of 6.13 is not turned left under the 15 degree threshold')
  t.equal(res.results.image2.yaw, -1.01)
  t.equal(res.liveness, 'failed')
  const lenient = await build(t, { settings: { riset: { pose_threshold_deg: 5 } } })
  const r2 = json(await verify(lenient, await body(['left', 'right'], { spoof_detection: false }), { ...TOKEN, 'x-sandbox-scenario': 'riset/vendor-example' }))
  t.equal(r2.results.image1.match, true, 'with a 5 degree threshold, 6.13 counts as left')
})

t.test('riset/spoof-then-real: a spoof on the first call, real afterwards', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'riset/spoof-then-real' } })
  const req = await body(['front'])
  t.equal(json(await verify(app, req)).liveness, 'failed')
  t.equal(json(await verify(app, req)).liveness, 'passed')
  t.equal(json(await verify(app, req)).liveness, 'passed')
})

t.test('outcome vocabulary: "*" and a number combine, explicit fields win, liveness can be forced', async (t) => {
  const dir = t.testdir({
    'riset.yaml': `name: riset/test-mix
vendor: riset
description: mixed overrides
rules:
  - operation: riset.verifyFaceLiveness
    outcome:
      images:
        "*": { masker: true, similarity: 0.5 }
        "2": { yaw: -40, spoof_score: 0.8 }
        "9": { match: false }
---
name: riset/test-forced
vendor: riset
description: forced verdict
rules:
  - operation: riset.verifyFaceLiveness
    outcome: { liveness: failed }
---
name: riset/test-slow
vendor: riset
description: short latency
rules:
  - operation: riset.verifyFaceLiveness
    fault: { latency_ms: 300 }
`
  })
  const app = await build(t, { scenarios: dir })
  const mix = json(await verify(app, await body(['left', 'left']), { ...TOKEN, 'x-sandbox-scenario': 'riset/test-mix' }))
  t.same([mix.results.image1.masker, mix.results.image2.masker], [true, true])
  t.same([mix.results.image1.similarity, mix.results.image1.verified], [0.5, false], 'verified follows a given similarity')
  t.same([mix.results.image2.yaw, mix.results.image2.match], [-40, false], 'a yaw of -40 is not left')
  t.same([mix.results.image2.spoof_score, mix.results.image2.spoof], [0.8, 'spoof'], 'spoof follows a given score')
  t.equal(mix.results.image1.match, true, 'an override for an image the request does not have is ignored')
  const forced = json(await verify(app, await body(['left']), { ...TOKEN, 'x-sandbox-scenario': 'riset/test-forced' }))
  t.equal(forced.liveness, 'failed')
  t.equal(forced.results.image1.match, true)
  const started = Date.now()
  const slow = await verify(app, await body(['left']), { ...TOKEN, 'x-sandbox-scenario': 'riset/test-slow' })
  t.ok(Date.now() - started >= 300, 'the latency fault delays the answer')
  t.equal(slow.statusCode, 200)
})

t.test('an outcome outside the vocabulary is refused when the scenarios load', async (t) => {
  for (const outcome of ['{ images: { "0": { spoof: spoof } } }', '{ images: { "1": { spoof: true } } }', '{ error: "404" }', '{ error: "412", liveness: passed }', '{ verdict: live }']) {
    const dir = t.testdir({ 'bad.yaml': `name: riset/bad\nvendor: riset\ndescription: bad\nrules:\n  - operation: riset.verifyFaceLiveness\n    outcome: ${outcome}\n` })
    await t.rejects(build(t, { scenarios: dir }), outcome)
  }
})

t.test('unknown paths answer 404 and wrong methods 405, in the vendor\'s shape with a note', async (t) => {
  const app = await build(t)
  const unknown = await app.inject({ method: 'POST', url: '/riset/liveness-api/batch-verify-face-liveness', headers: TOKEN, payload: {} })
  t.equal(unknown.statusCode, 404)
  t.same(json(unknown), { status: '404', status_message: 'Not Found' })
  t.match(unknown.headers['x-sandbox-note'], /verify-face-liveness/)
  const get = await app.inject({ method: 'GET', url: URL, headers: TOKEN })
  t.equal(get.statusCode, 405)
  t.same(json(get), { status: '405', status_message: 'Method Not Allowed' })
})

t.test('an unknown scenario name is the sandbox\'s own 400', async (t) => {
  const app = await build(t)
  const res = await verify(app, await body(['front']), { ...TOKEN, 'x-sandbox-scenario': 'riset/no-such-thing' })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-sandbox-error'], 'unknown-scenario')
})

t.test('CORS: the preflight allows Accesstoken and the X-Sandbox-* headers', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'OPTIONS', url: URL, headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } })
  t.equal(res.statusCode, 204)
  t.match(res.headers['access-control-allow-headers'], /accesstoken/)
  t.match(res.headers['access-control-allow-headers'], /x-sandbox-scenario/)
  t.equal(res.headers['access-control-allow-origin'], '*')
})

t.test('with --vendor riset the API answers at the root', async (t) => {
  const app = await build(t, { argv: ['--vendor', 'riset'] })
  const token = json(await app.inject({ method: 'POST', url: '/oauth/client/token', payload: { client_id: 'a', password: 'b' } })).access_token
  const res = await app.inject({ method: 'POST', url: '/liveness-api/verify-face-liveness', headers: { accesstoken: token }, payload: await body(['front']) })
  t.equal(res.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/liveness-api/verify-face-liveness' })).statusCode, 405)
  t.equal((await app.inject({ method: 'POST', url: URL, headers: TOKEN, payload: {} })).statusCode, 404, 'no prefix any more')
})

t.test('the journal records the call under riset.verifyFaceLiveness, images as bytes and sha256', async (t) => {
  const app = await build(t)
  await verify(app, await body(['front']))
  const entries = json(await app.inject({ method: 'GET', url: '/__admin/requests?vendor=riset' })).requests
  t.equal(entries[0].operation, 'riset.verifyFaceLiveness')
  t.equal(entries[0].status, 200)
  t.match(entries[0].request.body.images[0], { bytes: Number, sha256: String })
})

t.test('the OpenAPI document has the three operations and the Accesstoken header', async (t) => {
  const app = await build(t)
  const doc = json(await app.inject({ method: 'GET', url: '/openapi/riset.json' }))
  t.same(Object.keys(doc.paths).sort(), ['/liveness-api/verify-face-liveness', '/oauth/client/token', '/oauth/token/revoke'])
  const live = doc.paths['/liveness-api/verify-face-liveness'].post
  t.equal(live.operationId, 'riset.verifyFaceLiveness')
  t.ok(live.parameters.some((p: any) => p.in === 'header' && p.name === 'accesstoken' && p.required === true))
  for (const code of ['200', '400', '401', '451', '490', '491', '493']) t.ok(code in live.responses, `documents ${code}`)
})

t.test('every answer in the OpenAPI document is described in the vendor\'s words, errors by their code and status_message', async (t) => {
  const app = await build(t)
  const doc = json(await app.inject({ method: 'GET', url: '/openapi/riset.json' }))
  const messages = Object.fromEntries(CODES.map(([, code, message]) => [code, message]))
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [code, response] of Object.entries<any>(item.post.responses)) {
      t.not(response.description, 'Default Response', `${path} ${code}`)
      // The 400 also covers the sandbox's own error (control headers), which core adds to every operation.
      if (code in messages) t.match(response.description, new RegExp(`^${code} ${messages[code] as string}($| Or the sandbox's own error)`), `${path} ${code}`)
    }
  }
  const ok = (path: string): string => doc.paths[path].post.responses['200'].description
  t.match(ok('/liveness-api/verify-face-liveness'), /^200 Success: "liveness" describes if the requested images are considered alive/)
  t.match(ok('/oauth/client/token'), /new Accesstoken/)
  t.match(ok('/oauth/token/revoke'), /^Success Revoke Token/)
  t.equal(doc.paths['/oauth/token/revoke'].post.responses['452'].description, '452 user_id is null', 'codes only scenarios give too')
})

t.test('the README lists every status code and every shipped scenario', async (t) => {
  const readme = readFileSync(new globalThis.URL('../../../src/vendors/riset/README.md', import.meta.url), 'utf8')
  const app = await build(t)
  const names = (json(await app.inject({ method: 'GET', url: '/__admin/scenarios' })) as Array<{ name: string, vendor: string }>)
    .filter((s) => s.vendor === 'riset').map((s) => s.name)
  t.match(readme, /`200` `Success`/, 'code 200 (the default, not an error) is named')
  for (const code of ['400', '401', '403', '411', '412', '413', '415', '416', '451', '452', '453', '454', '455', '456', '490', '491', '492', '493', '494', '495', '500']) {
    t.match(readme, new RegExp(`\\| \`${code}\` \\|`), `code ${code} has a row`)
  }
  for (const name of names) t.ok(readme.includes(name), `${name} is in the README`)
  for (const [name] of CODES) t.ok(names.includes(name), `${name} is shipped`)
  for (const name of readme.match(/riset\/[A-Za-z0-9._-]+/g) ?? []) t.ok(names.includes(name), `${name} (README) is a shipped scenario`)
})

t.test('the same image twice keeps one answer per parameter', async (t) => {
  const app = await build(t)
  const img = await b64(3)
  const res = json(await verify(app, { trx_id: 'x', face_parameters: ['left', 'right'], images: [img, img] }))
  t.ok(res.results.image1.yaw > 0 && res.results.image2.yaw < 0)
})
