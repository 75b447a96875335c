/**
 * Persisting the journal with a database file, off the event loop: batches go to a worker thread
 * (worker.ts) that summarises what is left to summarise, serialises and writes them with its own
 * SQLite connection. The journal is a record, not state: when the worker cannot write (a locked or
 * full database) it retries, then drops the batch with one warning; the ring in memory keeps serving
 * reads. Entries of an earlier run are read back from SQLite on the main thread, once per namespace.
 */
import { Worker } from 'node:worker_threads'
import type { FastifyBaseLogger } from 'fastify'
import type { DB } from '../db.js'
import { Budget } from './summarise.js'
import type { HeldEntry, JournalEntry, PendingEntry } from './entry.js'
import type { JournalSettings } from './index.js'

/** A row as the worker gets it: either a finished view, or its parts still to summarise. */
export interface PersistRow {
  namespace: string
  view: JournalEntry | undefined
  /** Without a view: the held entry's parts, references as the hooks gave them (the worker summarises). */
  parts: { id: number, pending: Omit<PendingEntry, 'response'> & { response: { headers: Record<string, unknown>, contentType: string | undefined } }, requestBody: unknown } | undefined
  /** The response payload, or a reference to one sent before (`payloadRef`). */
  payload: unknown
  payloadRef: number | undefined
  budgetLeft: number
  cut: boolean
}

export type ToWorker =
  | { type: 'rows', rows: PersistRow[], payloads: Array<[number, string]>, forget: number[] }
  | { type: 'clear', namespace: string | null, belowId: number }
  | { type: 'close' }

export type FromWorker =
  | { type: 'ack', rows: number }
  | { type: 'warn', message: string }
  | { type: 'closed' }

export interface WorkerInit { file: string, maxPerNamespace: number, maxText: number, secrets: { headers: string[], fields: string[] } }

/** Most rows handed to the worker and not yet written; beyond it new rows are not persisted (one warning). */
const MAX_BACKLOG = 50_000
/** Payloads at least this long are sent to the worker once and referred to after. */
const SHARED_MIN_CHARS = 1024
const SHARED_MAX = 64
/** Entries wait at most this long on the main thread before they are handed to the worker... */
const HAND_OVER_MS = 100
/**
 * ... or this long while more entries arrive in a second than a namespace keeps
 * (journal.max_per_namespace): most of what a hand-over copies would be evicted, in memory and on
 * disk, before the next second, so copying once a second is enough.
 */
const BUSY_HAND_OVER_MS = 1000

/**
 * Answers the sandbox serialises once and sends many times (the Weber catalogue, say) cross to the
 * worker once: the same string object has its hash cached by V8, so finding it again costs nothing.
 */
class SharedPayloads {
  private readonly ids = new Map<string, number>()
  private next = 1
  defines: Array<[number, string]> = []
  forget: number[] = []

  ref (text: string): number {
    let id = this.ids.get(text)
    if (id !== undefined) {
      this.ids.delete(text) // most recently used last
      this.ids.set(text, id)
      return id
    }
    id = this.next++
    this.ids.set(text, id)
    this.defines.push([id, text])
    if (this.ids.size > SHARED_MAX) {
      const [oldest, oldId] = this.ids.entries().next().value as [string, number]
      this.ids.delete(oldest)
      this.forget.push(oldId)
    }
    return id
  }

  take (): { payloads: Array<[number, string]>, forget: number[] } {
    const out = { payloads: this.defines, forget: this.forget }
    this.defines = []
    this.forget = []
    return out
  }
}

function rowOf (h: HeldEntry, shared: SharedPayloads): PersistRow {
  const base = { namespace: h.namespace, budgetLeft: h.budget.left, cut: h.budget.cut }
  if (h.view !== undefined) return { ...base, view: h.view, parts: undefined, payload: undefined, payloadRef: undefined }
  const { response, ...rest } = h.pending
  const parts = { id: h.id, pending: { ...rest, response: { headers: response.headers, contentType: response.contentType } }, requestBody: h.requestBody }
  const body = response.body
  if (typeof body === 'string' && body.length >= SHARED_MIN_CHARS) return { ...base, view: undefined, parts, payload: undefined, payloadRef: shared.ref(body) }
  return { ...base, view: undefined, parts, payload: body, payloadRef: undefined }
}

