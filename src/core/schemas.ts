/**
 * Schema plumbing shared by vendors: the validator and serializer compilers, and markers for
 * schemas that document a body the vendor reads itself (multipart, raw images), so the same zod
 * schema documents the request in OpenAPI and validates it once the parts are read.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify/types/schema.js'
import { validatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { CatalogueEntry } from './errors.js'

const readByVendor = new WeakSet<object>()

/**
 * Mark a body schema as read by the vendor's handler (multipart parts, raw bytes): it is documented
 * in OpenAPI, and Fastify does not validate the body against it before the handler runs.
 */
export function readByHandler<T extends z.ZodType> (schema: T): T {
  readByVendor.add(schema)
  return schema
}

/** The OpenAPI extension that carries a body's schema per media type (openapi-doc.ts replaces it). */
export const MEDIA_TYPES_KEY = 'x-sandbox-media-types'

/**
 * A body the handler reads itself whose shape depends on its media type (a file in multipart, base64
 * in a form or JSON): documented per media type, so the document says exactly what each accepts.
 */
export function bodyByMediaType (byType: Record<string, z.ZodType>): z.ZodType<unknown> {
  const schemas = Object.fromEntries(Object.entries(byType).map(([type, schema]) => [type, z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' })]))
  return readByHandler(z.unknown().meta({ [MEDIA_TYPES_KEY]: schemas }))
}

/** A binary file part or body, as OpenAPI spells it (type string, format binary). */
export function binary (description: string): z.ZodType<unknown> {
  return z.unknown().meta({ type: 'string', format: 'binary', description })
}

/**
 * A response as OpenAPI documents it: the vendor's description of the answer (instead of "Default
 * Response") and its JSON body schema. Use it as a route's `response[status]`.
 */
export function jsonResponse<T extends z.ZodType> (description: string, schema: T): JsonResponse<T> {
  return { description, content: { 'application/json': { schema } } }
}

export interface JsonResponse<T extends z.ZodType> {
  description: string
  content: { 'application/json': { schema: T } }
}

/**
 * The error answers of a route from the vendor's catalogue entries: one per HTTP status the given codes are
 * answered with, described by those codes and their messages ("002 Error reading image...; 004 ...").
 */
export function catalogueResponses<T extends z.ZodType> (entries: Readonly<Record<string, CatalogueEntry>>, codes: readonly string[], schema: T): Record<number, JsonResponse<T>> {
  const out: Record<number, JsonResponse<T>> = {}
  for (const code of codes) {
    const { status, message } = entries[code] as CatalogueEntry
    const before = out[status]?.description
    out[status] = jsonResponse(before === undefined ? `${code} ${message}` : `${before}; ${code} ${message}`, schema)
  }
  return out
}

/** Fastify's validator compiler: zod, except for the bodies a vendor reads itself. */
export const compileValidator: FastifySchemaCompiler<z.ZodType> = (route) => {
  if (route.httpPart === 'body' && readByVendor.has(route.schema)) return (data: unknown) => ({ value: data })
  const validate = validatorCompiler(route) as (data: unknown) => { value?: unknown, error?: Error }
  if (route.httpPart !== 'headers') return validate
  // Headers are checked, never replaced: zod's output would drop the headers the schema does not name.
  return (data: unknown) => {
    const r = validate(data)
    return r.error === undefined ? { value: data } : r
  }
}

export class ResponseSchemaMismatch extends Error {
  constructor (method: string, url: string, issues: string) {
    super(`response of ${method} ${url} does not match its documented schema: ${issues}`)
    this.name = 'ResponseSchemaMismatch'
  }
}

/**
 * Responses are serialised with JSON.stringify of what the handler built, so vendor key order and
 * values reach the wire exactly (zod parsing would reorder or strip keys). The response schemas are
 * documentation; with `check` on (tests), every response is also checked against its schema, so the
 * OpenAPI documents cannot drift from what the sandbox really answers.
 */
export function compileSerializer (check: boolean): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url }) => {
    const zod = resolveResponseSchema(schema)
    if (!check || zod === undefined) return (data) => JSON.stringify(data)
    return (data) => {
      const r = zod.safeParse(data)
      if (!r.success) throw new ResponseSchemaMismatch(method, url, r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '))
      return JSON.stringify(data)
    }
  }
}

function resolveResponseSchema (schema: unknown): z.ZodType | undefined {
  if (schema instanceof z.ZodType) return schema
  if (schema !== null && typeof schema === 'object' && 'content' in schema) {
    const content = (schema as { content: Record<string, { schema?: unknown }> }).content
    const json = content['application/json']?.schema
    if (json instanceof z.ZodType) return json
  }
  return undefined
}
