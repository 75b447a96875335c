/**
 * Oz keeps no state of its own; what time and the network act on are the resolution callbacks
 * (payload.resolution_endpoint) still running in core's outbound calls, shown by GET /__admin/state.
 */
import type { InspectContext, StateItem } from '../../core/vendor.js'
import type { OzSettings } from './schemas.js'

export function inspect ({ core }: InspectContext<OzSettings>, namespace: string): StateItem[] {
  return core.outbound.pending(namespace).filter((c) => c.vendor === 'oz').map((c, i) => ({
    kind: 'callback',
    id: `${i + 1}`,
    expires_at: null,
    remaining_seconds: null,
    fields: { operation: c.operation, url: c.url, since: c.since, attempts: c.attempts }
  }))
}
