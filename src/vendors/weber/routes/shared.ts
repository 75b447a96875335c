/**
 * What the route files share: the typed app and kit, the Weber error schema with its description,
 * and the sending of bodies the services serialise themselves.
 */
import type { FastifyReply } from 'fastify'
import type { z } from 'zod'
import type { VendorKit } from '../../../core/vendor/kit.js'
import { WeberError, type WeberSettings } from '../schemas.js'
import type { WeberStore } from '../store.js'

export type WeberKit = VendorKit<WeberSettings, WeberStore>

export const tags = ['weber']

export const BIND_NOTE = 'The body is read as Go\'s encoding/json reads it. When it cannot be bound (no body, not JSON, a field of the ' +
  'wrong type), the server still answers the body below, but with HTTP 400 and Content-Type text/plain (gin, vendor-notes §1.2).'

/** A Weber error answer, described in the vendor's words. */
export const error = (description: string): z.ZodType => WeberError.describe(description)
export const tooLarge = error('the body is larger than the sandbox accepts (16 MiB): "http: request body too large"')
export const session401 = error('"Session ID is not valid" (unknown or empty session_id) or "Session ID has expired"')

/** A body the service serialised itself (the precomputed catalogue, the JSON string "pong"). */
export const sendJson = (reply: FastifyReply, body: string): FastifyReply => reply.type('application/json; charset=utf-8').send(body)
