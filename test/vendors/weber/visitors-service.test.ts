/**
 * Visitors & Feedback and the session checks without the app (weber.md; vendor-notes §1.3-1.5):
 * the validation order, the session expiry on the virtual clock, the partner visitor, feedback's
 * rules. The wire format is covered by visitors.test.ts and http.test.ts.
 */
import t from 'tap'
import { weber } from '../../../src/vendors/weber/index.js'
import { requestService } from '../../../src/vendors/weber/service/services.js'
import { checkSession, PARTNER_SESSION } from '../../../src/vendors/weber/service/session.js'
import { createActivity, createFeedback, createVisitor } from '../../../src/vendors/weber/service/visitors.js'
import { refusal } from '../../services.js'
import { DAY_MS, world } from './fixtures/world.js'

const VISITOR = { email: 'lazuardy@nodeflux.io', full_name: 'Lazuardy Khatulistiwa', company: 'Nodeflux', job_title: 'Software Engineer', industry: 'Computer Vision', company_size: '' }
const CREATE = 'weber.createVisitor'

async function visitorRefusal (fields: Partial<typeof VISITOR>): Promise<unknown> {
  const w = world()
  return (await refusal(weber, CREATE, () => createVisitor(w.call(CREATE), { ...VISITOR, ...fields }))).body
}

