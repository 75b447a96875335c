/**
 * Visitors & Feedback (weber.md): POST /api/v1/visitors, /api/v1/activities, /api/v1/feedback/:service_id,
 * with the real server's rules (vendor-notes §1.3–1.5 and the Weber rulings).
 */
import { randomUUID } from 'node:crypto'
import { catalogue } from '../errors.js'
import { goStruct, type GoValue } from '../gojson.js'
import { serviceById } from '../offerings.js'
import type { WeberCall } from '../schemas.js'
import { email, firstFailure, max, min, required } from '../validator.js'
import { checkSession, decide, PARTNER_SESSION } from './session.js'

export const VisitorBody = goStruct({
  email: 'string',
  full_name: 'string',
  company: 'string',
  job_title: 'string',
  industry: 'string',
  company_size: 'string'
})

/** gorm's primary key is unsigned: a negative service_id does not bind. */
export const ActivityBody = goStruct({ service_id: 'uint', session_id: 'string', completeness: 'int' })

/** rating is unsigned (vendor-notes §1.2: "rating": -1 does not bind). */
export const FeedbackBody = goStruct({ session_id: 'string', rating: 'uint', comment: 'string' })

type Msg = { message: string, ok: true }

export type VisitorAnswer = { data: Array<{ max_age: number, session_id: string }>, message: string, ok: true }

/**
 * Create a visitor and its session. Validation of the document's era (Weber rulings): the first
 * failing field in struct order; then an address at yopmail.com is refused.
 */
export function createVisitor (call: WeberCall, body: GoValue<typeof VisitorBody>): VisitorAnswer {
  const text = [required, min(2), max(255)]
  const failure = firstFailure([
    ['email', body.email, [required, email]],
    ['full_name', body.full_name, text],
    ['company', body.company, text],
    ['job_title', body.job_title, text],
    ['industry', body.industry, text]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  if (body.email.includes('@yopmail.com')) throw catalogue.error('email-invalid')

  // No session yet: a sequence in a scenario counts the namespace's visitor creations.
  decide(call, '', body)
  const sessionId = randomUUID()
  call.store.insertVisitor(call.namespace, { session_id: sessionId, ...body }, call.nowMs())
  // A scenario named by the request binds to the new session (CONTRACT.md, control headers).
  call.bindSession(sessionId)
  return {
    data: [{ max_age: call.settings.session_expiration_days * 86400, session_id: sessionId }],
    message: 'Data has been processed successfully',
    ok: true
  }
}

/**
 * Record a visitor activity (§1.5): the service is loaded first (unknown: 500 "record not found");
 * partner services but aml-pep skip the session check, an empty session becoming the seeded partner
 * visitor; the others check the session.
 */
export function createActivity (call: WeberCall, body: GoValue<typeof ActivityBody>): Msg {
  const service = serviceById(body.service_id)
  if (service === undefined) throw catalogue.error('record-not-found')
  let sessionId = body.session_id
  if (service.type === 'solution-partner' && service.slug !== 'aml-pep') {
    if (sessionId === '') sessionId = PARTNER_SESSION
  } else {
    checkSession(call, sessionId)
  }
  decide(call, sessionId, body)
  call.store.insertActivity(call.namespace, sessionId, service.id, body.completeness, call.nowMs())
  return { message: 'Data has been processed successfully', ok: true }
}

/** strconv.Atoi on the path segment, the error ignored: anything but a plain integer is 0. */
function atoi (s: string): number {
  if (!/^[+-]?[0-9]{1,18}$/.test(s)) return 0
  return Number.parseInt(s, 10)
}

/**
 * Feedback (§1.5), in the code's order: session; comment required below 4 (before the validator,
 * so a missing rating with an empty comment gets this message); validator; the visitor's last
 * activity on this service must exist (else 500 "record not found").
 */
export function createFeedback (call: WeberCall, input: { serviceId: string, body: GoValue<typeof FeedbackBody> }): Msg {
  const { body } = input
  checkSession(call, body.session_id)
  if (body.rating < 4 && body.comment === '') throw catalogue.error('comment-required')
  const failure = firstFailure([
    ['rating', body.rating, [required, min(1), max(5)]],
    ['comment', body.comment, [max(255)]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  const serviceId = atoi(input.serviceId)
  const activity = call.store.lastActivity(call.namespace, body.session_id, serviceId)
  if (activity === undefined) throw catalogue.error('record-not-found')
  decide(call, body.session_id, body)
  call.store.insertFeedback(call.namespace, body.session_id, serviceId, activity, body.rating, body.comment, call.nowMs())
  return { message: 'Feedback submitted!', ok: true }
}
