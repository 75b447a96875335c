/**
 * FPT state in SQLite, per namespace: eKYC sessions (fpt_sessions) and the faces of completed
 * sessions that face search looks through (fpt_faces). Statements are prepared once per database.
 * Transitions are single conditional UPDATEs, so two concurrent calls on one session cannot both
 * take the same step (the second sees the new state and is refused as the vendor would).
 */
import { groupCommit, type DB, type StoreSpec } from '../../core/db.js'
import { expiry } from '../../core/vendor/inspect.js'
import type { StateItem } from '../../core/vendor/module.js'
import type { DocumentType } from './identity.js'

export const storeSpec: StoreSpec = {
  migrations: [{
    version: 1,
    up: `
CREATE TABLE fpt_sessions (
  namespace TEXT NOT NULL,
  session_id TEXT NOT NULL,
  device_type TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  retry_limit INTEGER NOT NULL,
  state TEXT NOT NULL,           -- new | front | ocr_done | closed
  document_type TEXT,
  identity TEXT,                 -- JSON: the generated holder and document (identity.ts)
  front TEXT,                    -- JSON: the front side's final fields [[key, value, score]]
  front_hash TEXT,               -- perceptual hash of the front image: the document's face for face search
  attempts INTEGER NOT NULL DEFAULT 0,
  closed_reason TEXT,            -- success | limit
  PRIMARY KEY (namespace, session_id)
);
CREATE TABLE fpt_faces (
  namespace TEXT NOT NULL,
  session_id TEXT NOT NULL,
  face_type TEXT NOT NULL,       -- selfie, or the document type (idr, dlr, passport)
  hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX fpt_faces_namespace ON fpt_faces (namespace, face_type);
`
  }],
  tables: ['fpt_sessions', 'fpt_faces']
}

export type SessionState = 'new' | 'front' | 'ocr_done' | 'closed'

export interface SessionRow {
  namespace: string
  session_id: string
  device_type: string
  created_ms: number
  expires_ms: number
  retry_limit: number
  state: SessionState
  document_type: DocumentType | null
  identity: string | null
  front: string | null
  front_hash: string | null
  attempts: number
  closed_reason: string | null
}

export interface FaceRow { session_id: string, face_type: string, hash: string }

export class FptStore {
  private readonly s

  constructor (private readonly db: DB) {
    this.s = {
      insert: db.prepare(`INSERT INTO fpt_sessions (namespace, session_id, device_type, created_ms, expires_ms, retry_limit, state)
        VALUES (?, ?, ?, ?, ?, ?, 'new')`),
      get: db.prepare('SELECT * FROM fpt_sessions WHERE namespace = ? AND session_id = ?'),
      list: db.prepare('SELECT * FROM fpt_sessions WHERE namespace = ? ORDER BY created_ms DESC, rowid DESC'),
      front: db.prepare(`UPDATE fpt_sessions SET state = ?, document_type = ?, identity = ?, front = ?, front_hash = ?
        WHERE namespace = ? AND session_id = ? AND state = 'new'`),
      back: db.prepare(`UPDATE fpt_sessions SET state = 'ocr_done'
        WHERE namespace = ? AND session_id = ? AND state IN ('front', 'ocr_done')`),
      attempt: db.prepare(`UPDATE fpt_sessions SET attempts = attempts + 1,
          state = CASE WHEN attempts + 1 >= retry_limit THEN 'closed' ELSE state END,
          closed_reason = CASE WHEN attempts + 1 >= retry_limit THEN 'limit' ELSE closed_reason END
        WHERE namespace = ? AND session_id = ? AND state = 'ocr_done' RETURNING attempts, state`),
      succeed: db.prepare(`UPDATE fpt_sessions SET state = 'closed', closed_reason = 'success'
        WHERE namespace = ? AND session_id = ? AND state = 'ocr_done'`),
      faces: db.prepare('SELECT session_id, face_type, hash FROM fpt_faces WHERE namespace = ? AND session_id <> ? ORDER BY created_ms, rowid'),
      addFace: db.prepare('INSERT INTO fpt_faces (namespace, session_id, face_type, hash, created_ms) VALUES (?, ?, ?, ?, ?)')
    }
  }

  /** A new session, committed with the other writes of the tick (core's group commit: init is the hot path). */
  async create (namespace: string, id: string, deviceType: string, nowMs: number, lifetimeMs: number, limit: number): Promise<void> {
    await groupCommit(this.db).run(() => this.s.insert.run(namespace, id, deviceType, nowMs, nowMs + lifetimeMs, limit), { single: true })
  }

  get (namespace: string, id: string): SessionRow | undefined {
    return this.s.get.get(namespace, id) as SessionRow | undefined
  }

  /** The namespace's sessions, newest first. */
  list (namespace: string): SessionRow[] {
    return this.s.list.all(namespace) as SessionRow[]
  }

  /** Record the front side (or a whole document): only from the `new` state. */
  recordFront (namespace: string, id: string, next: 'front' | 'ocr_done', doc: DocumentType, identity: string, front: string, frontHash: string): boolean {
    return this.s.front.run(next, doc, identity, front, frontHash, namespace, id).changes === 1
  }

  /** Record the back side: only once the front has been read. */
  recordBack (namespace: string, id: string): boolean {
    return this.s.back.run(namespace, id).changes === 1
  }

  /** Count a failed liveness attempt; the session closes when the limit is reached. Undefined if the session is no longer open. */
  failAttempt (namespace: string, id: string): { attempts: number, closed: boolean } | undefined {
    const row = this.s.attempt.get(namespace, id) as { attempts: number, state: SessionState } | undefined
    return row === undefined ? undefined : { attempts: row.attempts, closed: row.state === 'closed' }
  }

  /** Close the session after a passed liveness; false if it was no longer open. */
  succeed (namespace: string, id: string): boolean {
    return this.s.succeed.run(namespace, id).changes === 1
  }

  /** Faces of the namespace's other sessions, oldest first. */
  faces (namespace: string, exceptSession: string): FaceRow[] {
    return this.s.faces.all(namespace, exceptSession) as FaceRow[]
  }

  addFaces (namespace: string, session: string, faces: Array<{ type: string, hash: string }>, nowMs: number): void {
    this.db.transaction(() => { for (const f of faces) this.s.addFace.run(namespace, session, f.type, f.hash, nowMs) })()
  }
}

/**
 * The namespace's sessions for the admin state endpoint, newest first: each with its expiry (the
 * lifetime counted from init, ruling FPT) on the virtual clock. An expired session keeps the state it
 * had (`remaining_seconds` 0 says it is over); a closed one says why (success, or the retry limit).
 */
export function inspectSessions (store: FptStore, namespace: string, nowMs: number): StateItem[] {
  return store.list(namespace).map((row) => ({
    kind: 'session',
    id: row.session_id,
    ...expiry(row.expires_ms, nowMs),
    fields: {
      state: row.state,
      device_type: row.device_type,
      attempts: row.attempts,
      retry_limit: row.retry_limit,
      retries_left: Math.max(0, row.retry_limit - row.attempts),
      document_type: row.document_type,
      closed_reason: row.closed_reason
    }
  }))
}
