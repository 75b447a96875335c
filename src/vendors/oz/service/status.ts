/**
 * The status methods: GET /version (oz-api-lite.md, "version – component version check") and the
 * two health methods (biometry and liveness: `{"status": 0, "message": ""}`; 3 means inoperative).
 */
import type { Call } from '../../../core/vendor/call.js'
import type { OzOutcome, OzSettings } from '../schemas.js'

type OzCall = Call<OzSettings>

export interface HealthAnswer { status: number, message: string }

/** Working (status 0, empty message) unless a scenario says otherwise (oz/health-inoperative: 3). */
export function health (call: OzCall): HealthAnswer {
  const outcome = call.decideOrThrow<OzOutcome>({ body: {} })
  return { status: outcome.status ?? 0, message: outcome.message ?? '' }
}

/** The component versions, from the settings (`oz.version`). */
export function version (call: OzCall): OzSettings['version'] {
  call.decideOrThrow({ body: {} })
  return call.settings.version
}
