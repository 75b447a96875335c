/**
 * What the body parsers do not enforce, checked while the body streams in (a preParsing hook, so
 * nothing is buffered first):
 *
 * - time: a body must arrive within `http.body_timeout_ms` of the request's start. A client sending
 *   one byte a second gets the vendor's malformed-request answer and its connection closed, instead
 *   of holding it forever;
 * - multipart structure: every part must be `Content-Disposition: form-data` with a header block of
 *   reasonable size. The multipart parser silently skips other parts and, with more than 16 KB in
 *   one, stops reading the request and never finishes (seen with @fastify/busboy 3.2): the request
 *   would never be answered. The scan is structural (delimiter, header block), so file content that
 *   happens to contain such text is never mistaken for a header.
 */
import type { IncomingMessage } from 'node:http'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { KindError } from './errors.js'
import { MultipartError } from './multipart.js'

/** A body that did not arrive in time: answered like a truncated body (failures.ts: body-malformed). */
export class BodyTimeoutError extends KindError<'timeout'> {
  readonly code = 'FST_ERR_CTP_BODY_TIMEOUT'
}

const CRLF2 = Buffer.from('\r\n\r\n')
/** Largest header block of one part (busboy allows 80 KB; no client needs more than a few hundred bytes). */
const MAX_PART_HEADER = 16 * 1024

type Mode = 'preamble' | 'after-delimiter' | 'headers' | 'data' | 'done'

/** Follows the multipart structure of a body and fails on a part busboy would skip (see above). */
class PartScanner {
  private mode: Mode = 'preamble'
  private tail = Buffer.alloc(0)
  private readonly first: Buffer
  private readonly next: Buffer

  constructor (boundary: string) {
    this.first = Buffer.from(`--${boundary}`)
    this.next = Buffer.from(`\r\n--${boundary}`)
  }

  /** Scan a chunk; returns a reason when the body is not acceptable multipart. */
  scan (chunk: Buffer): string | undefined {
    let buf = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk])
    for (;;) {
      const step = this.step(buf)
      if (typeof step === 'string') return step
      if (step === undefined) return undefined
      buf = buf.subarray(step)
    }
  }

  /** One step: the bytes consumed, undefined when more input is needed (the rest kept), or a reason. */
  private step (buf: Buffer): number | string | undefined {
    switch (this.mode) {
      case 'preamble':
      case 'data': {
        const delim = this.mode === 'preamble' ? this.first : this.next
        const at = buf.indexOf(delim)
        if (at < 0) return this.keep(buf, buf.length - (delim.length - 1))
        this.mode = 'after-delimiter'
        return at + delim.length
      }
      case 'after-delimiter': {
        if (buf.length < 2) return this.keep(buf, 0)
        if (buf[0] === 0x2d && buf[1] === 0x2d) { this.mode = 'done'; return buf.length }
        this.mode = 'headers'
        return 0
      }
      case 'headers': {
        const end = buf.indexOf(CRLF2)
        if ((end < 0 ? buf.length : end) > MAX_PART_HEADER) return 'a part has a header block larger than 16 KB'
        if (end < 0) return this.keep(buf, 0)
        const reason = checkPartHeaders(buf.subarray(0, end).toString('latin1'))
        if (reason !== undefined) return reason
        this.mode = 'data'
        return end + CRLF2.length
      }
      default:
        return this.keep(Buffer.alloc(0), 0)
    }
  }

  private keep (buf: Buffer, from: number): undefined {
    this.tail = Buffer.from(buf.subarray(Math.max(0, from)))
    return undefined
  }
}

function checkPartHeaders (block: string): string | undefined {
  const line = block.split('\r\n').find((l) => /^content-disposition\s*:/i.test(l))
  if (line === undefined) return 'a part has no Content-Disposition header'
  if (!/^content-disposition\s*:\s*form-data\s*(;|$)/i.test(line)) return `a part is "${line.slice(0, 80)}"; multipart/form-data parts are Content-Disposition: form-data`
  return undefined
}

/** The boundary of a multipart/form-data content type, if it is one. */
function boundaryOf (contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\/form-data\s*;/i.test(contentType)) return undefined
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType)
  return m?.[1] ?? m?.[2]
}

class BodyGuard extends Transform {
  receivedEncodedLength = 0
  private readonly timer: NodeJS.Timeout

  constructor (timeoutMs: number) {
    super()
    this.timer = setTimeout(() => { this.destroy(timeoutError(timeoutMs)) }, timeoutMs)
    this.timer.unref()
    this.once('close', () => { clearTimeout(this.timer) })
  }

  override _transform (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.receivedEncodedLength += chunk.length
    done(null, chunk)
  }

  override _flush (done: TransformCallback): void {
    clearTimeout(this.timer)
    done()
  }
}

function timeoutError (timeoutMs: number): BodyTimeoutError {
  return new BodyTimeoutError('timeout', `the body did not arrive within ${timeoutMs} ms (http.body_timeout_ms)`)
}

/**
 * Guard every request body of the app but multipart ones (see the header comment); multipart bodies
 * are read by @fastify/multipart straight from the request stream, and guarded by guardMultipart.
 */
export function registerBodyGuard (app: FastifyInstance, timeoutMs: number): void {
  app.decorate('bodyTimeoutMs', timeoutMs)
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const h = request.headers
    const hasBody = h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0')
    if (!hasBody || boundaryOf(h['content-type']) !== undefined) {
      done(null, payload)
      return
    }
    const guard = new BodyGuard(timeoutMs)
    // An error of the request stream (a client gone) reaches the parser through the guard.
    ;(payload as Readable).on('error', (err) => { guard.destroy(err) }).pipe(guard)
    done(null, guard)
  })
}

/**
 * Watch a multipart body while the multipart parser reads it: a part the parser would skip, or a
 * body slower than the timeout, fails the parse at once (the parser listens for errors of the
 * request stream). Call once the parser has started reading; returns the function that stops watching.
 */
export function guardMultipart (raw: IncomingMessage, timeoutMs: number): () => void {
  const boundary = boundaryOf(raw.headers['content-type'])
  const scanner = boundary === undefined ? undefined : new PartScanner(boundary)
  const fail = (err: Error): void => {
    stop()
    if (raw.listenerCount('error') > 0) raw.emit('error', err)
  }
  const onData = (chunk: Buffer): void => {
    const reason = scanner?.scan(chunk)
    if (reason !== undefined) fail(new MultipartError('malformed', reason))
  }
  const timer = setTimeout(() => { fail(timeoutError(timeoutMs)) }, timeoutMs)
  timer.unref()
  const stop = (): void => {
    clearTimeout(timer)
    raw.off('data', onData)
  }
  raw.on('data', onData)
  raw.once('end', () => { clearTimeout(timer) })
  return stop
}

declare module 'fastify' {
  interface FastifyInstance {
    /** settings http.body_timeout_ms (body-guard.ts). */
    bodyTimeoutMs: number
  }
}
