/**
 * The journal's persistence worker (persist.ts): its own SQLite connection to the database file,
 * summarising what the main thread left to summarise, writing what arrived in one transaction at
 * most every FLUSH_MS, keeping the newest entries per namespace. Under load most entries would be
 * trimmed right after being written (the journal keeps journal.max_per_namespace per namespace):
 * those are neither summarised nor written, which was most of what persisting cost (a busy worker
 * takes a core from the requests on a small machine). Under such a load the main thread hands
 * entries over once a second (persist.ts, BUSY_HAND_OVER_MS), so the ring is not rewritten several
 * times a second. A write that fails (the database locked by
 * another process, a full disk) is retried with backoff, then dropped with one warning: the journal
 * is a record, not state.
 */
import { createHash } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { head, withBody, type JournalEntry } from './entry.js'
import type { FromWorker, PersistRow, ToWorker, WorkerInit } from './persist.js'
import { Budget, responseBody, type Secrets } from './summarise.js'

const init = workerData as WorkerInit
const secrets: Secrets = { headers: new Set(init.secrets.headers), fields: new Set(init.secrets.fields) }
const port = parentPort as NonNullable<typeof parentPort>
const send = (m: FromWorker): void => { port.postMessage(m) }

const db = new Database(init.file)
db.pragma('busy_timeout = 2000')
const insert = db.prepare(`INSERT INTO core_journal
  (id, namespace, time, vendor, operation, method, path, status, scenario, duration_ms, request, response, fault, truncated, body_ref)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
const insertBody = db.prepare('INSERT OR IGNORE INTO core_journal_bodies (hash, body) VALUES (?, ?)')
// Bodies no row refers to any more (trimmed, cleared, reset by the main thread).
const tidyBodies = db.prepare(`DELETE FROM core_journal_bodies WHERE hash NOT IN
  (SELECT body_ref FROM core_journal WHERE body_ref IS NOT NULL)`)
const trim = db.prepare(`DELETE FROM core_journal WHERE namespace = ? AND id <= (
  SELECT id FROM core_journal WHERE namespace = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`)

const RETRIES = [250, 1000, 4000]
/** Entries wait at most this long to be written (a clean shutdown writes them at once). */
const FLUSH_MS = 200
let queue: Array<{ rows: PersistRow[], attempt: number }> = []
let timer: NodeJS.Timeout | undefined
const warned = new Set<string>()

function warnOnce (kind: string, message: string): void {
  if (warned.has(kind)) return
  warned.add(kind)
  send({ type: 'warn', message })
}

/** Payloads sent once and referred to by id after (persist.ts, SharedPayloads). */
const payloads = new Map<number, string>()
const limits = { maxText: init.maxText, maxEntryBytes: 0, secrets }

/**
 * A shared payload (the same answer sent many times, e.g. Weber's catalogue) summarises alike for
 * the same content type and budget: summarised once, and its JSON text and hash made once (sharedBodies),
 * per payload id until the main thread forgets the payload. Under a load of such answers this was most
 * of the worker's work: parsing, walking and re-serialising 8.6 KB per entry.
 */
const summaries = new Map<number, Map<string, { body: unknown, cut: boolean }>>()
/** A shared body's JSON text and its hash, the key of its one row in core_journal_bodies. */
const sharedBodies = new WeakMap<object, { json: string, hash: string }>()

function summaryOf (r: PersistRow, contentType: string | undefined): { body: unknown, cut: boolean } {
  const budget = Object.assign(new Budget(r.budgetLeft, init.maxText), { cut: r.cut })
  if (r.payloadRef === undefined) return { body: responseBody(r.payload, contentType, budget, secrets), cut: budget.cut }
  let byBudget = summaries.get(r.payloadRef)
  if (byBudget === undefined) summaries.set(r.payloadRef, byBudget = new Map())
  const key = `${contentType ?? ''}\u0000${r.budgetLeft}\u0000${String(r.cut)}`
  let s = byBudget.get(key)
  if (s === undefined) {
    byBudget.set(key, s = { body: responseBody(r.payload, contentType, budget, secrets), cut: budget.cut })
    if (s.body !== null && typeof s.body === 'object') {
      const json = JSON.stringify(s.body)
      sharedBodies.set(s.body, { json, hash: createHash('sha256').update(json).digest('base64url') })
    }
  }
  return s
}

/** The entry of a row: its view as sent, or built here from its parts (headers redacted, body summarised). */
function entryOf (r: PersistRow): JournalEntry {
  if (r.view !== undefined) return r.view
  const parts = r.parts as NonNullable<PersistRow['parts']>
  const held = { id: parts.id, namespace: r.namespace, pending: { ...parts.pending, response: { ...parts.pending.response, body: null } }, requestBody: parts.requestBody, budget: new Budget(0, 0), bytes: 0, view: undefined }
  const s = summaryOf(r, parts.pending.response.contentType)
  return withBody(head(held, limits), s.body, s.cut)
}

/** The response column, and the shared body it refers to instead of holding it (loadPersisted puts it back). */
function responseColumns (response: JournalEntry['response']): { text: string, shared: { json: string, hash: string } | undefined } {
  const shared = response.body !== null && typeof response.body === 'object' ? sharedBodies.get(response.body) : undefined
  if (shared === undefined) return { text: JSON.stringify(response), shared }
  return { text: JSON.stringify({ ...response, body: null }), shared }
}

/** The newest `max` rows of each namespace, in arrival order: older ones would be trimmed at once. */
function newestPerNamespace (rows: PersistRow[], max: number): PersistRow[] {
  const seen = new Map<string, number>()
  const keep: PersistRow[] = []
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i] as PersistRow
    const n = seen.get(r.namespace) ?? 0
    if (n >= max) continue
    seen.set(r.namespace, n + 1)
    keep.push(r)
  }
  return keep.reverse()
}

function write (rows: PersistRow[]): void {
  // Summarised and serialised before the transaction: the write lock, which the main thread's state
  // writes wait for, is held only for the inserts.
  const bodies = new Map<string, string>()
  const values = rows.map((r) => {
    const e = entryOf(r)
    const response = responseColumns(e.response)
    if (response.shared !== undefined) bodies.set(response.shared.hash, response.shared.json)
    return [e.id, r.namespace, e.time, e.vendor, e.operation, e.method, e.path, e.status, e.scenario, e.duration_ms,
      JSON.stringify(e.request), response.text, e.fault === null ? null : JSON.stringify(e.fault), e.truncated === true ? 1 : 0,
      response.shared?.hash ?? null]
  })
  const namespaces = new Set(rows.map((r) => r.namespace))
  db.transaction(() => {
    for (const [hash, json] of bodies) insertBody.run(hash, json)
    for (const v of values) insert.run(...v)
    for (const ns of namespaces) trim.run(ns, ns, init.maxPerNamespace)
    tidyBodies.run()
  })()
}

/**
 * Write what is queued (the newest entries of each namespace) in one transaction; a failed write
 * waits for its next attempt, or is dropped after the last (at once when the worker is closing).
 */
function drain (closing = false): void {
  timer = undefined
  if (queue.length === 0) return
  const all = queue.flatMap((q) => q.rows)
  const attempt = Math.max(...queue.map((q) => q.attempt))
  const rows = newestPerNamespace(all, init.maxPerNamespace)
  queue = []
  // Rows that would be trimmed right away are done with now.
  if (all.length > rows.length) send({ type: 'ack', rows: all.length - rows.length })
  try {
    write(rows)
  } catch (err) {
    const delay = closing ? undefined : RETRIES[attempt]
    if (delay === undefined) {
      warnOnce('dropped', `entries could not be written to the database and were dropped (kept in memory): ${(err as Error).message}`)
      send({ type: 'ack', rows: rows.length })
      return
    }
    warnOnce('retry', `writing entries failed, retrying: ${(err as Error).message}`)
    queue = [{ rows, attempt: attempt + 1 }]
    timer = setTimeout(drain, delay)
    return
  }
  send({ type: 'ack', rows: rows.length })
}

function clear (namespace: string | null, belowId: number): void {
  try {
    if (namespace === null) db.prepare('DELETE FROM core_journal WHERE id < ?').run(belowId)
    else db.prepare('DELETE FROM core_journal WHERE namespace = ? AND id < ?').run(namespace, belowId)
    tidyBodies.run()
  } catch (err) {
    warnOnce('clear', `clearing persisted entries failed: ${(err as Error).message}`)
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'rows') {
    // Rows refer to payloads of this message or earlier ones: take the text now, before any forget
    // (summarised when written, if they are).
    for (const [id, text] of m.payloads) payloads.set(id, text)
    const rows = m.rows.map((r) => r.payloadRef === undefined ? r : { ...r, payload: payloads.get(r.payloadRef) })
    for (const id of m.forget) {
      payloads.delete(id)
      summaries.delete(id)
    }
    queue.push({ rows, attempt: 0 })
    timer ??= setTimeout(drain, FLUSH_MS)
  } else if (m.type === 'clear') {
    // Rows handed over before the clear are written first, then cleared with the rest.
    clearTimeout(timer)
    drain()
    let dropped = 0
    for (const q of queue) {
      const kept = q.rows.filter((r) => m.namespace !== null && r.namespace !== m.namespace)
      dropped += q.rows.length - kept.length
      q.rows = kept
    }
    queue = queue.filter((q) => q.rows.length > 0)
    if (dropped > 0) send({ type: 'ack', rows: dropped })
    clear(m.namespace, m.belowId)
  } else {
    clearTimeout(timer)
    drain(true)
    db.close()
    send({ type: 'closed' })
    port.close()
  }
})
