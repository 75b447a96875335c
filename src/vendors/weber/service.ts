/**
 * What every Weber handler shares: the store, the session checks, the scenario decision, and the
 * phone obfuscation of face payment. Behaviour per endpoint lives in visitors.ts, services.ts,
 * solutions.ts and facepay.ts.
 */
import type { FastifyRequest } from 'fastify'
import type { VendorContext } from '../../core/vendor.js'
import { SEEDED_VISITORS_AT_MS } from './catalogue.js'
import { catalogue } from './errors.js'
import { jakartaDate } from './format.js'
import type { WeberOutcome, WeberSettings } from './schemas.js'
import type { Visitor, WeberStore } from './store.js'

export const DAY_MS = 86_400_000

/** The fixed visitor the seeder creates for partner-service activities (vendor-notes §1.5, §1.6). */
export const PARTNER_SESSION = 'SessionForSolutionPartner'

export class Weber {
  constructor (readonly ctx: VendorContext<WeberSettings>, readonly store: WeberStore) {}

  ns (request: FastifyRequest): string {
    return request.sandbox.namespace
  }

  now (request: FastifyRequest): number {
    return this.ctx.nowMs(request)
  }

  /** SESSION_EXPIRATION in milliseconds (calendar days in Jakarta, which has no DST). */
  get sessionMs (): number {
    return this.ctx.settings.session_expiration_days * DAY_MS
  }

  /**
   * The session checks every endpoint runs, in this order (vendor-notes §1.3): the visitor must exist
   * (a missing or empty id included) → 401 "Session ID is not valid"; now after created_at + the
   * expiration → 401 "Session ID has expired".
   */
  session (request: FastifyRequest, sessionId: string): Visitor {
    const visitor = this.visitor(request, sessionId)
    if (visitor === undefined) throw catalogue.error('session-invalid')
    if (this.now(request) > visitor.created_at_ms + this.sessionMs) throw catalogue.error('session-expired')
    return visitor
  }

  /** A visitor of the namespace, or the seeded partner visitor, which exists everywhere (and expired long ago). */
  visitor (request: FastifyRequest, sessionId: string): Visitor | undefined {
    if (sessionId === '') return undefined
    if (sessionId === PARTNER_SESSION) return { session_id: PARTNER_SESSION, full_name: 'Solution Partner', created_at_ms: SEEDED_VISITORS_AT_MS }
    return this.store.visitor(this.ns(request), sessionId)
  }

  /**
   * The scenario's outcome, once the real checks passed (vendor-notes, rulings). `error` answers a
   * catalogue entry at once; the rest is for the analysis to apply.
   */
  decide (request: FastifyRequest, session: string, body: unknown): WeberOutcome | undefined {
    const { outcome } = this.ctx.decide<WeberOutcome>(request, { session: session === '' ? undefined : session, body })
    if (outcome?.error !== undefined) throw catalogue.error(outcome.error)
    return outcome
  }

  /**
   * Face payment stores the phone behind a prefix built from the session's expiration date:
   * day + (month + two-digit year), e.g. expiry 17-11-2021 → "17" + "32" (vendor-notes §1.7).
   */
  phonePrefix (visitor: Visitor): string {
    const { day, month, year } = jakartaDate(visitor.created_at_ms + this.sessionMs)
    return `${day}${month + (year % 100)}`
  }
}
