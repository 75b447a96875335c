/**
 * Requests that never reach a route: bytes Node's HTTP parser refuses (a lying Content-Length, a bad
 * chunk, NUL in a header, headers over the size limit, an unknown method) and URLs Fastify cannot
 * decode. Fastify would answer them in its own shape; here they get the vendor's malformed-request
 * answer when the request line names a vendor's prefix, else the sandbox's own error, and the
 * connection is closed.
 */
import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sandboxErrorBody, sendRendered, type RenderedError } from '../errors.js'
import { pathOf } from '../http.js'
import { failureCode } from './failures.js'
import { notFoundAnswer, type MountedVendor } from './mount.js'

/** The vendor whose prefix the path is under ('' prefix: the one vendor served at the root). */
function vendorOf (vendors: readonly MountedVendor[], path: string): MountedVendor | undefined {
  return vendors.find((v) => v.prefix === '' || path === v.prefix || path.startsWith(`${v.prefix}/`))
}

/** The vendor's answer to a malformed request, or undefined when its failure table has none. */
function vendorMalformed (v: MountedVendor, note: string): RenderedError | undefined {
  const code = failureCode(v.mod.failures, 'body-malformed', undefined)
  return code === undefined ? undefined : v.mod.catalogue.render(v.mod.catalogue.error(code, { note }))
}

function sandboxMalformed (status: number, note: string): RenderedError {
  return { status, body: sandboxErrorBody('bad-http-request', note), headers: { 'x-sandbox-error': 'bad-http-request' } }
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' }

/** A rendered answer as raw HTTP/1.1 bytes, closing the connection. */
function rawResponse (r: RenderedError): string {
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
  const headers = { 'content-type': typeof r.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...r.headers, 'content-length': String(Buffer.byteLength(text)), connection: 'close' }
  return `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? 'Error'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${text}`
}

/** The request target of the first line of what the client sent, if it can be read. */
function targetOf (raw: Buffer | undefined): string | undefined {
  if (raw === undefined) return undefined
  const line = raw.toString('latin1', 0, Math.min(raw.length, 8192)).split('\r\n', 1)[0] ?? ''
  return /^[A-Za-z]+ (\/\S*) HTTP\/1\.[01]$/.exec(line)?.[1]
}

/** Fastify's clientErrorHandler: what Node's HTTP parser refused. */
export function clientErrorHandler (vendors: readonly MountedVendor[]): (err: Error, socket: Socket) => void {
  return (e, socket) => {
    const err = e as Error & { code?: string, rawPacket?: unknown }
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
    const note = tooLarge ? 'the request headers are larger than the sandbox accepts' : `the request is not valid HTTP/1.1 (${err.code ?? err.message})`
    const target = targetOf(Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined)
    const v = target === undefined ? undefined : vendorOf(vendors, pathOf(target))
    const answer = (v === undefined ? undefined : vendorMalformed(v, note)) ?? sandboxMalformed(tooLarge ? 431 : 400, note)
    socket.end(rawResponse(answer))
  }
}

/** Fastify's frameworkErrors: a URL that cannot be decoded, under a vendor's prefix, is the vendor's not-found (no route can take it). */
export function frameworkErrors (vendors: readonly MountedVendor[]): (err: Error, request: FastifyRequest, reply: FastifyReply) => void {
  return (err, request, reply) => {
    const path = pathOf(request.raw.url ?? '/')
    const v = vendorOf(vendors, path)
    const note = `the request URL cannot be read (${err.message})`
    if (v === undefined) {
      sendRendered(reply, sandboxMalformed(400, note))
      return
    }
    sendRendered(reply, notFoundAnswer(v.mod, v.routes, v.prefix, request.method, path))
  }
}
