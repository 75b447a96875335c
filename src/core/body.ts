/**
 * Body parsers a vendor may add to its own scope (never at the root, where they would cost every
 * route): URL-encoded forms and raw binary bodies. The limits are the route's (the vendor's).
 */
import type { Readable } from 'node:stream'
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify'
import { Assembler } from './assemble.js'
import { pauseForTurn, spendTurn } from './turns.js'

/** Fastify's default body limit (1 MiB), for a route that sets none. */
const DEFAULT_BODY_LIMIT = 1024 * 1024

/** `application/x-www-form-urlencoded` → an object of strings (the last value of a repeated key). */
export function registerFormParser (scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const out: Record<string, string> = Object.create(null) as Record<string, string>
    for (const [k, v] of new URLSearchParams(body as string)) out[k] = v
    done(null, out)
  })
}

/**
 * The given content types (or every other one, with '*') → the body as a Buffer, assembled as it
 * arrives (assemble.ts), with Fastify's own checks and errors: the route's body limit (announced or
 * reached) and a Content-Length that the body does not match.
 */
export function registerRawParser (scope: FastifyInstance, types: string | string[] | RegExp): void {
  scope.addContentTypeParser(types, (request, payload, done) => { readRaw(request, payload as Payload, done) })
}

type Payload = Readable & { receivedEncodedLength?: number }
type Done = (err: Error | null, body?: Buffer) => void

/** Bytes received, as Fastify counts them: the guard's count of the encoded body when it has one. */
function receivedOf (payload: Payload, body: Assembler): number {
  const encoded = payload.receivedEncodedLength ?? 0
  return encoded > 0 ? encoded : body.received
}

function readRaw (request: FastifyRequest, payload: Payload, done: Done): void {
  const limit = request.routeOptions.bodyLimit ?? DEFAULT_BODY_LIMIT
  const announced = Number(request.headers['content-length'])
  if (announced > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
    return
  }
  const body = new Assembler(Number.isNaN(announced) ? undefined : announced, limit)
  const off = (): void => {
    payload.removeListener('data', onData)
    payload.removeListener('end', onEnd)
    payload.removeListener('error', onEnd)
  }
  function onData (chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (body.received + bytes.length > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      off()
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
      return
    }
    body.push(bytes)
    if (spendTurn(bytes.length)) pauseForTurn(payload)
  }
  function onEnd (err?: Error & { statusCode?: number }): void {
    off()
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400
      done(err)
    } else if (!Number.isNaN(announced) && receivedOf(payload, body) !== announced) {
      done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH())
    } else {
      done(null, body.bytes())
    }
  }
  payload.on('data', onData)
  payload.on('end', onEnd)
  payload.on('error', onEnd)
  payload.resume()
}
