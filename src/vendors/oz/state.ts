/**
 * What the dashboard shows of Oz: nothing of its own (API Lite is stateless: templates stay with the
 * client, folder ids are temporary), but the `resolution_endpoint` callbacks core is still
 * delivering or retrying for the namespace ("Oz callbacks pending").
 */
import type { InspectContext, StateItem } from '../../core/vendor/module.js'

/** One StateItem per pending callback: kind `callback`, no expiry (retries end it, not time). */
export function inspect (_store: undefined, _namespace: string, _nowMs: number, context: InspectContext): StateItem[] {
  return context.callbacks.map((c) => ({
    kind: 'callback',
    id: c.id,
    expires_at: null,
    remaining_seconds: null,
    fields: { url: c.url, operation: c.operation, attempts: c.attempts, started: c.started }
  }))
}
