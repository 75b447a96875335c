/**
 * What the route files share: the kit type, responses described in the vendor's words, gin's 400 of
 * a body that cannot be bound, and the sending of bodies the services serialise themselves.
 */
import { jsonResponse } from '../../../core/schemas.js'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { VendorKit } from '../../../core/vendor/kit.js'
import { WeberError, type WeberSettings } from '../schemas.js'
import type { WeberStore } from '../store.js'

export type WeberKit = VendorKit<WeberSettings, WeberStore>

export const tags = ['weber']

export const BIND_NOTE = 'The body is read as Go\'s encoding/json reads it. When it cannot be bound (no body, not JSON, a field of the ' +
  'wrong type), the server still answers the body below, but with HTTP 400 and Content-Type text/plain (gin, vendor-notes §1.2).'

/** A response as OpenAPI documents it: its description and its schema per media type. */
export interface Documented { description: string, content: Record<string, { schema: z.ZodType }> }

/** A JSON answer, described in the vendor's words. */
export const answer = (description: string, schema: z.ZodType): Documented => jsonResponse(description, schema)

/** A Weber error answer, `{"message", "ok": false}`, described in the vendor's words. */
export const error = (description: string): Documented => answer(description, WeberError)
export const tooLarge = error('The body is larger than the sandbox accepts (16 MiB): "http: request body too large"')
export const session401 = error('"Session ID is not valid" (unknown or empty session_id) or "Session ID has expired"')

const PageNotFound = z.literal('404 page not found').describe('gin\'s router answer, as text/plain')

/**
 * A Weber 404, and gin's router's text/plain "404 page not found" (README, HTTP behaviour), which the
 * same path gives for a method it does not take or a URL no route matches.
 */
export const notFound = (own: string): Documented => ({
  description: `${own}. Or gin's router, as text/plain "404 page not found": a method this path does not take, or a URL no route matches`,
  content: { 'application/json': { schema: WeberError }, 'text/plain': { schema: PageNotFound } }
})

const BIND_FAILED = 'When the body cannot be bound (no body, not JSON, a field of the wrong type), gin has already written HTTP 400: whatever ' +
  'the handler answers then, success or error, goes out with this status as text/plain (vendor-notes §1.2).'

const BoundAnswerText = z.string().describe('The JSON text of the answer the handler wrote (any body of this operation), sent as text/plain.')

const EOF = '"unexpected EOF": the body ends before its Content-Length, or does not arrive in time'

/**
 * The 400 of a route that binds its body: its own 400 answers and Go's "unexpected EOF" (JSON), and
 * the bind failure's text/plain.
 */
export function bind400 (own?: string): Documented {
  return {
    description: `${own === undefined ? '' : `${own}; `}${EOF}. ${BIND_FAILED}`,
    content: { 'application/json': { schema: WeberError }, 'text/plain': { schema: BoundAnswerText } }
  }
}

/** A body the service serialised itself (the precomputed catalogue, the JSON string "pong"). */
export const sendJson = (reply: FastifyReply, body: string): FastifyReply => reply.type('application/json; charset=utf-8').send(body)
