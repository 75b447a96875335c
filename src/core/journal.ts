/**
 * The request journal (CONTRACT.md, `GET /__admin/requests`): every vendor request and its response,
 * so a test can verify what its client sent. Recording must not slow the request: the hooks only
 * keep references; summarising bodies (hashing image payloads) and the SQLite writes happen in one
 * batched transaction after the response, off the request path. A query first flushes what is
 * pending, so it includes every request answered before it. Images are stored as
 * `{ "bytes": N, "sha256": "..." }`, never inline. Entries are capped per namespace.
 *
 * Subscribers (the admin API's live feed, `GET /__admin/requests/stream`) hear of each entry as its
 * batch is committed, and of a namespace's journal being cleared: no one polls the table.
 */
import type { DB } from './db.js'
import { sha256Hex } from './images.js'
import type { Fault } from './scenarios/schema.js'

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

/** Core migration 2: the faults a scenario applied to the response (JSON), beside the scenario. */
export const journalFaultMigration = `ALTER TABLE ${JOURNAL_TABLE} ADD COLUMN fault TEXT`

/** What the hooks hand over: raw references, summarised at flush time. */
export interface PendingEntry {
  namespace: string
  time: string
  vendor: string
  operation: string | undefined
  method: string
  path: string
  status: number
  scenario: string | undefined
  /** The scenario fault applied to the response (latency, status, drop, ...), if any. */
  fault?: Fault | undefined
  durationMs: number
  request: { headers: Record<string, unknown>, query: unknown, body: unknown }
  response: { headers: Record<string, unknown>, body: unknown, contentType: string | undefined }
}

export interface JournalEntry {
  id: number
  time: string
  vendor: string
  operation: string | null
  method: string
  path: string
  status: number
  scenario: string | null
  fault: Fault | null
  duration_ms: number
  request: unknown
  response: unknown
}

/** What a subscriber hears: a new entry, or the namespace's journal cleared (clear or reset). */
export type JournalEvent = { kind: 'request', entry: JournalEntry } | { kind: 'cleared' }
export type JournalListener = (event: JournalEvent) => void

export interface JournalQuery {
  vendor?: string | undefined
  operation?: string | undefined
  scenario?: string | undefined
  status?: number | undefined
  limit?: number | undefined
}

const DATA_URI = /^data:[a-z0-9.+/-]*(;[a-z0-9=.+-]*)*;base64,/i
const BASE64_HEAD = /^[A-Za-z0-9+/_-]{200,}$/
/** Strings at least this long that look like base64 are taken for binary payloads (images, templates). */
const MIN_BINARY_CHARS = 200

function binary (bytes: Buffer): { bytes: number, sha256: string } {
  return { bytes: bytes.length, sha256: sha256Hex(bytes) }
}

/** Replace binary payloads by {bytes, sha256} and cut very long text. Exported for tests. */
export function summarise (value: unknown, maxText: number, depth = 0): unknown {
  if (depth > 32) return '[too deep]'
  if (Buffer.isBuffer(value)) return binary(value)
  if (typeof value === 'string') {
    if (value.length >= MIN_BINARY_CHARS) {
      const m = DATA_URI.exec(value)
      const b64 = m === null ? value : value.slice(m[0].length)
      // Only the head is tested: a regex over a 40 MB string would be slow (or overflow the stack).
      if (m !== null || BASE64_HEAD.test(value.slice(0, 1024).replace(/=+$/, ''))) return binary(Buffer.from(b64, 'base64'))
    }
    return value.length > maxText ? `${value.slice(0, maxText)}… [${value.length} chars]` : value
  }
  if (Array.isArray(value)) return value.map((v) => summarise(v, maxText, depth + 1))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = summarise(v, maxText, depth + 1)
    return out
  }
  return value
}

function responseBody (body: unknown, contentType: string | undefined, maxText: number): unknown {
  if (body === undefined || body === null || body === '') return null
  const ct = contentType ?? ''
  if (Buffer.isBuffer(body) && !/json|text/i.test(ct)) return binary(body)
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined
  if (text === undefined) return '[stream]'
  if (/json/i.test(ct)) {
    try {
      return summarise(JSON.parse(text), maxText)
    } catch {
      return summarise(text, maxText)
    }
  }
  return summarise(text, maxText)
}

export class Journal {
  private queue: PendingEntry[] = []
  private scheduled = false
  private readonly insert
  private readonly trim
  private readonly listeners = new Map<string, Set<JournalListener>>()

