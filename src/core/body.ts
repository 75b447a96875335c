/**
 * Body parsers a vendor may add to its own scope (never at the root, where they would cost every
 * route): URL-encoded forms and raw binary bodies. The limits are the route's (the vendor's).
 */
import type { FastifyInstance } from 'fastify'

/** `application/x-www-form-urlencoded` → an object of strings (the last value of a repeated key). */
export function registerFormParser (scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const out: Record<string, string> = Object.create(null) as Record<string, string>
    for (const [k, v] of new URLSearchParams(body as string)) out[k] = v
    done(null, out)
  })
}

/** The given content types (or every other one, with '*') → the body as a Buffer. */
export function registerRawParser (scope: FastifyInstance, types: string | string[] | RegExp): void {
  scope.addContentTypeParser(types, { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
}