/**
 * The worker's rows live for one write: a young generation of 6 MB instead of V8's default 48 MB
 * keeps ~30-45 MB off the resident size after a load (issue 15, point 5; measured after the A and
 * B loads of npm run bench), at no cost measurable on this machine.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 }
/** SQLite's default. */
const WAL_AUTOCHECKPOINT_PAGES = 1000

export class JournalPersister {
  private worker: Worker | undefined
  private dead = false
  private backlog = 0
  private warnedBacklog = false
  private closing: Promise<void> | undefined
  private readonly shared = new SharedPayloads()
  /** Entries taken in since the last hand-over; handed over at most every HAND_OVER_MS. */
  private waiting: HeldEntry[] = []
  private handOverTimer: NodeJS.Timeout | undefined
  private busy = false
  private lastHandOver = performance.now()

  constructor (private readonly file: string, private readonly settings: JournalSettings, private readonly log: FastifyBaseLogger, private readonly db: DB) {}

  /**
   * While the worker runs, its connection checkpoints the WAL (SQLite's automatic checkpoint after a
   * commit that leaves more than 1000 pages in it) and the main thread's does not: a checkpoint
   * copies those pages into the database file and syncs it, and on the main thread it stalled the
   * commit of whichever state write crossed the mark (B: 60,000 session inits in 5.0 s instead of
   * 6.0 s, in three paired runs). The worker commits at least once a second while requests come in.
   */
  private checkpointOnMain (yes: boolean): void {
    try {
      this.db.pragma(`wal_autocheckpoint = ${yes ? WAL_AUTOCHECKPOINT_PAGES : 0}`)
    } catch { /* the database is closing */ }
  }

  private start (): Worker {
    const here = import.meta.url
    const init: WorkerInit = {
      file: this.file,
      maxPerNamespace: this.settings.maxPerNamespace,
      maxText: this.settings.maxText,
      secrets: { headers: [...this.settings.secrets.headers], fields: [...this.settings.secrets.fields] }
    }
    const w = here.endsWith('.ts')
      // From the TypeScript sources (tests, npm run dev) the worker registers tsx's loader first.
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', here).href)}) })`, { eval: true, workerData: init, resourceLimits: WORKER_LIMITS })
      : new Worker(new URL('./worker.js', here), { workerData: init, resourceLimits: WORKER_LIMITS })
    w.unref()
    this.checkpointOnMain(false)
    w.on('exit', () => { this.checkpointOnMain(true) })
    w.on('message', (m: FromWorker) => {
      if (m.type === 'ack') this.backlog -= m.rows
      else if (m.type === 'warn') this.log.warn(`journal: ${m.message}`)
    })
    w.on('error', (err) => {
      this.dead = true
      this.log.warn({ err }, 'journal: the persistence worker failed; the journal is kept in memory only')
    })
    return w
  }

  /**
   * Entries to write. They are handed to the worker at most every HAND_OVER_MS (BUSY_HAND_OVER_MS
   * under load), and only those the journal still holds then: under load most are evicted by their
   * namespace's cap meanwhile, and an entry the journal let go is not worth copying to the worker.
   */
  persist (held: HeldEntry[]): void {
    if (this.dead || this.closing !== undefined || held.length === 0) return
    for (const h of held) this.waiting.push(h)
    this.handOverTimer ??= setTimeout(() => { this.handOver() }, this.busy ? BUSY_HAND_OVER_MS : HAND_OVER_MS).unref()
  }