  constructor (private readonly db: DB, private readonly cap: number, private readonly maxText: number) {
    this.insert = db.prepare(`INSERT INTO ${JOURNAL_TABLE}
      (namespace, time, vendor, operation, method, path, status, scenario, fault, duration_ms, request, response)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.trim = db.prepare(`DELETE FROM ${JOURNAL_TABLE} WHERE namespace = ? AND id <= (
      SELECT id FROM ${JOURNAL_TABLE} WHERE namespace = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`)
  }

  /** Called from onResponse: O(1), no I/O. */
  record (entry: PendingEntry): void {
    this.queue.push(entry)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Write what is pending in one transaction, then trim the namespaces written to and tell subscribers. */
  flush (): void {
    this.scheduled = false
    if (this.queue.length === 0) return
    const batch = this.queue
    this.queue = []
    if (!this.db.open) return
    const namespaces = new Set<string>()
    const written: Array<{ namespace: string, entry: JournalEntry }> = []
    this.db.transaction(() => {
      for (const e of batch) {
        namespaces.add(e.namespace)
        const request = {
          headers: e.request.headers,
          query: e.request.query ?? {},
          body: summarise(e.request.body ?? null, this.maxText)
        }
        const response = { headers: e.response.headers, body: responseBody(e.response.body, e.response.contentType, this.maxText) }
        const duration = Math.round(e.durationMs * 1000) / 1000
        const fault = e.fault ?? null
        const id = this.insert.run(e.namespace, e.time, e.vendor, e.operation ?? null, e.method, e.path, e.status, e.scenario ?? null,
          fault === null ? null : JSON.stringify(fault), duration, JSON.stringify(request), JSON.stringify(response)).lastInsertRowid
        if (this.listeners.has(e.namespace)) {
          // Through JSON, so subscribers get exactly what GET /__admin/requests would answer.
          const entry = { id: Number(id), time: e.time, vendor: e.vendor, operation: e.operation ?? null, method: e.method, path: e.path, status: e.status, scenario: e.scenario ?? null, fault, duration_ms: duration, request, response }
          written.push({ namespace: e.namespace, entry: JSON.parse(JSON.stringify(entry)) as JournalEntry })
        }
      }
      for (const ns of namespaces) this.trim.run(ns, ns, this.cap)
    })()
    for (const w of written) this.emit(w.namespace, { kind: 'request', entry: w.entry })
  }

  /** Hear of the namespace's new entries (as they are committed) and of its journal being cleared. */
  subscribe (namespace: string, listener: JournalListener): () => void {
    let set = this.listeners.get(namespace)
    if (set === undefined) this.listeners.set(namespace, set = new Set())
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(namespace) === set) this.listeners.delete(namespace)
    }
  }

  /** Tell subscribers that the namespace's journal (or every namespace's) was emptied by a reset. */
  notifyCleared (namespace: string | undefined): void {
    const targets = namespace === undefined ? [...this.listeners.keys()] : [namespace]
    for (const ns of targets) this.emit(ns, { kind: 'cleared' })
  }

  private emit (namespace: string, event: JournalEvent): void {
    for (const listener of this.listeners.get(namespace) ?? []) {
      // A failing subscriber must not stop the others, nor the request that caused the flush.
      try { listener(event) } catch {}
    }
  }

  query (namespace: string, q: JournalQuery): JournalEntry[] {
    this.flush()
    const where = ['namespace = ?']
    const args: unknown[] = [namespace]
    if (q.vendor !== undefined) { where.push('vendor = ?'); args.push(q.vendor) }
    if (q.operation !== undefined) { where.push('operation = ?'); args.push(q.operation) }
    if (q.scenario !== undefined) { where.push('scenario = ?'); args.push(q.scenario) }
    if (q.status !== undefined) { where.push('status = ?'); args.push(q.status) }
    args.push(q.limit ?? 100)
    const rows = this.db.prepare(`SELECT id, time, vendor, operation, method, path, status, scenario, fault, duration_ms, request, response
      FROM ${JOURNAL_TABLE} WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args) as Array<JournalEntry & { fault: string | null, request: string, response: string }>
    return rows.map((r) => ({
      ...r,
      fault: r.fault === null ? null : JSON.parse(r.fault) as Fault,
      request: JSON.parse(r.request) as unknown,
      response: JSON.parse(r.response) as unknown
    }))
  }

  /** Delete the namespace's entries; returns how many. */
  clear (namespace: string): number {
    this.flush()
    const n = this.db.prepare(`DELETE FROM ${JOURNAL_TABLE} WHERE namespace = ?`).run(namespace).changes
    this.emit(namespace, { kind: 'cleared' })
    return n
  }

  /** Drop what is pending for the namespace (or everything) before its rows are deleted. */
  discardPending (namespace: string | undefined): void {
    this.queue = namespace === undefined ? [] : this.queue.filter((e) => e.namespace !== namespace)
  }
}
