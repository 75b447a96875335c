/**
 * The namespace's live state, read-only, for `GET /__admin/state` and the dashboard: each vendor's
 * store says what time acts on (sessions, tokens, accounts, callbacks in flight).
 */
import type { StateItem } from './module.js'

export type Inspector = (namespace: string, nowMs: number) => StateItem[]

/**
 * `expires_at` and `remaining_seconds` of a StateItem from an expiry time in ms (null: never
 * expires). Part of a second left counts as one; 0 once it is past.
 */
export function expiry (expiresMs: number | null, nowMs: number): Pick<StateItem, 'expires_at' | 'remaining_seconds'> {
  if (expiresMs === null) return { expires_at: null, remaining_seconds: null }
  return { expires_at: new Date(expiresMs).toISOString(), remaining_seconds: Math.max(0, Math.ceil((expiresMs - nowMs) / 1000)) }
}