  /** Hand the waiting entries the journal still holds to the worker (at once before a clear or close). */
  handOver (): void {
    clearTimeout(this.handOverTimer)
    this.handOverTimer = undefined
    const held = this.waiting.filter((h) => h.bytes >= 0)
    const now = performance.now()
    this.busy = this.waiting.length * 1000 / Math.max(1, now - this.lastHandOver) > this.settings.maxPerNamespace
    this.lastHandOver = now
    this.waiting = []
    if (this.dead || held.length === 0) return
    if (this.backlog > MAX_BACKLOG) {
      if (!this.warnedBacklog) this.log.warn(`journal: more than ${MAX_BACKLOG} entries wait to be written; newer ones are kept in memory only`)
      this.warnedBacklog = true
      return
    }
    this.warnedBacklog = false
    this.worker ??= this.start()
    this.backlog += held.length
    const rows = held.map((h) => rowOf(h, this.shared))
    this.worker.postMessage({ type: 'rows', rows, ...this.shared.take() } satisfies ToWorker)
  }

  clear (namespace: string | undefined, belowId: number): void {
    this.handOver()
    if (this.dead) return
    // Also when this process has written nothing yet: the entries to clear may be an earlier run's.
    this.worker ??= this.start()
    this.worker.postMessage({ type: 'clear', namespace: namespace ?? null, belowId } satisfies ToWorker)
  }

  /** Write what was handed over, then stop the worker (at most 5 s). */
  async close (): Promise<void> {
    if (this.closing === undefined) this.handOver()
    const w = this.worker
    if (w === undefined || this.dead) return
    this.closing ??= new Promise<void>((resolve) => {
      // terminate() resolves once the thread is gone; the 'exit' listener below resolves then too.
      const timer = setTimeout(() => { w.terminate().then(() => { resolve() }, () => { resolve() }) }, 5000)
      w.on('message', (m: FromWorker) => { if (m.type === 'closed') { clearTimeout(timer); resolve() } })
      w.on('exit', () => { clearTimeout(timer); resolve() })
      w.postMessage({ type: 'close' } satisfies ToWorker)
    })
    await this.closing
  }
}

interface PersistedRow { id: number, time: string, vendor: string, operation: string | null, method: string, path: string, status: number, scenario: string | null, duration_ms: number, request: string, response: string, fault: string | null, truncated: number, shared_body: string | null }

/** Entries an earlier run persisted, oldest first, as held entries with their view ready. */
export function loadPersisted (db: DB, namespace: string, fromId: number, belowId: number, limit: number): HeldEntry[] {
  if (limit <= 0) return []
  // A shared answer's body is stored once (core_journal_bodies, written by the worker).
  const rows = db.prepare(`SELECT j.id, j.time, j.vendor, j.operation, j.method, j.path, j.status, j.scenario, j.duration_ms,
      j.request, j.response, j.fault, j.truncated, b.body AS shared_body
    FROM core_journal j LEFT JOIN core_journal_bodies b ON b.hash = j.body_ref
    WHERE j.namespace = ? AND j.id >= ? AND j.id < ? ORDER BY j.id DESC LIMIT ?`).all(namespace, fromId, belowId, limit) as PersistedRow[]
  return rows.reverse().map((r) => {
    // In the order of a held entry's fields (entry.ts, head): readers see the same JSON either way.
    const entry: JournalEntry = {
      id: r.id,
      time: r.time,
      vendor: r.vendor,
      operation: r.operation,
      method: r.method,
      path: r.path,
      status: r.status,
      scenario: r.scenario,
      fault: r.fault === null ? null : JSON.parse(r.fault) as JournalEntry['fault'],
      duration_ms: r.duration_ms,
      request: JSON.parse(r.request) as JournalEntry['request'],
      response: JSON.parse(r.response) as JournalEntry['response']
    }
    if (r.shared_body !== null) entry.response.body = JSON.parse(r.shared_body)
    if (r.truncated === 1) entry.truncated = true
    const bytes = r.request.length + r.response.length + (r.shared_body?.length ?? 0)
    return { id: r.id, namespace, pending: undefined as never, requestBody: entry.request.body, budget: new Budget(0, 0), bytes, view: entry }
  })
}
