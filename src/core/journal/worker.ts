/**
 * The journal's persistence worker (persist.ts): its own SQLite connection to the database file,
 * summarising what the main thread left to summarise, writing each batch in one transaction, keeping
 * the newest entries per namespace. A write that fails (the database locked by another process, a
 * full disk) is retried with backoff, then dropped with one warning: the journal is a record, not state.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { complete, head, type JournalEntry } from './entry.js'
import type { FromWorker, PersistRow, ToWorker, WorkerInit } from './persist.js'
import { Budget, type Secrets } from './summarise.js'

const init = workerData as WorkerInit
const secrets: Secrets = { headers: new Set(init.secrets.headers), fields: new Set(init.secrets.fields) }
const port = parentPort as NonNullable<typeof parentPort>
const send = (m: FromWorker): void => { port.postMessage(m) }

const db = new Database(init.file)
db.pragma('busy_timeout = 2000')
const insert = db.prepare(`INSERT INTO core_journal
  (id, namespace, time, vendor, operation, method, path, status, scenario, duration_ms, request, response, fault)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
const trim = db.prepare(`DELETE FROM core_journal WHERE namespace = ? AND id <= (
  SELECT id FROM core_journal WHERE namespace = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`)

const RETRIES = [250, 1000, 4000]
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

/** The entry of a row: its view as sent, or built here from its parts (headers redacted, body summarised). */
function entryOf (r: PersistRow): JournalEntry {
  if (r.view !== undefined) return r.view
  const parts = r.parts as NonNullable<PersistRow['parts']>
  const held = { id: parts.id, namespace: r.namespace, pending: { ...parts.pending, response: { ...parts.pending.response, body: null } }, requestBody: parts.requestBody, budget: new Budget(0, 0), bytes: 0, view: undefined }
  const payload = r.payloadRef === undefined ? r.payload : payloads.get(r.payloadRef)
  return complete(head(held, limits), payload, parts.pending.response.contentType, Object.assign(new Budget(r.budgetLeft, init.maxText), { cut: r.cut }), secrets)
}

function write (rows: PersistRow[]): void {
  const namespaces = new Set<string>()
  db.transaction(() => {
    for (const r of rows) {
      const e = entryOf(r)
      namespaces.add(r.namespace)
      insert.run(e.id, r.namespace, e.time, e.vendor, e.operation, e.method, e.path, e.status, e.scenario, e.duration_ms,
        JSON.stringify(e.request), JSON.stringify(e.response), e.fault === null ? null : JSON.stringify(e.fault))
    }
    for (const ns of namespaces) trim.run(ns, ns, init.maxPerNamespace)
  })()
}

/**
 * Write what is queued, oldest first; a failed batch waits for its next attempt, or is dropped after
 * the last (at once when the worker is closing).
 */
function drain (closing = false): void {
  timer = undefined
  while (queue.length > 0) {
    const item = queue[0] as { rows: PersistRow[], attempt: number }
    try {
      write(item.rows)
    } catch (err) {
      const delay = closing ? undefined : RETRIES[item.attempt]
      if (delay === undefined) {
        warnOnce('dropped', `entries could not be written to the database and were dropped (kept in memory): ${(err as Error).message}`)
        queue.shift()
        send({ type: 'ack', rows: item.rows.length })
        continue
      }
      warnOnce('retry', `writing entries failed, retrying: ${(err as Error).message}`)
      item.attempt++
      timer = setTimeout(drain, delay)
      return
    }
    queue.shift()
    send({ type: 'ack', rows: item.rows.length })
  }
}

function clear (namespace: string | null, belowId: number): void {
  try {
    if (namespace === null) db.prepare('DELETE FROM core_journal WHERE id < ?').run(belowId)
    else db.prepare('DELETE FROM core_journal WHERE namespace = ? AND id < ?').run(namespace, belowId)
  } catch (err) {
    warnOnce('clear', `clearing persisted entries failed: ${(err as Error).message}`)
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'rows') {
    // Rows refer to payloads of this message or earlier ones: summarise them now, before any forget.
    for (const [id, text] of m.payloads) payloads.set(id, text)
    const rows = m.rows.map((r) => ({ ...r, view: entryOf(r), parts: undefined, payload: undefined, payloadRef: undefined }))
    for (const id of m.forget) payloads.delete(id)
    queue.push({ rows, attempt: 0 })
    if (timer === undefined) drain()
  } else if (m.type === 'clear') {
    // Rows handed over before the clear are written first, then cleared with the rest.
    if (timer === undefined) drain()
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
