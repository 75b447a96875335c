/**
 * What the body parsers do not enforce, checked while the body streams in (a preParsing hook, so
 * nothing is buffered first):
 *
 * - time: a body must arrive within `http.body_timeout_ms` of the request's start. A client sending
 *   one byte a second gets the vendor's malformed-request answer and its connection closed, instead
 *   of holding it forever;
 * - multipart structure (part-headers.ts): a part busboy would skip, or an oversized header block,
 *   fails the parse at once instead of leaving the request unanswered.
 */
import type { IncomingMessage } from 'node:http'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { KindError } from './errors.js'
import { MultipartError } from './multipart.js'
import { isMultipartType, type PartHeaderScanner } from './part-headers.js'
import { pauseForTurn, spendTurn } from './turns.js'

/** A body that did not arrive in time: answered like a truncated body (failures.ts: body-malformed). */
export class BodyTimeoutError extends KindError<'timeout'> {
  readonly code = 'FST_ERR_CTP_BODY_TIMEOUT'
}

/**
 * Requests whose body did not arrive in time: answered at once and their connection closed, without
 * the linger below (waiting for the rest of a body that trickles in is what the timeout ends).
 */
const timedOut = new WeakSet<IncomingMessage>()

class BodyGuard extends Transform {
  receivedEncodedLength = 0
  private readonly timer: NodeJS.Timeout

  constructor (raw: IncomingMessage, timeoutMs: number) {
    super()
    this.timer = setTimeout(() => { this.destroy(timeoutError(raw, timeoutMs)) }, timeoutMs)
    this.timer.unref()
    this.once('close', () => { clearTimeout(this.timer) })
    // The body reader listens for this stream's errors and answers them; when the request was answered
    // before its body was read, nobody needs to hear of it, and an unheard 'error' would end the process.
    this.on('error', () => { clearTimeout(this.timer) })
  }

  override _transform (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.receivedEncodedLength += chunk.length
    if (spendTurn(chunk.length)) setImmediate(() => { done(null, chunk) })
    else done(null, chunk)
  }

  override _flush (done: TransformCallback): void {
    clearTimeout(this.timer)
    done()
  }
}

function timeoutError (raw: IncomingMessage, timeoutMs: number): BodyTimeoutError {
  timedOut.add(raw)
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
    // GET and HEAD bodies are never parsed (nor read): nothing to guard.
    if (!hasBody || request.method === 'GET' || request.method === 'HEAD' || isMultipartType(h['content-type'])) {
      done(null, payload)
      return
    }
    const guard = new BodyGuard(request.raw, timeoutMs)
    // An error of the request stream (a client gone) reaches the parser through the guard.
    ;(payload as Readable).on('error', (err) => { guard.destroy(err) }).pipe(guard)
    done(null, guard)
  })
}

/**
 * Watch a multipart body while the multipart parser reads it: the same chunks, in the same order
 * (listen before the parser is piped: flowing starts on the next tick, so no chunk is missed). A
 * problem the scanner finds, or a body slower than the timeout, fails the parse at once (the parser
 * listens for errors of the request stream). Returns the function that stops watching.
 */
export function guardMultipart (raw: IncomingMessage, timeoutMs: number, scanner: PartHeaderScanner | undefined): () => void {
  const fail = (err: Error): void => {
    stop()
    if (raw.listenerCount('error') > 0) raw.emit('error', err)
  }
  const onData = (chunk: Buffer): void => {
    const problem = scanner?.push(chunk)
    if (problem !== undefined) fail(new MultipartError('malformed', problem))
  }
  const timer = setTimeout(() => { fail(timeoutError(raw, timeoutMs)) }, timeoutMs)
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

/** Most of an unread body read (and dropped) before answering, in bytes and in time. */
const LINGER_BYTES = 64 * 1024 * 1024
const LINGER_MS = 5000

/**
 * A request answered before its body was read (refused unread: too large, no credentials, an unknown
 * path) is answered once the client has sent its body, read and dropped, within a bound. Answering
 * at once and closing would leave the client writing into a closed connection: it sees a broken pipe
 * and never reads the answer (what lingering-close servers avoid).
 */
export function registerLinger (app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw
    if (timedOut.has(raw)) {
      reply.header('connection', 'close')
      done(null, payload)
      return
    }
    if (raw.complete || raw.readableEnded || raw.destroyed) {
      done(null, payload)
      return
    }
    let bytes = 0
    let settled = false
    const finish = (): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      raw.off('data', count)
      done(null, payload)
    }
    const count = (chunk: Buffer): void => {
      bytes += chunk.length
      // A pause for the turn budget is resumed even once settled: the rest of the body still has to
      // be read off the connection.
      if (bytes > LINGER_BYTES) finish()
      else if (spendTurn(chunk.length)) pauseForTurn(raw)
    }
    const timer = setTimeout(finish, LINGER_MS)
    timer.unref()
    raw.on('data', count)
    raw.once('end', finish)
    raw.once('close', finish)
    // Whatever it was piped into (the body guard) reads no more: the bytes go nowhere now.
    raw.unpipe()
    raw.resume()
  })
}
