/**
 * Visitors & Feedback (weber.md): POST /api/v1/visitors, /api/v1/activities, /api/v1/feedback/:service_id,
 * and the session checks on the virtual clock (vendor-notes §1.3–1.5).
 */
import t from 'tap'
import { build, json } from '../../helper.js'
import { dataUri, msg, post, VISITOR, visitor } from './fixtures/weber.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('Create Visitor: 200 with one data item, max_age 86400 and a UUIDv4 session_id', async (t) => {
  const app = await build(t)
  const res = await post(app, '/visitors', VISITOR)
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body.data[0]), ['max_age', 'session_id'])
  t.equal(body.data[0].max_age, 86400)
  t.match(body.data[0].session_id, UUID)
  t.equal(body.message, 'Data has been processed successfully')
  t.equal(body.ok, true)
})

t.test('max_age follows the session_expiration_days setting', async (t) => {
  const app = await build(t, { settings: { weber: { session_expiration_days: 3 } } })
  t.equal(json(await post(app, '/visitors', VISITOR)).data[0].max_age, 259200)
})

t.test('company_size is accepted and optional', async (t) => {
  const app = await build(t)
  t.equal((await post(app, '/visitors', { ...VISITOR, company_size: '50-100' })).statusCode, 200)
  t.equal((await post(app, '/visitors', { ...VISITOR, company_size: '' })).statusCode, 200)
})

const invalid: Array<[string, Record<string, unknown>, string]> = [
  ['no email', { ...VISITOR, email: '' }, 'email is a required field'],
  ['a malformed email', { ...VISITOR, email: 'lazuardy.nodeflux.io' }, 'email must be a valid email address'],
  ['an email without a domain dot', { ...VISITOR, email: 'a@localhost' }, 'email must be a valid email address'],
  ['no full_name', { ...VISITOR, full_name: '' }, 'full_name is a required field'],
  ['a 1-character full_name', { ...VISITOR, full_name: 'L' }, 'full_name must be at least 2 characters in length'],
  ['a 256-character full_name', { ...VISITOR, full_name: 'a'.repeat(256) }, 'full_name must be a maximum of 255 characters in length'],
  ['a 1-character company', { ...VISITOR, company: 'N' }, 'company must be at least 2 characters in length'],
  ['a 1-character job_title (the document\'s example)', { ...VISITOR, job_title: 'S' }, 'job_title must be at least 2 characters in length'],
  ['no industry', { ...VISITOR, industry: '' }, 'industry is a required field'],
  ['a 256-character industry', { ...VISITOR, industry: 'i'.repeat(256) }, 'industry must be a maximum of 255 characters in length']
]
t.test('Create Visitor refuses invalid fields with the validator\'s message', async (t) => {
  const app = await build(t)
  for (const [what, payload, message] of invalid) {
    t.test(`${what}: 400 "${message}"`, async (t) => {
      const res = await post(app, '/visitors', payload)
      t.equal(res.statusCode, 400)
      t.same(json(res), msg(message))
    })
  }
})

t.test('the first failing field in struct order is reported: email before full_name before company', async (t) => {
  const app = await build(t)
  t.same(json(await post(app, '/visitors', { full_name: 'x', company: 'y' })), msg('email is a required field'))
  t.same(json(await post(app, '/visitors', { email: 'a@b.io', full_name: 'x', company: 'y' })), msg('full_name must be at least 2 characters in length'))
})

t.test('lengths count characters, not bytes: a 255-character name in Javanese script passes', async (t) => {
  const app = await build(t)
  t.equal((await post(app, '/visitors', { ...VISITOR, full_name: 'ꦗ'.repeat(255) })).statusCode, 200)
})

t.test('an address at yopmail.com is refused after validation: 400 "email is invalid"', async (t) => {
  const app = await build(t)
  t.same(json(await post(app, '/visitors', { ...VISITOR, email: 'throwaway@yopmail.com' })), msg('email is invalid'))
  t.same(json(await post(app, '/visitors', { ...VISITOR, email: 'throwaway@yopmail.com', industry: 'x' })), msg('industry must be at least 2 characters in length'), 'validation comes first')
})

t.test('Create Visitor Activities: 200 "Data has been processed successfully"', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, '/activities', { service_id: 1, session_id: session, completeness: 80 })
  t.equal(res.statusCode, 200)
  t.same(json(res), msg('Data has been processed successfully', true))
})

t.test('Activities: 401 "Session ID is not valid" for an unknown, empty or missing session_id', async (t) => {
  const app = await build(t)
  for (const session of ['ecec7960-5fd0-43eb-8794-11d1e9ac00a1', '', undefined]) {
    const res = await post(app, '/activities', { service_id: 1, session_id: session, completeness: 80 })
    t.equal(res.statusCode, 401)
    t.same(json(res), msg('Session ID is not valid'))
  }
})

t.test('a session expires one day after its creation, on the virtual clock: 401 "Session ID has expired"', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const advance = async (seconds: number): Promise<void> => { await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds } }) }
  await advance(86400)
  t.equal((await post(app, '/activities', { service_id: 1, session_id: session, completeness: 10 })).statusCode, 200, 'at exactly one day it is still valid')
  await advance(1)
  const res = await post(app, '/activities', { service_id: 1, session_id: session, completeness: 10 })
  t.equal(res.statusCode, 401)
  t.same(json(res), msg('Session ID has expired'))
})

t.test('the expiration follows session_expiration_days', async (t) => {
  const app = await build(t, { settings: { weber: { session_expiration_days: 2 } } })
  const session = await visitor(app)
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 86400 + 3600 } })
  t.equal((await post(app, '/activities', { service_id: 1, session_id: session, completeness: 10 })).statusCode, 200)
})

