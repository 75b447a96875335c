/**
 * The scenario's outcome for a request whose real checks have passed (vendor-notes, rulings: real
 * checks first, then the scenario). An error outcome is thrown here, as the catalogue's error.
 */
import type { FastifyRequest } from 'fastify'
import type { VendorContext } from '../../core/vendor.js'
import { catalogue } from './errors.js'
import type { OzOutcome, OzSettings } from './schemas.js'

export function outcomeOf (ctx: VendorContext<OzSettings>, request: FastifyRequest, body: unknown = {}): OzOutcome {
  const { outcome } = ctx.decide<OzOutcome>(request, { body })
  if (outcome?.error !== undefined) throw catalogue.error(outcome.error)
  return outcome ?? {}
}
