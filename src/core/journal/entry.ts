/**
 * A journal entry in its three forms: what the request hooks hand over (references only), what the
 * journal holds (the request body already summarised, the response payload still as sent), and what
 * a reader gets (everything summarised, as `GET /__admin/requests` answers it).
 */
import type { Fault } from '../scenarios/schema.js'
import { Budget, headersOf, responseBody, summarise, type Secrets } from './summarise.js'

/** What the hooks hand over: raw references, summarised later, off the request path. */
export interface PendingEntry {
  namespace: string
  time: string
  vendor: string
  operation: string | undefined
  method: string
  path: string
  status: number
  scenario: string | undefined
  fault?: Fault | undefined
  durationMs: number
  request: { headers: Record<string, unknown>, query: unknown, body: unknown }
  response: { headers: Record<string, unknown>, body: unknown, contentType: string | undefined }
}

/** One entry as readers see it (CONTRACT.md, `GET /__admin/requests`). */
export interface JournalEntry {
  id: number
  time: string
  vendor: string
  operation: string | null
  method: string
  path: string
  status: number
  scenario: string | null
  /** The scenario fault applied to the answer (latency, status, drop...), if any. */
  fault: Fault | null
  duration_ms: number
  request: { headers: Record<string, unknown>, query: unknown, body: unknown }
  response: { headers: Record<string, unknown>, body: unknown }
  /** Present when a body was cut to keep the entry within journal.max_entry_bytes. */
  truncated?: true
}

export interface JournalLimits {
  /** Longest text kept verbatim. */
  maxText: number
  /** Characters of body text (request and response together) one entry keeps. */
  maxEntryBytes: number
  secrets: Secrets
}

/** An entry as the journal holds it. `view` is built at most once, when somebody reads it. */
export interface HeldEntry {
  id: number
  namespace: string
  pending: PendingEntry
  /** The request body, summarised when the entry was taken in (big buffers are not kept). */
  requestBody: unknown
  budget: Budget
  /** Roughly what the entry costs in memory, for the journal's byte cap. */
  bytes: number
  view: JournalEntry | undefined
}

const HEADERS_BYTES = 512

function payloadBytes (body: unknown): number {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body.length
  return 0
}

/** Take an entry in: summarise its request body now (so large payloads are released), keep the rest as is. */
export function hold (id: number, p: PendingEntry, limits: JournalLimits): HeldEntry {
  const budget = new Budget(limits.maxEntryBytes, limits.maxText)
  const requestBody = summarise(p.request.body ?? null, budget, limits.secrets)
  // The raw body (an upload of megabytes, say) is not kept: its summary is.
  const pending: PendingEntry = { ...p, request: { ...p.request, body: null } }
  const held: HeldEntry = { id, namespace: p.namespace, pending, requestBody, budget, bytes: 0, view: undefined }
  const payload = payloadBytes(p.response.body)
  // A payload larger than the entry may keep is summarised (cut) now rather than held.
  if (payload > limits.maxEntryBytes) view(held, limits)
  held.bytes = HEADERS_BYTES + (limits.maxEntryBytes - budget.left) + (held.view === undefined ? payload : 0)
  return held
}

/** Everything of the entry but its response body (cheap: no payload parsing). */
export type EntryHead = Omit<JournalEntry, 'response' | 'truncated'> & { response: { headers: Record<string, unknown> } }

export function head (held: HeldEntry, limits: JournalLimits): EntryHead {
  const p = held.pending
  return {
    id: held.id,
    time: p.time,
    vendor: p.vendor,
    operation: p.operation ?? null,
    method: p.method,
    path: p.path,
    status: p.status,
    scenario: p.scenario ?? null,
    fault: p.fault ?? null,
    duration_ms: Math.round(p.durationMs * 1000) / 1000,
    request: { headers: headersOf(p.request.headers, limits.secrets), query: p.request.query ?? {}, body: held.requestBody },
    response: { headers: p.response.headers }
  }
}

/** The whole entry from its head and its response payload, within what is left of its budget. */
export function complete (h: EntryHead, payload: unknown, contentType: string | undefined, budget: Budget, secrets: Secrets): JournalEntry {
  return withBody(h, responseBody(payload, contentType, budget, secrets), budget.cut)
}

/** The whole entry from its head and its summarised response body (`cut`: something was cut). */
export function withBody (h: EntryHead, body: unknown, cut: boolean): JournalEntry {
  const entry: JournalEntry = { ...h, response: { headers: h.response.headers, body } }
  if (cut) entry.truncated = true
  return entry
}

/** The entry as readers see it, built once. */
export function view (held: HeldEntry, limits: JournalLimits): JournalEntry {
  if (held.view !== undefined) return held.view
  const p = held.pending
  held.view = complete(head(held, limits), p.response.body, p.response.contentType, held.budget, limits.secrets)
  // The references are no longer needed once the view exists.
  held.pending = { ...p, request: { ...p.request, body: null }, response: { ...p.response, body: null } }
  return held.view
}
