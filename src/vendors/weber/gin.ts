/**
 * The real server's HTTP behaviour around the handlers (gin v1.7.4 defaults and Weber's middleware;
 * vendor-notes §1.1, §1.2 and the Weber rulings):
 *
 * - the CORS middleware runs on every request, 404s included, and answers any OPTIONS with 204;
 * - an unknown path, or a known path with another method, is 404 text/plain `404 page not found`
 *   (HandleMethodNotAllowed is off: never 405); a path with a trailing slash whose slash-less twin
 *   exists for the method is redirected (301 for GET, 307 otherwise), before any middleware;
 * - bodies are bound by `ctx.BindJSON` whatever their content type (gojson.ts); when the bind fails,
 *   gin has already written HTTP 400, the handler still runs and writes its body, and since the
 *   headers went out before the JSON renderer set its content type, Go sniffs it as text/plain.
 *
 * The bind result is the request's body (`GinBody`): the content-type parser binds a body into the
 * Go struct its route names (`config.goBody`), and a request without a body is bound from "no body"
 * just before its handler, as gin does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { RenderedError } from '../../core/errors.js'
import type { Miss } from '../../core/vendor/module.js'
import { NAMESPACE_HEADER, SCENARIO_HEADER } from '../../core/vendor/namespace.js'
import { bind, parseFirstValue, toPlain, type GoStruct, type GoValue, type ParseResult } from './gojson.js'

/** What BindJSON made of the request: the Go struct's value, and the first decoding error (the bind failed). */
export class GinBody<T = unknown> {
  constructor (readonly value: T, readonly error: string | undefined) {}
}

/** The route config naming the Go struct a route binds its body into. */
export interface BindConfig { goBody?: GoStruct }

function goBodyOf (request: FastifyRequest): GoStruct | undefined {
  return (request.routeOptions.config as BindConfig | undefined)?.goBody
}

function ginBody (spec: GoStruct, parsed: ParseResult | undefined): GinBody {
  const r = bind(spec, parsed)
  return new GinBody(r.value, r.error)
}

/** The bound body of a route with `config.goBody: spec`. */
export function boundBody<S extends GoStruct> (request: FastifyRequest, spec: S): GoValue<S> {
  const body = request.body
  if (!(body instanceof GinBody) || goBodyOf(request) !== spec) throw new Error(`${request.url}: the route does not bind this Go struct`)
  return body.value as GoValue<S>
}

/** Weber's CORS middleware (backend/middleware.go), plus the sandbox's control headers (Weber rulings). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': 'GET, POST, PATCH',
  'access-control-allow-headers': 'Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, accept, origin, ' +
    `Cache-Control, X-Requested-With, ${headerCase(SCENARIO_HEADER)}, ${headerCase(NAMESPACE_HEADER)}`
}

function headerCase (h: string): string {
  return h.split('-').map((p) => p.length <= 1 ? p.toUpperCase() : p[0]?.toUpperCase() + p.slice(1)).join('-')
}

/** net/http's Redirect: the location, escaped for its small HTML body. */
function htmlEscape (s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&#34;')
}

/**
 * gin's answer to a request no route takes: the CORS middleware's 204 for OPTIONS (the bare prefix
 * included), the redirect of a trailing slash whose slash-less path the method has, else 404.
 */
export function ginNotFound ({ method, path, prefix, query, routes }: Miss): RenderedError {
  if (method === 'OPTIONS') return { status: 204, body: '' }
  const twin = path.slice(0, -1)
  if (path.length > 1 && path.endsWith('/') && routes.allowed(twin).includes(method)) {
    const location = `${prefix}${twin}${query}`
    // A small HTML body for GET only.
    const body = method === 'GET' ? `<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n` : ''
    const type: Record<string, string> = method === 'GET' ? { 'content-type': 'text/html; charset=utf-8' } : {}
    return { status: method === 'GET' ? 301 : 307, headers: { location, ...type }, body }
  }
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found' }
}

/** BindJSON decodes whatever the content type says (multipart, text, none): one parser for all. */
function registerDecoder (app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const text = (body as Buffer).toString('utf8')
    const parsed = parseFirstValue(text)
    // The journal records what the client sent: the JSON, or the text that is not JSON.
    request.call.recordBody(parsed.ok ? toPlain(parsed.value) : text)
    const spec = goBodyOf(request)
    done(null, spec === undefined ? undefined : ginBody(spec, parsed))
  })
  // No body at all: BindJSON fails on EOF, and the handler still runs.
  app.addHook('preHandler', async (request) => {
    const spec = goBodyOf(request)
    if (spec === undefined || request.body instanceof GinBody) return
    request.body = ginBody(spec, undefined)
    request.call.recordBody(null)
  })
}

/** Before routing matters: a body without a content type is still read; some paths gin never matches. */
function registerRequestRules (app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const h = request.headers
    const ct = h['content-type']
    if ((ct === undefined || ct === '') && (h['transfer-encoding'] !== undefined || (h['content-length'] ?? '0') !== '0')) {
      h['content-type'] = 'application/octet-stream'
    }
    // gin never matches an empty path segment or one with an encoded slash; the redirect or 404 then applies.
    const params = request.params as Record<string, string> | undefined
    if (params !== undefined && Object.entries(params).some(([k, v]) => k !== '*' && (v === '' || v.includes('/')))) {
      reply.callNotFound()
      return reply
    }
  })
}

function isRedirect (request: FastifyRequest, reply: FastifyReply): boolean {
  return (reply.statusCode === 301 || reply.statusCode === 307) && !request.call.raw && request.call.settle().fault?.status === undefined
}

/** What goes out: CORS headers (not on gin's redirects), the bind failure's 400, no type on an empty body. */
function registerResponseRules (app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isRedirect(request, reply)) for (const [k, v] of Object.entries(CORS_HEADERS)) reply.header(k, v)
    // A scenario's raw response is sent as it is.
    if (request.call.raw) return payload
    const empty = payload === '' || payload === null || payload === undefined
    const body = request.body
    if (body instanceof GinBody && body.error !== undefined && request.call.settle().fault?.status === undefined) {
      reply.code(400)
      if (!empty) reply.header('content-type', 'text/plain; charset=utf-8')
    }
    // A panic's empty 500 (or any empty answer) has no content type.
    if (empty) reply.removeHeader('content-type')
    return payload
  })
}

/** Install the gin emulation in the vendor scope (the not-found answers are `ginNotFound`, the module's). */
export function registerGin (app: FastifyInstance): void {
  registerDecoder(app)
  registerRequestRules(app)
  registerResponseRules(app)
  // Weber's CORS middleware answers every OPTIONS request itself: 204, no body.
  app.options('/*', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send())
}
