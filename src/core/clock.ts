/**
 * The virtual clock: real time plus a per-namespace offset, so that a test can make a 30-minute
 * session expire in milliseconds (CONTRACT.md, `POST /__admin/clock/advance`). Vendor code reads time
 * only from here. Offsets are kept in SQLite (they survive a restart with a database file) and cached.
 */
import type { DB } from './db.js'

export const CLOCK_TABLE = 'core_clock'

export const clockMigration = `CREATE TABLE ${CLOCK_TABLE} (namespace TEXT PRIMARY KEY, offset_ms INTEGER NOT NULL)`

export class Clock {
  private readonly offsets = new Map<string, number>()
  private readonly base: () => number
  private readonly upsert
  private readonly remove

  /** `base` is the real time source; tests may pass a fixed one. */
  constructor (private readonly db: DB, base: () => number = Date.now) {
    this.base = base
    for (const row of db.prepare(`SELECT namespace, offset_ms FROM ${CLOCK_TABLE}`).all() as Array<{ namespace: string, offset_ms: number }>) {
      this.offsets.set(row.namespace, row.offset_ms)
    }
    this.upsert = db.prepare(`INSERT INTO ${CLOCK_TABLE} (namespace, offset_ms) VALUES (?, ?)
      ON CONFLICT(namespace) DO UPDATE SET offset_ms = excluded.offset_ms`)
    this.remove = db.prepare(`DELETE FROM ${CLOCK_TABLE} WHERE namespace = ?`)
  }

  offset (namespace: string): number {
    return this.offsets.get(namespace) ?? 0
  }

  /** Milliseconds since the epoch, as the namespace sees it. */
  nowMs (namespace: string): number {
    return this.base() + this.offset(namespace)
  }

  now (namespace: string): Date {
    return new Date(this.nowMs(namespace))
  }

  /** Move the namespace's clock forward (the clock never goes back except by reset). */
  advance (namespace: string, ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward')
    const next = this.offset(namespace) + Math.round(ms)
    if (!Number.isSafeInteger(next)) throw new RangeError('offset too large')
    // The database first: when the write fails (a locked or full database), nothing has changed.
    this.upsert.run(namespace, next)
    this.offsets.set(namespace, next)
    return next
  }

  reset (namespace: string | undefined): void {
    if (namespace === undefined) {
      this.db.prepare(`DELETE FROM ${CLOCK_TABLE}`).run()
      this.offsets.clear()
    } else {
      this.remove.run(namespace)
      this.offsets.delete(namespace)
    }
  }
}
