/**
 * What every Weber service shares: the visitor session checks, the scenario decision, and the phone
 * prefix of face payment. Behaviour per endpoint lives in visitors.ts, services.ts, solutions.ts and
 * facepay.ts beside this file.
 */
import { catalogue } from '../errors.js'
import { jakartaDate } from '../format.js'
import { SEEDED_VISITORS_AT_MS } from '../offerings.js'
import type { WeberCall, WeberOutcome, WeberSettings } from '../schemas.js'
import { sessionExpiresAt, type Visitor } from '../store.js'

/** The fixed visitor the seeder creates for partner-service activities (vendor-notes §1.5, §1.6). */
export const PARTNER_SESSION = 'SessionForSolutionPartner'

/** A visitor of the namespace, or the seeded partner visitor, which exists everywhere (and expired long ago). */
export function findVisitor (call: WeberCall, sessionId: string): Visitor | undefined {
  if (sessionId === '') return undefined
  if (sessionId === PARTNER_SESSION) return { session_id: PARTNER_SESSION, full_name: 'Solution Partner', created_at_ms: SEEDED_VISITORS_AT_MS }
  return call.store.visitor(call.namespace, sessionId)
}

/**
 * The session checks every endpoint runs, in this order (vendor-notes §1.3): the visitor must exist
 * (a missing or empty id included) → 401 "Session ID is not valid"; now after created_at + the
 * expiration → 401 "Session ID has expired".
 */
export function checkSession (call: WeberCall, sessionId: string): Visitor {
  const visitor = findVisitor(call, sessionId)
  if (visitor === undefined) throw catalogue.error('session-invalid')
  if (call.nowMs() > sessionExpiresAt(call.settings, visitor.created_at_ms)) throw catalogue.error('session-expired')
  return visitor
}

/**
 * The scenario's outcome, once the real checks passed (vendor-notes, rulings): a chosen `error` is
 * answered at once; the rest is for the analysis to apply. Sequences count per session.
 */
export function decide (call: WeberCall, session: string, body: unknown): WeberOutcome {
  return call.decideOrThrow<WeberOutcome>({ session: session === '' ? undefined : session, body })
}

/**
 * Face payment stores the phone behind a prefix built from the session's expiration date:
 * day + (month + two-digit year), e.g. expiry 17-11-2021 → "17" + "32" (vendor-notes §1.7).
 */
export function phonePrefix (settings: WeberSettings, visitor: Visitor): string {
  const { day, month, year } = jakartaDate(sessionExpiresAt(settings, visitor.created_at_ms))
  return `${day}${month + (year % 100)}`
}
