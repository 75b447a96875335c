/**
 * The request journal (CONTRACT.md, `GET /__admin/requests`): every vendor request and its response,
 * so a test can verify what its client sent. It must cost the request almost nothing: the hooks hand
 * references over (`record`, O(1)); right after the responses of a tick, the batch is taken in (request
 * bodies summarised so that large payloads are not kept); response bodies the sandbox serialised
 * itself are summarised only when somebody reads them. Entries live in a bounded ring per namespace
 * (count, and bytes over all namespaces), are read from there (a query sees every request answered
 * before it, newest first), and, with a database file, are persisted by a worker thread so that
 * neither serialising nor SQLite writes run on the event loop.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { DB } from '../db.js'
import { hold, view, type HeldEntry, type JournalEntry, type JournalLimits, type PendingEntry } from './entry.js'
import { JournalPersister, loadPersisted } from './persist.js'
import type { Secrets } from './summarise.js'

export type { JournalEntry, PendingEntry }

export const JOURNAL_TABLE = 'core_journal'

export const journalMigration = `
CREATE TABLE ${JOURNAL_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  namespace TEXT NOT NULL,
  time TEXT NOT NULL,
  vendor TEXT NOT NULL,
  operation TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  scenario TEXT,
  duration_ms REAL NOT NULL,
  request TEXT NOT NULL,
  response TEXT NOT NULL
);
CREATE INDEX core_journal_ns ON ${JOURNAL_TABLE} (namespace, id);
`

/** Version 2: the fault applied to each answer. */
export const journalMigration2 = `ALTER TABLE ${JOURNAL_TABLE} ADD COLUMN fault TEXT`
/** An entry cut to journal.max_entry_bytes says so after a restart too. */
export const journalMigration3 = `ALTER TABLE ${JOURNAL_TABLE} ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0`
/**
 * A shared answer's summarised body (the same answer sent many times: Weber's catalogue, say) is
 * stored once and rows refer to it (journal/worker.ts): writing 8.6 KB into every row was a quarter
 * of the process's CPU under such a load. No namespace column: rows no longer referring to a body
 * take it with them when the worker tidies up.
 */
export const JOURNAL_BODIES_TABLE = 'core_journal_bodies'
export const journalMigration4 = `CREATE TABLE ${JOURNAL_BODIES_TABLE} (hash TEXT PRIMARY KEY, body TEXT NOT NULL);
ALTER TABLE ${JOURNAL_TABLE} ADD COLUMN body_ref TEXT`

export interface JournalQuery {
  vendor?: string | undefined
  operation?: string | undefined
  scenario?: string | undefined
  status?: number | undefined
  limit?: number | undefined
}

export interface JournalSettings {
  maxPerNamespace: number
  maxTotalBytes: number
  maxText: number
  maxEntryBytes: number
  secrets: Secrets
}

/** The most body text one `GET /__admin/requests` answer carries; older entries beyond it are left out. */
export const MAX_QUERY_BYTES = 32 * 1024 * 1024

/** What a subscriber hears: a new entry, or the namespace's journal cleared (clear or reset). */
export type JournalEvent = { kind: 'request', entry: JournalEntry } | { kind: 'cleared' }
export type JournalListener = (event: JournalEvent) => void

export function matches (e: JournalEntry, q: JournalQuery): boolean {
  return (q.vendor === undefined || e.vendor === q.vendor) &&
    (q.operation === undefined || e.operation === q.operation) &&
    (q.scenario === undefined || e.scenario === q.scenario) &&
    (q.status === undefined || e.status === q.status)
}

export class Journal {
  private pending: PendingEntry[] = []
  private scheduled = false
  private nextId: number
  private readonly rings = new Map<string, HeldEntry[]>()
  /**
   * Every held entry in arrival order, for the byte cap over all namespaces. Entries evicted by their
   * namespace's cap (or a clear) stay until they are skipped or compacted away: `gone` counts them.
   */
  private arrival: HeldEntry[] = []
  private gone = 0
  private totalBytes = 0
  private readonly limits: JournalLimits
  private readonly listeners = new Map<string, Set<JournalListener>>()
  /** Namespaces whose persisted entries (from an earlier run) have been read into their ring. */
  private readonly loaded = new Set<string>()
  /** Per namespace: entries below this id were cleared (never load them back). */
  private readonly clearedBelow = new Map<string, number>()
  private clearedAllBelow = 0
  private readonly firstId: number
  private readonly persister: JournalPersister | undefined

  constructor (private readonly db: DB, private readonly file: string, private readonly settings: JournalSettings, private readonly log: FastifyBaseLogger) {
    this.limits = { maxText: settings.maxText, maxEntryBytes: settings.maxEntryBytes, secrets: settings.secrets }
    this.nextId = (db.prepare(`SELECT coalesce(max(id), 0) FROM ${JOURNAL_TABLE}`).pluck().get() as number) + 1
    this.firstId = this.nextId
    this.persister = file === ':memory:' ? undefined : new JournalPersister(file, settings, log, db)
  }

