/**
 * What the journal keeps of a body: binary payloads (buffers, data URIs, long base64 text) become
 * `{ "bytes": N, "sha256": "..." }`, never inline; long text is cut; secrets are redacted; and the
 * whole entry stays within a byte budget, every cut marked. Pure functions, used on the main thread
 * (at read time) and in the persistence worker alike.
 */
import { sha256Hex } from '../hash.js'

const DATA_URI = /^data:[a-z0-9.+/-]*(;[a-z0-9=.+-]*)*;base64,/i
const BASE64_HEAD = /^[A-Za-z0-9+/_-]{200,}$/
/** Strings at least this long that look like base64 are taken for binary payloads (images, templates). */
const MIN_BINARY_CHARS = 200
const MAX_DEPTH = 32

function binary (bytes: Buffer): { bytes: number, sha256: string } {
  return { bytes: bytes.length, sha256: sha256Hex(bytes) }
}

/**
 * A payload a vendor already decoded and hashed (a base64 image it checked), recorded in place of
 * its text (`call.recordBody`): the journal shows it as it shows those bytes, without decoding the
 * text again on the main thread.
 */
export class DigestedBinary {
  constructor (readonly bytes: number, readonly sha256: string) {}
}

/** Whether the journal takes this text (not a data: URI) for base64 bytes, shown as {bytes, sha256}. */
export function isBase64Payload (value: string): boolean {
  // Only the head is tested: a regex over a 40 MB string would be slow (or overflow the stack).
  return value.length >= MIN_BINARY_CHARS && BASE64_HEAD.test(value.slice(0, 1024).replace(/=+$/, ''))
}

/** What secrets look like to the journal: header names and body field names, lower case. */
export interface Secrets {
  headers: ReadonlySet<string>
  fields: ReadonlySet<string>
}

export const NO_SECRETS: Secrets = { headers: new Set(), fields: new Set() }

/**
 * A secret as the journal keeps it: its first characters and a short hash, so a test can still tell
 * two keys (or two sessions) apart without the journal holding the value.
 */
export function redact (value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? ''
  const head = text.length > 12 ? text.slice(0, 4) : ''
  return `${head}…[redacted ${sha256Hex(Buffer.from(text)).slice(0, 12)}]`
}

/** A budget of characters shared by every string of one entry: what is over it is cut, and said so. */
export class Budget {
  cut = false
  constructor (public left: number, readonly maxText: number) {}

  text (s: string): string {
    const limit = Math.min(this.maxText, Math.max(0, this.left))
    if (s.length <= limit) {
      this.left -= s.length
      return s
    }
    this.cut = true
    this.left -= limit
    return `${s.slice(0, limit)}… [cut: ${s.length} chars]`
  }
}

function summariseString (value: string, budget: Budget): unknown {
  if (value.length >= MIN_BINARY_CHARS) {
    const m = DATA_URI.exec(value)
    if (m !== null) return binary(Buffer.from(value.slice(m[0].length), 'base64'))
    if (isBase64Payload(value)) return binary(Buffer.from(value, 'base64'))
  }
  return budget.text(value)
}

function summariseObject (value: object, budget: Budget, secrets: Secrets, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (budget.left <= 0) {
      budget.cut = true
      out['…'] = '[cut: the entry is over journal.max_entry_bytes]'
      break
    }
    out[k] = secrets.fields.has(k.toLowerCase()) && v !== null && v !== undefined && v !== '' ? redact(v) : walk(v, budget, secrets, depth + 1)
  }
  return out
}

function walk (value: unknown, budget: Budget, secrets: Secrets, depth: number): unknown {
  if (depth > MAX_DEPTH) return '[too deep]'
  if (Buffer.isBuffer(value)) return binary(value)
  if (value instanceof DigestedBinary) return { bytes: value.bytes, sha256: value.sha256 }
  if (typeof value === 'string') return summariseString(value, budget)
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const v of value) {
      if (budget.left <= 0) {
        budget.cut = true
        out.push(`[cut: ${value.length - out.length} more items]`)
        break
      }
      out.push(walk(v, budget, secrets, depth + 1))
    }
    return out
  }
  if (value !== null && typeof value === 'object') return summariseObject(value, budget, secrets, depth)
  return value
}

/** Replace binary payloads by {bytes, sha256}, cut long text, redact secret fields. */
export function summarise (value: unknown, budget: Budget | number, secrets: Secrets = NO_SECRETS): unknown {
  const b = typeof budget === 'number' ? new Budget(Number.MAX_SAFE_INTEGER, budget) : budget
  return walk(value, b, secrets, 0)
}

/** Request headers as the journal keeps them: secret ones redacted. */
export function headersOf (headers: Record<string, unknown>, secrets: Secrets): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(headers)) out[k] = secrets.headers.has(k) && v !== undefined && v !== '' ? redact(v) : v
  return out
}

/** A response body as the journal keeps it: JSON parsed (then summarised), text as text, binary as {bytes, sha256}. */
export function responseBody (body: unknown, contentType: string | undefined, budget: Budget, secrets: Secrets): unknown {
  if (body === undefined || body === null || body === '') return null
  const ct = contentType ?? ''
  if (Buffer.isBuffer(body) && !/json|text/i.test(ct)) return binary(body)
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined
  if (text === undefined) return '[stream]'
  if (/json/i.test(ct)) {
    try {
      return summarise(JSON.parse(text), budget, secrets)
    } catch {
      return summarise(text, budget, secrets)
    }
  }
  return summarise(text, budget, secrets)
}
