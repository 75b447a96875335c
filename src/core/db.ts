/**
 * One better-sqlite3 database holds all state: the core's tables (clock, scenarios, journal) and each
 * vendor's own prefixed tables. WAL mode, versioned migrations per owner ("core" or a vendor id),
 * every row keyed by namespace so that one namespace can be reset without touching the others.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type DB = Database.Database

/** How long a write waits for another process's write lock. */
export const BUSY_TIMEOUT_MS = 1000

export interface Migration {
  /** 1, 2, 3 ... in order; a migration runs once per database. */
  version: number
  /** SQL run in one transaction. */
  up: string
}

export interface StoreSpec {
  /** Versioned schema of the owner's tables. */
  migrations: Migration[]
  /** Every table the owner keeps per namespace (each has a `namespace` column): what a reset deletes from. */
  tables: string[]
}

export function openDatabase (file: string): DB {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  // A write waits this long for another process's lock, then fails (store-health.ts): the event loop
  // stalls for at most this long, never for the default 5 s.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.exec(`CREATE TABLE IF NOT EXISTS sandbox_migrations (
    owner TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (owner, version))`)
  return db
}

/** Apply the owner's migrations that this database has not seen yet. */
export function migrate (db: DB, owner: string, migrations: readonly Migration[]): void {
  const seen = new Set((db.prepare('SELECT version FROM sandbox_migrations WHERE owner = ?').all(owner) as Array<{ version: number }>).map((r) => r.version))
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`${owner}: migration versions must be 1..n without gaps (found ${m.version} at position ${i + 1})`)
  })
  const record = db.prepare('INSERT INTO sandbox_migrations (owner, version, applied_at) VALUES (?, ?, ?)')
  for (const m of sorted) {
    if (seen.has(m.version)) continue
    db.transaction(() => {
      db.exec(m.up)
      record.run(owner, m.version, new Date().toISOString())
    })()
  }
}

/** Delete the namespace's rows (or every row, namespace undefined) of the given tables, in one transaction. */
export function resetTables (db: DB, tables: readonly string[], namespace: string | undefined): void {
  db.transaction(() => {
    for (const t of tables) {
      if (!/^[a-z][a-z0-9_]*$/.test(t)) throw new Error(`bad table name ${t}`)
      if (namespace === undefined) db.prepare(`DELETE FROM ${t}`).run()
      else db.prepare(`DELETE FROM ${t} WHERE namespace = ?`).run(namespace)
    }
  })()
}

/**
 * Group commit: writes that may wait until the end of the current tick run together in one
 * transaction (each in its own savepoint, or alone when it is one statement, so one failing write
 * does not undo the others), which
 * costs a fraction of one transaction per write. The caller awaits its write before answering, so
 * nothing is acknowledged before it is committed; a commit that fails (a locked or full database)
 * fails every write of the batch, and none of them is kept.
 */
export class GroupCommit {
  private queue: Array<{ run: () => unknown, single: boolean, resolve: (v: unknown) => void, reject: (e: unknown) => void }> = []
  private scheduled = false
  /** Made once: better-sqlite3 prepares a transaction function's statements when it is created. */
  private readonly commit: (batch: Array<{ run: () => unknown, single: boolean }>) => Array<{ ok: boolean, value: unknown }>

  constructor (db: DB) {
    // Called inside the batch's transaction, a transaction function runs as a savepoint.
    const savepoint = db.transaction((write: () => unknown) => write())
    this.commit = db.transaction((batch: Array<{ run: () => unknown, single: boolean }>) => batch.map((w) => {
      try {
        // One statement is atomic by itself (SQLite undoes a failed statement alone): no savepoint.
        return { ok: true, value: w.single ? w.run() : savepoint(w.run) }
      } catch (err) {
        return { ok: false, value: err }
      }
    }))
  }

  /** Queue a write; `single`: it is one SQL statement (cheaper: no savepoint around it). */
  run<T> (write: () => T, options: { single?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: write, single: options.single === true, resolve: resolve as (v: unknown) => void, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => { this.flush() })
      }
    })
  }

  /** Commit what is queued now (also before the database closes). */
  flush (): void {
    this.scheduled = false
    const batch = this.queue
    this.queue = []
    if (batch.length === 0) return
    let results: Array<{ ok: boolean, value: unknown }>
    try {
      results = this.commit(batch)
    } catch (err) {
      for (const w of batch) w.reject(err)
      return
    }
    batch.forEach((w, i) => {
      const r = results[i] as { ok: boolean, value: unknown }
      if (r.ok) w.resolve(r.value)
      else w.reject(r.value)
    })
  }
}

const groups = new WeakMap<DB, GroupCommit>()

/** The database's group commit (one per database). */
export function groupCommit (db: DB): GroupCommit {
  let g = groups.get(db)
  if (g === undefined) groups.set(db, g = new GroupCommit(db))
  return g
}
