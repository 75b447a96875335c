/**
 * The namespace's FPT sessions for GET /__admin/state (the dashboard): read-only, newest first. A
 * session lives `session_lifetime_seconds` after init (30 minutes by default, fpt-ekyc.vi.md) and
 * ends early at the retry limit or a passed liveness (store.ts, `closed_reason`).
 */
import { expiry, type InspectContext, type StateItem } from '../../core/vendor.js'
import type { FptSettings } from './schemas.js'
import type { SessionRow } from './store.js'

type Row = Pick<SessionRow, 'session_id' | 'device_type' | 'created_ms' | 'expires_ms' | 'retry_limit' | 'state' | 'document_type' | 'attempts' | 'closed_reason'>

export function inspect ({ core }: InspectContext<FptSettings>, namespace: string, nowMs: number): StateItem[] {
  const rows = core.db.prepare(`SELECT session_id, device_type, created_ms, expires_ms, retry_limit, state, document_type, attempts, closed_reason
    FROM fpt_sessions WHERE namespace = ? ORDER BY created_ms DESC, rowid DESC LIMIT 200`).all(namespace) as Row[]
  return rows.map((r) => ({
    kind: 'session',
    id: r.session_id,
    ...expiry(r.expires_ms, nowMs),
    fields: {
      state: r.state,
      device_type: r.device_type,
      document_type: r.document_type,
      attempts: r.attempts,
      retry_limit: r.retry_limit,
      retries_left: Math.max(0, r.retry_limit - r.attempts),
      closed_reason: r.closed_reason,
      created: new Date(r.created_ms).toISOString()
    }
  }))
}
