/**
 * The Gtriip liveness service without the app: plain inputs, a hand-made call (test/services.ts).
 * The wire format (multipart, forms, JSON, statuses) is covered by liveness.test.ts.
 */
import t from 'tap'
import { gtriip } from '../../../src/vendors/gtriip/index.js'
import { authenticate, liveness } from '../../../src/vendors/gtriip/service.js'
import { photo } from '../../images.js'
import { refusal, testCall } from '../../services.js'

const OP = 'gtriip.liveness'

t.test('a live selfie scores at or above the 0.90 threshold, the same score for the same image', async (t) => {
  const bytes = await photo({ seed: 5 })
  const a = await liveness(testCall(gtriip, { operation: OP }), { selfie: { bytes }, fields: {} })
  const b = await liveness(testCall(gtriip, { operation: OP }), { selfie: { base64: bytes.toString('base64') }, fields: {} })
  t.equal(a.result.liveness, true)
  t.ok(a.result.score >= 0.9, `score ${a.result.score}`)
  t.same(a, b, 'a file and its base64 are the same selfie')
})

t.test('the scenario decides after the real checks, with the request fields to match', async (t) => {
  const call = testCall(gtriip, { operation: OP, outcome: { liveness: false } })
  const r = await liveness(call, { selfie: { bytes: await photo() }, fields: { image_bytes: 'x' } })
  t.equal(r.result.liveness, false)
  t.ok(r.result.score < 0.9)
  t.same(call.decisions, [{ body: { image_bytes: 'x' } }])
})

t.test('a score chosen below the threshold makes the verdict false; a verdict chosen keeps its score side', async (t) => {
  const scored = await liveness(testCall(gtriip, { operation: OP, outcome: { score: 0.42 } }), { selfie: { bytes: await photo() }, fields: {} })
  t.same(scored.result, { liveness: false, score: 0.42 })
})

t.test('051 No face, chosen by a scenario, is the vendor error after a readable image', async (t) => {
  const r = await refusal(gtriip, OP, async () => await liveness(testCall(gtriip, { operation: OP, outcome: { error: '051' } }), { selfie: { bytes: await photo() }, fields: {} }))
  t.equal(r.status, 400)
  t.match(r.body, { success: false, error_code: '051' })
})

t.test('002 Error reading image: a truncated JPEG, even when a scenario chose 051', async (t) => {
  const truncated = (await photo()).subarray(0, 2000)
  const call = testCall(gtriip, { operation: OP, outcome: { error: '051' } })
  const r = await refusal(gtriip, OP, async () => await liveness(call, { selfie: { bytes: truncated }, fields: {} }))
  t.match(r.body, { error_code: '002' })
  t.equal(call.decisions.length, 0, 'no decision for a request refused by a real check')
})

t.test('003 Image file size is too large: over max_image_bytes', async (t) => {
  const call = testCall(gtriip, { operation: OP, settings: { max_image_bytes: 1000 } })
  const r = await refusal(gtriip, OP, async () => await liveness(call, { selfie: { bytes: await photo() }, fields: {} }))
  t.equal(r.status, 413)
  t.match(r.body, { error_code: '003' })
})

t.test('004 Request is not in the correct format: no selfie at all', async (t) => {
  const r = await refusal(gtriip, OP, async () => await liveness(testCall(gtriip, { operation: OP }), { selfie: undefined, fields: {} }))
  t.match(r.body, { error_code: '004' })
})

t.test('001 API key is either missing or incorrect: empty, or not one of --api-keys', async (t) => {
  const call = testCall(gtriip, { operation: OP, apiKeys: ['k1'] })
  t.doesNotThrow(() => { authenticate(call, 'k1') })
  for (const key of [undefined, '', 'k2']) {
    const r = await refusal(gtriip, OP, () => { authenticate(call, key) })
    t.equal(r.status, 401, `key ${String(key)}`)
  }
})
