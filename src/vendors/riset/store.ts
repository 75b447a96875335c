/**
 * Riset state: the Accesstokens issued by POST /oauth/client/token and the blacklist filled by POST
 * /oauth/token/revoke (vendor-notes §4: "The token is blacklisted"). Every row belongs to a namespace.
 */
import type { DB, StoreSpec } from '../../core/db.js'
import { expiry } from '../../core/vendor/inspect.js'
import type { StateItem, VendorStore } from '../../core/vendor/module.js'

const spec: StoreSpec = {
  migrations: [{
    version: 1,
    up: `
CREATE TABLE riset_tokens (
  namespace TEXT NOT NULL,
  token TEXT NOT NULL,
  client_id TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (namespace, token)
);
CREATE TABLE riset_revoked (
  namespace TEXT NOT NULL,
  token TEXT NOT NULL,
  revoked_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, token)
);`
  }],
  tables: ['riset_tokens', 'riset_revoked']
}

export interface IssuedToken {
  client_id: string
  issued_at: number
  expires_at: number | null
}

/** An issued token as the admin state shows it. */
export interface IssuedTokenRow extends IssuedToken {
  token: string
  revoked: boolean
}

export class TokenStore {
  private readonly stmts

  constructor (db: DB) {
    this.stmts = {
      insert: db.prepare('INSERT INTO riset_tokens (namespace, token, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      count: db.prepare('SELECT COUNT(*) FROM riset_tokens WHERE namespace = ?').pluck(),
      issued: db.prepare('SELECT client_id, issued_at, expires_at FROM riset_tokens WHERE namespace = ? AND token = ?'),
      revoke: db.prepare('INSERT INTO riset_revoked (namespace, token, revoked_at) VALUES (?, ?, ?) ON CONFLICT(namespace, token) DO NOTHING'),
      revoked: db.prepare('SELECT 1 FROM riset_revoked WHERE namespace = ? AND token = ?').pluck(),
      all: db.prepare(`SELECT t.token, t.client_id, t.issued_at, t.expires_at, r.token IS NOT NULL AS revoked
        FROM riset_tokens t LEFT JOIN riset_revoked r ON r.namespace = t.namespace AND r.token = t.token
        WHERE t.namespace = ? ORDER BY t.issued_at DESC, t.rowid DESC`)
    }
  }

  /** How many tokens the namespace has been issued (the next one's serial number is this + 1). */
  issuedCount (namespace: string): number {
    return this.stmts.count.get(namespace) as number
  }

  issue (namespace: string, token: string, clientId: string, issuedAt: number, expiresAt: number | null): void {
    this.stmts.insert.run(namespace, token, clientId, issuedAt, expiresAt)
  }

  find (namespace: string, token: string): IssuedToken | undefined {
    return this.stmts.issued.get(namespace, token) as IssuedToken | undefined
  }

  revoke (namespace: string, token: string, at: number): void {
    this.stmts.revoke.run(namespace, token, at)
  }

  isRevoked (namespace: string, token: string): boolean {
    return this.stmts.revoked.get(namespace, token) !== undefined
  }

  /** Every token issued in the namespace, newest first (as every inspect lists), with whether it was revoked. */
  issued (namespace: string): IssuedTokenRow[] {
    const rows = this.stmts.all.all(namespace) as Array<Omit<IssuedTokenRow, 'revoked'> & { revoked: number }>
    return rows.map((r) => ({ ...r, revoked: r.revoked === 1 }))
  }
}

/**
 * A token by a short id: its header segment is the same for every token (`eyJhbGciOiJSUzI1NiIs...`),
 * so the id is the start of its signature segment, which a user can find in the token they hold.
 */
export function tokenId (token: string): string {
  return (token.split('.')[2] ?? token).slice(0, 12)
}

/** The namespace's issued tokens for the admin state: expiry on the virtual clock, null when tokens never expire. */
export function inspectTokens (store: TokenStore, namespace: string, nowMs: number): StateItem[] {
  return store.issued(namespace).map((t) => ({
    kind: 'token',
    id: tokenId(t.token),
    // Valid while now < expires_at (service/tokens.ts): a part of a second left counts as one.
    ...expiry(t.expires_at, nowMs),
    fields: { client_id: t.client_id, issued_at: new Date(t.issued_at).toISOString(), revoked: t.revoked }
  }))
}

export const store: VendorStore<TokenStore> = {
  spec,
  open: (db) => new TokenStore(db),
  inspect: inspectTokens
}