t.test('sessions live in their namespace', async (t) => {
  const app = await build(t)
  const session = await visitor(app, { 'x-sandbox-namespace': 'team-a' })
  t.equal((await post(app, '/activities', { service_id: 1, session_id: session, completeness: 1 }, { 'x-sandbox-namespace': 'team-a' })).statusCode, 200)
  t.equal((await post(app, '/activities', { service_id: 1, session_id: session, completeness: 1 }, { 'x-sandbox-namespace': 'team-b' })).statusCode, 401)
  await app.inject({ method: 'POST', url: '/__admin/reset', headers: { 'x-sandbox-namespace': 'team-a' } })
  t.equal((await post(app, '/activities', { service_id: 1, session_id: session, completeness: 1 }, { 'x-sandbox-namespace': 'team-a' })).statusCode, 401, 'a reset drops the session')
})

t.test('Activities: the service is loaded before the session: an unknown service_id is 500 "record not found"', async (t) => {
  const app = await build(t)
  for (const id of [0, 18, 999]) {
    const res = await post(app, '/activities', { service_id: id, session_id: 'not-even-a-session', completeness: 80 })
    t.equal(res.statusCode, 500)
    t.same(json(res), msg('record not found'))
  }
})

t.test('Activities on a partner service need no session; aml-pep does', async (t) => {
  const app = await build(t)
  t.equal((await post(app, '/activities', { service_id: 12, session_id: '', completeness: 100 })).statusCode, 200)
  t.equal((await post(app, '/activities', { service_id: 14, completeness: 100 })).statusCode, 200)
  const aml = await post(app, '/activities', { service_id: 16, session_id: '', completeness: 100 })
  t.equal(aml.statusCode, 401)
  t.same(json(aml), msg('Session ID is not valid'))
})

t.test('the seeded partner visitor exists, but its session expired long ago', async (t) => {
  const app = await build(t)
  const res = await post(app, '/ekyc', { session_id: 'SessionForSolutionPartner', data: {} })
  t.equal(res.statusCode, 401)
  t.same(json(res), msg('Session ID has expired'))
})

t.test('Feedback: 200 "Feedback submitted!" after an activity on the service, the comment optional from rating 4', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  await post(app, '/activities', { service_id: 3, session_id: session, completeness: 100 })
  const res = await post(app, '/feedback/3', { session_id: session, rating: 5, comment: '' })
  t.equal(res.statusCode, 200)
  t.same(json(res), msg('Feedback submitted!', true))
  t.equal((await post(app, '/feedback/3', { session_id: session, rating: 3, comment: 'This feauture need some improvement' })).statusCode, 200)
})

t.test('Feedback: 401 for an unknown or expired session, before anything else', async (t) => {
  const app = await build(t)
  t.same(json(await post(app, '/feedback/1', { session_id: 'x', rating: 9 })), msg('Session ID is not valid'))
  const session = await visitor(app)
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 2 * 86400 } })
  t.same(json(await post(app, '/feedback/1', { session_id: session, rating: 5, comment: 'ok' })), msg('Session ID has expired'))
})

t.test('Feedback: a rating below 4 needs a comment, checked before the validator', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (const rating of [3, 1, 0, undefined]) {
    const res = await post(app, '/feedback/1', { session_id: session, rating, comment: '' })
    t.equal(res.statusCode, 400)
    t.same(json(res), msg('Your comment for this feedback is required'), `rating ${String(rating)}: the comment rule wins`)
  }
})

t.test('Feedback validator: rating required, at most 5; comment at most 255 characters', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  t.same(json(await post(app, '/feedback/1', { session_id: session, comment: 'nice' })), msg('rating is a required field'))
  t.same(json(await post(app, '/feedback/1', { session_id: session, rating: 6, comment: 'nice' })), msg('rating must be 5 or less'))
  t.same(json(await post(app, '/feedback/1', { session_id: session, rating: 6 })), msg('rating must be 5 or less'), 'rating 6 is not below 4: no comment needed')
  t.same(json(await post(app, '/feedback/1', { session_id: session, rating: 4, comment: 'c'.repeat(256) })), msg('comment must be a maximum of 255 characters in length'))
})

t.test('Feedback needs an earlier activity of the session on the service: otherwise 500 "record not found"', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  await post(app, '/activities', { service_id: 2, session_id: session, completeness: 100 })
  const other = await post(app, '/feedback/1', { session_id: session, rating: 5 })
  t.equal(other.statusCode, 500)
  t.same(json(other), msg('record not found'))
  const notNumeric = await post(app, '/feedback/abc', { session_id: session, rating: 5 })
  t.same(json(notNumeric), msg('record not found'), 'a non-numeric service_id reads as 0')
  t.equal((await post(app, '/feedback/2', { session_id: session, rating: 5 })).statusCode, 200)
})

t.test('a service request records the activity that feedback needs', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  await post(app, '/services/1', { session_id: session, data: { images: [await dataUri()] } })
  t.equal((await post(app, '/feedback/1', { session_id: session, rating: 4 })).statusCode, 200)
})

t.test('a scenario named when the visitor is created binds to its session', async (t) => {
  const app = await build(t)
  const session = await visitor(app, { 'x-sandbox-scenario': 'weber/401-session-expired' })
  const res = await post(app, '/activities', { service_id: 1, session_id: session, completeness: 10 })
  t.equal(res.statusCode, 401)
  t.same(json(res), msg('Session ID has expired'))
  const other = await visitor(app)
  t.equal((await post(app, '/activities', { service_id: 1, session_id: other, completeness: 10 })).statusCode, 200, 'other sessions are not affected')
})
