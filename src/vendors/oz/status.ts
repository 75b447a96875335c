/**
 * The status methods: GET /version (oz-api-lite.md, "version – component version check") and the
 * two health methods (biometry and liveness: `{"status": 0, "message": ""}`; 3 means inoperative).
 */
import type { FastifyRequest } from 'fastify'
import type { VendorContext } from '../../core/vendor.js'
import { outcomeOf } from './outcome.js'
import type { OzSettings } from './schemas.js'

type Ctx = VendorContext<OzSettings>

/** Working (status 0, empty message) unless a scenario says otherwise (oz/health-inoperative: 3). */
export function health (ctx: Ctx, request: FastifyRequest): { status: number, message: string } {
  const outcome = outcomeOf(ctx, request)
  return { status: outcome.status ?? 0, message: outcome.message ?? '' }
}

/** The component versions, from the settings (`oz.version`). */
export function version (ctx: Ctx, request: FastifyRequest): OzSettings['version'] {
  outcomeOf(ctx, request)
  return ctx.settings.version
}
