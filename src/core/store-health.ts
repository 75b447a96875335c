/**
 * Whether the database takes writes. A state write can fail for reasons outside the sandbox: another
 * process holds the write lock (a user's `BEGIN IMMEDIATE;` in the sqlite3 shell), the disk is full,
 * the file became read-only. Such a failure answers that request with the vendor's server error (or
 * the sandbox's own `store-unavailable`), is noted here once, and shows in `GET /__admin/health`;
 * the health check probes the store again, so the state clears by itself once writes work.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { DB } from './db.js'

export interface StoreStatus {
  writable: boolean
  /** Why writes fail (the SQLite error), while they do. */
  error?: string
  /** Since when (real time, ISO-8601). */
  since?: string
}

/** SQLite's own failures (locked, busy, full, read-only, I/O): environmental, never a bug of the caller. */
export function isStoreFault (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_')
}

export const PROBE_TABLE = 'core_store_probe'
export const probeMigration = `CREATE TABLE ${PROBE_TABLE} (id INTEGER PRIMARY KEY, data BLOB)`

/** Bytes the probe writes: enough to need fresh pages, so a full disk shows. */
const PROBE_BYTES = 16 * 1024

export class StoreHealth {
  private failure: { error: string, since: string } | undefined

  constructor (private readonly db: DB, private readonly log: FastifyBaseLogger, private readonly busyTimeoutMs: number) {}

  /** Note a failed write (logged once per episode). */
  note (err: unknown): void {
    if (this.failure !== undefined) return
    const error = `${String((err as { code?: unknown }).code)}: ${(err as Error).message}`
    this.failure = { error, since: new Date().toISOString() }
    this.log.warn(`the database does not take writes (${error}); answering with server errors until it does`)
  }

  /** The store's status; while failing, one quick write (no waiting on a lock) tells whether it still does. */
  status (): StoreStatus {
    if (this.failure !== undefined && this.probe()) {
      this.log.info('the database takes writes again')
      this.failure = undefined
    }
    return this.failure === undefined ? { writable: true } : { writable: false, ...this.failure }
  }

  private probe (): boolean {
    this.db.pragma('busy_timeout = 0')
    try {
      this.db.transaction(() => {
        this.db.prepare(`INSERT INTO ${PROBE_TABLE} (data) VALUES (zeroblob(?))`).run(PROBE_BYTES)
        this.db.prepare(`DELETE FROM ${PROBE_TABLE}`).run()
      })()
      return true
    } catch (err) {
      if (!isStoreFault(err)) throw err
      return false
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`)
    }
  }
}