t.test('Create Visitor: one data item, max_age SESSION_EXPIRATION in seconds, a UUIDv4 session stored in the namespace', async (t) => {
  const w = world({ session_expiration_days: 3 })
  const r = createVisitor(w.call(CREATE, { namespace: 'team-a' }), VISITOR)
  t.equal(r.message, 'Data has been processed successfully')
  const [item] = r.data
  t.equal(item?.max_age, 3 * 86400)
  t.match(item?.session_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  t.ok(w.store.visitor('team-a', item?.session_id ?? ''))
  t.notOk(w.store.visitor('default', item?.session_id ?? ''))
})

t.test('Create Visitor: the first failing field in struct order (email, full_name, company, job_title, industry)', async (t) => {
  t.same(await visitorRefusal({ email: '', full_name: 'x', company: 'y' }), { message: 'email is a required field', ok: false })
  t.same(await visitorRefusal({ email: 'a@b.io', full_name: 'x', company: 'y' }), { message: 'full_name must be at least 2 characters in length', ok: false })
  t.same(await visitorRefusal({ company: 'N', job_title: '' }), { message: 'company must be at least 2 characters in length', ok: false })
  t.same(await visitorRefusal({ job_title: 'S' }), { message: 'job_title must be at least 2 characters in length', ok: false }, 'the document\'s example')
  t.same(await visitorRefusal({ industry: 'i'.repeat(256) }), { message: 'industry must be a maximum of 255 characters in length', ok: false })
})

t.test('Create Visitor: an address at yopmail.com is "email is invalid", checked after the validator', async (t) => {
  t.same(await visitorRefusal({ email: 'throwaway@yopmail.com' }), { message: 'email is invalid', ok: false })
  t.same(await visitorRefusal({ email: 'throwaway@yopmail.com', industry: 'x' }), { message: 'industry must be at least 2 characters in length', ok: false })
})

t.test('Create Visitor: the scenario decides after validation, and a scenario named on the request binds to the new session', async (t) => {
  const w = world()
  const call = w.call(CREATE)
  const r = createVisitor(call, VISITOR)
  t.same(call.decisions, [{ session: undefined, body: VISITOR }], 'no session yet: counted per namespace')
  t.same(call.bound, [r.data[0]?.session_id])
  const refused = w.call(CREATE)
  await refusal(weber, CREATE, () => createVisitor(refused, { ...VISITOR, email: '' }))
  t.same(refused.decisions, [], 'a refused visitor reaches no scenario')
})

t.test('a session is valid up to exactly SESSION_EXPIRATION after its creation on the virtual clock, then "Session ID has expired"', async (t) => {
  const w = world()
  const session = w.visitor()
  w.advance(DAY_MS)
  t.equal(checkSession(w.call('weber.createActivity'), session).session_id, session, 'at exactly one day it is still valid')
  w.advance(1)
  const r = await refusal(weber, 'weber.createActivity', () => checkSession(w.call('weber.createActivity'), session))
  t.same(r, { status: 401, body: { message: 'Session ID has expired', ok: false } })
})

t.test('session_expiration_days: 2 keeps a session valid after a day and an hour', async (t) => {
  const w = world({ session_expiration_days: 2 })
  const session = w.visitor()
  w.advance(DAY_MS + 3_600_000)
  t.doesNotThrow(() => checkSession(w.call('weber.createActivity'), session))
})

t.test('"Session ID is not valid": an unknown, an empty, or another namespace\'s session', async (t) => {
  const w = world()
  const session = w.visitor('team-a')
  for (const [id, namespace] of [['ecec7960-5fd0-43eb-8794-11d1e9ac00a1', 'team-a'], ['', 'team-a'], [session, 'team-b']] as const) {
    const r = await refusal(weber, 'weber.ekyc', () => checkSession(w.call('weber.ekyc', { namespace }), id))
    t.same(r, { status: 401, body: { message: 'Session ID is not valid', ok: false } }, `${id} in ${namespace}`)
  }
})

t.test('the seeded partner visitor exists everywhere, but its session expired long ago', async (t) => {
  const w = world()
  const r = await refusal(weber, 'weber.ekyc', () => checkSession(w.call('weber.ekyc', { namespace: 'anywhere' }), PARTNER_SESSION))
  t.same(r.body, { message: 'Session ID has expired', ok: false })
})

t.test('Create Visitor Activities: the service first (unknown: 500 "record not found"), then the session', async (t) => {
  const w = world()
  const r = await refusal(weber, 'weber.createActivity', () => createActivity(w.call('weber.createActivity'), { service_id: 18, session_id: 'not-a-session', completeness: 80 }))
  t.same(r, { status: 500, body: { message: 'record not found', ok: false } })
  const session = w.visitor()
  t.same(createActivity(w.call('weber.createActivity'), { service_id: 1, session_id: session, completeness: 80 }), { message: 'Data has been processed successfully', ok: true })
  t.equal(w.store.lastActivity('default', session, 1) !== undefined, true)
})

t.test('Activities on a partner service need no session (an empty one is the seeded partner visitor); aml-pep does', async (t) => {
  const w = world()
  createActivity(w.call('weber.createActivity'), { service_id: 12, session_id: '', completeness: 100 })
  t.ok(w.store.lastActivity('default', PARTNER_SESSION, 12))
  const aml = await refusal(weber, 'weber.createActivity', () => createActivity(w.call('weber.createActivity'), { service_id: 16, session_id: '', completeness: 100 }))
  t.same(aml.body, { message: 'Session ID is not valid', ok: false })
})

t.test('Feedback, in the code\'s order: session, the comment rule below 4, the validator, an earlier activity', async (t) => {
  const w = world()
  const session = w.visitor()
  const feedback = async (serviceId: string, body: { rating: number, comment: string }, id = session): Promise<unknown> =>
    (await refusal(weber, 'weber.createFeedback', () => createFeedback(w.call('weber.createFeedback'), { serviceId, body: { session_id: id, ...body } }))).body
  t.same(await feedback('1', { rating: 9, comment: '' }, 'x'), { message: 'Session ID is not valid', ok: false })
  t.same(await feedback('1', { rating: 0, comment: '' }), { message: 'Your comment for this feedback is required', ok: false }, 'the comment rule wins over "required"')
  t.same(await feedback('1', { rating: 6, comment: '' }), { message: 'rating must be 5 or less', ok: false })
  t.same(await feedback('1', { rating: 4, comment: 'c'.repeat(256) }), { message: 'comment must be a maximum of 255 characters in length', ok: false })
  t.same(await feedback('1', { rating: 5, comment: '' }), { message: 'record not found', ok: false }, 'no activity on service 1 yet')
  t.same(await feedback('abc', { rating: 5, comment: '' }), { message: 'record not found', ok: false }, 'a non-numeric id reads as 0')
  createActivity(w.call('weber.createActivity'), { service_id: 1, session_id: session, completeness: 100 })
  t.same(createFeedback(w.call('weber.createFeedback'), { serviceId: '1', body: { session_id: session, rating: 3, comment: 'This feauture need some improvement' } }),
    { message: 'Feedback submitted!', ok: true })
})

t.test('Create A Service Request: the session is checked before the id, the activity recorded before the service runs', async (t) => {
  const w = world()
  const call = (): ReturnType<typeof w.call> => w.call('weber.requestService')
  const invalid = await refusal(weber, 'weber.requestService', async () => await requestService(call(), { id: 'abc', body: { session_id: 'nope', data: { additional_params: null, images: [] } } }))
  t.same(invalid.body, { message: 'Session ID is not valid', ok: false })
  const session = w.visitor()
  const id = await refusal(weber, 'weber.requestService', async () => await requestService(call(), { id: '4294967296', body: { session_id: session, data: { additional_params: null, images: [] } } }))
  t.same(id, { status: 400, body: { message: "Expected an integer value from argument 'id'", ok: false } })
  const partner = await refusal(weber, 'weber.requestService', async () => await requestService(call(), { id: '16', body: { session_id: session, data: { additional_params: null, images: [] } } }))
  t.same(partner, { status: 500, body: { message: 'Undefined implementation of: aml-pep', ok: false } })
  t.ok(w.store.lastActivity('default', session, 16), 'the activity stays')
})
