/**
 * The namespace's issued Accesstokens for GET /__admin/state (the dashboard): read-only, newest
 * first, with their revocation (vendor-notes §4: "The token is blacklisted"). Tokens never expire
 * unless token_lifetime_seconds is set.
 */
import { expiry, type InspectContext, type StateItem } from '../../core/vendor.js'
import type { RisetSettings } from './schemas.js'

interface Row { token: string, client_id: string, issued_at: number, expires_at: number | null, revoked_at: number | null }

export function inspect ({ core }: InspectContext<RisetSettings>, namespace: string, nowMs: number): StateItem[] {
  const rows = core.db.prepare(`SELECT t.token, t.client_id, t.issued_at, t.expires_at, r.revoked_at
    FROM riset_tokens t LEFT JOIN riset_revoked r ON r.namespace = t.namespace AND r.token = t.token
    WHERE t.namespace = ? ORDER BY t.issued_at DESC, t.rowid DESC LIMIT 200`).all(namespace) as Row[]
  return rows.map((r) => ({
    kind: 'token',
    id: r.token,
    ...expiry(r.expires_at, nowMs),
    fields: {
      client_id: r.client_id,
      issued: new Date(r.issued_at).toISOString(),
      expires: r.expires_at === null ? null : new Date(r.expires_at).toISOString(),
      revoked: r.revoked_at !== null
    }
  }))
}
