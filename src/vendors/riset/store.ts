/**
 * Riset state: the Accesstokens issued by POST /oauth/client/token and the blacklist filled by POST
 * /oauth/token/revoke (vendor-notes §4: "The token is blacklisted"). Every row belongs to a namespace.
 */
import type { DB, StoreSpec } from '../../core/db.js'
import type { VendorStore } from '../../core/vendor/module.js'

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

export class TokenStore {
  private readonly stmts

  constructor (db: DB) {
    this.stmts = {
      insert: db.prepare('INSERT INTO riset_tokens (namespace, token, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      count: db.prepare('SELECT COUNT(*) FROM riset_tokens WHERE namespace = ?').pluck(),
      issued: db.prepare('SELECT client_id, issued_at, expires_at FROM riset_tokens WHERE namespace = ? AND token = ?'),
      revoke: db.prepare('INSERT INTO riset_revoked (namespace, token, revoked_at) VALUES (?, ?, ?) ON CONFLICT(namespace, token) DO NOTHING'),
      revoked: db.prepare('SELECT 1 FROM riset_revoked WHERE namespace = ? AND token = ?').pluck()
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
}

export const store: VendorStore<TokenStore> = {
  spec,
  open: (db) => new TokenStore(db)
}
