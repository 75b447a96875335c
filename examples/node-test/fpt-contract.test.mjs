// A contract test of an FPT.AI eKYC client against the sandbox, with node:test (run: node --test).
// The sandbox runs in this process (startSandbox); every test works in a namespace of its own, so
// the tests of this file, and of every other file running in parallel, never see each other's state.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { redacted, startSandbox, testPhoto } from 'ekyc-sandbox'

/**
 * The code under test: a thin FPT.AI eKYC client as an app has it. It takes the base URL (the real
 * https://api.fpt.ai/vision/ekyc-be in production, the sandbox here) and headers to add to every
 * call, which is how a test hands it the sandbox's namespace (and, if it wants, a scenario).
 */
function fptClient (baseUrl, apiKey, extraHeaders = {}) {
  const call = async (path, headers, parts = {}) => {
    const form = new FormData()
    for (const [name, files] of Object.entries(parts)) {
      for (const file of files) form.append(name, new Blob([file], { type: 'image/jpeg' }), `${name}.jpg`)
    }
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'api-key': apiKey, 'device-type': 'android', ...extraHeaders, ...headers }, body: form })
    return { status: res.status, body: await res.json() }
  }
  return {
    init: () => call('/session/init', { client_uuid: 'example-device' }),
    ocr: (sessionId, side, picture) => call('/ocr', { 'session-id': sessionId, 'document-type': 'idr', 'side-type': side }, { files: [picture] }),
    liveness: (sessionId, selfie) => call('/face/liveness', { 'session-id': sessionId }, { selfies: [selfie] })
  }
}

let sandbox
before(async () => { sandbox = await startSandbox() })
after(async () => { await sandbox.close() })

test('eKYC: OCR front and back, then a liveness check that fails twice and passes', async () => {
  const kit = sandbox.client() // a fresh namespace
  await kit.useScenario('fpt/liveness-fails-twice-then-passes')
  const fpt = fptClient(sandbox.vendorUrl('fpt'), 'test-key', kit.headers())

  const init = await fpt.init()
  assert.equal(init.status, 200)
  const sessionId = init.body['session-id']
  assert.equal(init.body.sdk_config.limit, 5)

  const front = await fpt.ocr(sessionId, 'front', await testPhoto({ seed: 1 }))
  assert.equal(front.body.errorCode, '0')
  const back = await fpt.ocr(sessionId, 'back', await testPhoto({ seed: 2 }))
  assert.equal(back.body.errorCode, '0')
  assert.ok(back.body.data.length > 0, 'the back answer lists the fields read')

  const selfie = await testPhoto({ seed: 3 })
  for (const attempt of [1, 2]) {
    const failed = await fpt.liveness(sessionId, selfie)
    assert.equal(failed.body.code, '301', `attempt ${attempt}: spoof`)
    assert.equal(failed.body.is_complete_session, false)
  }
  const passed = await fpt.liveness(sessionId, selfie)
  assert.equal(passed.body.code, '200')
  assert.equal(passed.body.liveness.is_live, 'true')
  assert.equal(passed.body.is_complete_session, true)

  // What the sandbox received, newest first.
  const calls = await kit.requests({ operation: 'fpt.liveness' })
  assert.deepEqual(calls.map((c) => c.response.body.code), ['200', '301', '301'])
  assert.ok(calls.every((c) => c.scenario === 'fpt/liveness-fails-twice-then-passes'))
  const backCall = await kit.waitForRequest({ operation: 'fpt.ocr' })
  assert.equal(backCall.request.headers['side-type'], 'back')
})

test('the session expires 30 minutes after init, on the virtual clock', async () => {
  const kit = sandbox.client()
  const fpt = fptClient(sandbox.vendorUrl('fpt'), 'test-key', kit.headers())
  const sessionId = (await fpt.init()).body['session-id']

  await kit.advanceClock(30 * 60)
  const expired = await fpt.ocr(sessionId, 'front', await testPhoto())
  assert.equal(expired.status, 403)
  assert.equal(expired.body.errorMessage, 'Session expired')

  const entry = await kit.waitForRequest({ operation: 'fpt.ocr', status: 403 }, { timeoutMs: 2000 })
  // The journal keeps session ids and keys as a prefix and a hash: compare with redacted(...).
  assert.equal(entry.request.headers['session-id'], redacted(sessionId))
  assert.equal((await kit.clock()).offset_ms, 30 * 60 * 1000)
})
