/**
 * Two kinds of refusal exist in the sandbox, and a client must never confuse them:
 *
 * - a vendor error: the answer the emulated vendor would give (its status, its body shape), produced
 *   from the vendor's error catalogue, which is data (`defineCatalogue`) rendered in one place;
 * - a sandbox error: the sandbox itself refuses (bad admin call, unknown scenario, bad configuration).
 *   It always has the shape `{"sandbox_error":{"code","message"}}` and the `x-sandbox-error` header
 *   (CONTRACT.md, "The sandbox's own errors").
 */
import type { FastifyReply } from 'fastify'

export class SandboxError extends Error {
  readonly code: string
  readonly statusCode: number
  readonly details: unknown

  constructor (code: string, message: string, statusCode = 400, details?: unknown) {
    super(message)
    this.name = 'SandboxError'
    this.code = code
    this.statusCode = statusCode
    this.details = details
  }
}

export function sandboxErrorBody (code: string, message: string, details?: unknown): { sandbox_error: Record<string, unknown> } {
  return { sandbox_error: details === undefined ? { code, message } : { code, message, details } }
}

export function sendSandboxError (reply: FastifyReply, err: SandboxError): FastifyReply {
  return reply
    .code(err.statusCode)
    .header('x-sandbox-error', err.code)
    .type('application/json; charset=utf-8')
    // Serialised here, not by the route's serializer: the route documents the vendor's shapes.
    .send(JSON.stringify(sandboxErrorBody(err.code, err.message, err.details)))
}

/**
 * The sandbox's own answer to an unexpected failure (a bug): logged with its stack, answered as the
 * sandbox's `internal` error, never as a vendor answer or in Fastify's shape.
 */
export function sendSandboxFault (reply: FastifyReply, err: unknown, context: string): FastifyReply {
  reply.log.error({ err }, `${context}: unexpected failure`)
  return sendSandboxError(reply, new SandboxError('internal', 'the sandbox failed unexpectedly; see its log', 500))
}

/** Send a rendered vendor error (or a scenario's raw response): objects as JSON, strings and buffers as they are. */
export function sendRendered (reply: FastifyReply, r: RenderedError): FastifyReply {
  reply.code(r.status)
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v)
  if (r.body !== null && typeof r.body === 'object' && !Buffer.isBuffer(r.body)) {
    if (!reply.hasHeader('content-type')) reply.type('application/json; charset=utf-8')
    // Serialised here, not by the route's serializer: the route documents the success shapes.
    return reply.send(JSON.stringify(r.body))
  }
  return reply.send(r.body ?? '')
}

/** One entry of a vendor's error catalogue: at least an HTTP status and the vendor's message. */
export interface CatalogueEntry {
  readonly status: number
  readonly message: string
}

/** What a catalogue renders: status, body (object → JSON, string/Buffer → as is), extra headers. */
export interface RenderedError {
  status: number
  body: unknown
  headers?: Record<string, string>
}

/** What a vendor error may carry besides its code; core reads `note` and `status`, the vendor the rest. */
export interface ErrorDetail {
  /** Why, for humans: sent in the `x-sandbox-note` header, never in the vendor's body. */
  note?: string
  /** An HTTP status other than the catalogue entry's (e.g. 404 for a code the vendor also answers with 400). */
  status?: number
  [key: string]: unknown
}

/**
 * A vendor error in flight: thrown by vendor code, rendered by the vendor's catalogue in core's error
 * handler. `detail` carries per-call facts the wire body may need (e.g. a session flag).
 */
export class VendorError extends Error {
  readonly vendor: string
  readonly code: string
  readonly detail: ErrorDetail

  constructor (vendor: string, code: string, message: string, detail: ErrorDetail = {}) {
    super(message)
    this.name = 'VendorError'
    this.vendor = vendor
    this.code = code
    this.detail = detail
  }
}

/** What a vendor's render function sees: the error's detail plus the operation that refused (if any). */
export type RenderDetail = ErrorDetail & { operation?: string | undefined }

export interface Catalogue<E extends Record<string, CatalogueEntry> = Record<string, CatalogueEntry>> {
  readonly vendor: string
  readonly entries: E
  readonly codes: Array<keyof E & string>
  /** Build the error to throw: `throw errors.error('002')`. */
  error: (code: keyof E & string, detail?: ErrorDetail) => VendorError
  /**
   * Render an error of this catalogue into its wire form, as the operation answers it: the vendor's
   * status and body, then core's part (`detail.status` overrides the status, `detail.note` becomes
   * the x-sandbox-note header).
   */
  render: (err: VendorError, operation?: string) => RenderedError
  has: (code: string) => code is keyof E & string
}

/**
 * Define a vendor's error catalogue: the codes with their status and message (data), and the one
 * function that turns an entry into the vendor's wire body.
 */
export function defineCatalogue<E extends Record<string, CatalogueEntry>> (
  vendor: string,
  entries: E,
  render: (code: keyof E & string, entry: E[keyof E], detail: RenderDetail) => RenderedError
): Catalogue<E> {
  const codes = Object.keys(entries) as Array<keyof E & string>
  const has = (code: string): code is keyof E & string => Object.prototype.hasOwnProperty.call(entries, code)
  return {
    vendor,
    entries,
    codes,
    has,
    error (code, detail) {
      const entry = entries[code]
      if (entry === undefined) throw new Error(`${vendor}: no error ${code} in the catalogue`)
      return new VendorError(vendor, code, entry.message, detail)
    },
    render (err, operation) {
      if (!has(err.code)) throw new Error(`${vendor}: no error ${err.code} in the catalogue`)
      const r = render(err.code, entries[err.code] as E[keyof E], { ...err.detail, operation })
      const { note, status } = err.detail
      const out: RenderedError = typeof status === 'number' ? { ...r, status } : r
      return typeof note === 'string' ? { ...out, headers: { ...out.headers, 'x-sandbox-note': noteHeader(note) } } : out
    }
  }
}

/** A header value from free text: one line of printable ASCII, bounded (a header must never fail to send). */
function noteHeader (note: string): string {
  return note.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 512)
}

/**
 * A scenario's raw response (CONTRACT.md, "Scenario files": "or a raw response"). Thrown by the
 * scenario engine's decision so that it leaves the vendor's handler without the vendor shaping it.
 */
export class RawResponse extends Error {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: unknown

  constructor (status: number, headers: Record<string, string>, body: unknown) {
    super('raw scenario response')
    this.name = 'RawResponse'
    this.status = status
    this.headers = headers
    this.body = body
  }
}

/**
 * A failure of a core facility (image, multipart, media) with a machine-readable kind: core says
 * what went wrong, and each vendor maps the kind to its own error code.
 */
export class KindError<K extends string> extends Error {
  readonly kind: K
  constructor (kind: K, message: string) {
    super(message)
    this.name = new.target.name
    this.kind = kind
  }
}

/** Fastify's own errors carry a code such as FST_ERR_CTP_BODY_TOO_LARGE; vendors map them. */
export function fastifyErrorCode (err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code
  }
  return undefined
}