  /** Called from onResponse: O(1), no I/O. */
  record (entry: PendingEntry): void {
    this.pending.push(entry)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => { this.flush() })
    }
  }

  /** Take in what is pending: into the rings, to the listeners, to the persister. */
  flush (): void {
    this.scheduled = false
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    const held = batch.map((p) => this.take(p))
    this.persister?.persist(held)
  }

  private take (p: PendingEntry): HeldEntry {
    const h = hold(this.nextId++, p, this.limits)
    let ring = this.rings.get(h.namespace)
    if (ring === undefined) this.rings.set(h.namespace, ring = [])
    ring.push(h)
    this.arrival.push(h)
    this.totalBytes += h.bytes
    if (ring.length > this.settings.maxPerNamespace) this.evict(ring.shift() as HeldEntry)
    while (this.totalBytes > this.settings.maxTotalBytes && this.arrival.length > 1) this.evictOldest()
    if ((this.listeners.get(h.namespace)?.size ?? 0) > 0) this.emit(h.namespace, { kind: 'request', entry: view(h, this.limits) })
    return h
  }

  /** Drop an entry's bytes from the total and mark it gone; false if it was gone already. */
  private release (h: HeldEntry): boolean {
    if (h.bytes < 0) return false
    this.totalBytes -= h.bytes
    h.bytes = -1 // marks it gone for the arrival list
    return true
  }

  /** Evict an entry that is still in the arrival list. */
  private evict (h: HeldEntry): void {
    if (!this.release(h)) return
    // Without this, the arrival list would keep every entry ever recorded while the byte cap is not
    // reached (a leak of every request): dropped once they are half of it, in one pass.
    if (++this.gone > 1024 && this.gone * 2 > this.arrival.length) {
      this.arrival = this.arrival.filter((e) => e.bytes >= 0)
      this.gone = 0
    }
  }

  private evictOldest (): void {
    const h = this.arrival.shift() as HeldEntry
    if (h.bytes < 0) {
      this.gone--
      return
    }
    const ring = this.rings.get(h.namespace)
    const i = ring?.indexOf(h) ?? -1
    if (ring !== undefined && i >= 0) ring.splice(i, 1)
    this.release(h)
  }

  /** The ring of a namespace, with the entries an earlier run persisted read in once. */
  private ring (namespace: string): HeldEntry[] {
    let ring = this.rings.get(namespace)
    if (ring === undefined) this.rings.set(namespace, ring = [])
    if (!this.loaded.has(namespace)) {
      this.loaded.add(namespace)
      const from = Math.max(this.clearedAllBelow, this.clearedBelow.get(namespace) ?? 0)
      const old = loadPersisted(this.db, namespace, from, this.firstId, this.settings.maxPerNamespace - ring.length)
      ring.unshift(...old)
      // Older than anything taken in since the start: first in line for the byte cap.
      this.arrival.unshift(...old)
      for (const h of old) this.totalBytes += h.bytes
      while (this.totalBytes > this.settings.maxTotalBytes && this.arrival.length > 1) this.evictOldest()
    }
    return ring
  }

  /** Newest first; every request answered before the call is included. */
  query (namespace: string, q: JournalQuery): { requests: JournalEntry[], truncated: boolean } {
    this.flush()
    const ring = this.ring(namespace)
    const limit = q.limit ?? 100
    const out: JournalEntry[] = []
    let bytes = 0
    for (let i = ring.length - 1; i >= 0 && out.length < limit; i--) {
      const e = view(ring[i] as HeldEntry, this.limits)
      if (!matches(e, q)) continue
      bytes += this.settings.maxEntryBytes - (ring[i] as HeldEntry).budget.left
      if (bytes > MAX_QUERY_BYTES && out.length > 0) return { requests: out, truncated: true }
      out.push(e)
    }
    return { requests: out, truncated: false }
  }

  /**
   * Hear of the namespace's new entries as they are taken in (right after their responses), and of
   * its journal being cleared; returns the unsubscribe function. Nobody polls anything.
   */
  subscribe (namespace: string, listener: JournalListener): () => void {
    let set = this.listeners.get(namespace)
    if (set === undefined) this.listeners.set(namespace, set = new Set())
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(namespace) === set) this.listeners.delete(namespace)
    }
  }

  private emit (namespace: string, event: JournalEvent): void {
    for (const listener of this.listeners.get(namespace) ?? []) {
      try {
        listener(event)
      } catch (err) {
        // A failing subscriber (a bug in it) must neither stop the others nor the journal.
        this.log.error({ err }, 'journal: a subscriber failed')
      }
    }
  }

  /** Namespaces whose journal holds entries in memory. */
  namespaces (): string[] {
    this.flush()
    return [...this.rings].filter(([, ring]) => ring.length > 0).map(([ns]) => ns)
  }

  /** How many entries the namespace's journal holds. */
  count (namespace: string): number {
    this.flush()
    return this.ring(namespace).length
  }

  /** Delete the namespace's entries (or every namespace's); returns how many the namespace held. */
  clear (namespace: string | undefined): number {
    this.flush()
    const names = namespace === undefined ? [...this.rings.keys()] : [namespace]
    let n = 0
    for (const ns of names) {
      const ring = this.ring(ns)
      n += ring.length
      for (const h of ring) this.evict(h)
      this.rings.set(ns, [])
      this.clearedBelow.set(ns, this.nextId)
    }
    if (namespace === undefined) this.clearedAllBelow = this.nextId
    this.persister?.clear(namespace, this.nextId)
    for (const ns of namespace === undefined ? [...this.listeners.keys()] : [namespace]) this.emit(ns, { kind: 'cleared' })
    return n
  }

  async close (): Promise<void> {
    this.flush()
    await this.persister?.close()
  }
}
