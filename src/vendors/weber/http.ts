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
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NAMESPACE_HEADER, SCENARIO_HEADER } from '../../core/vendor.js'
import { bind, parseFirstValue, toPlain, type GoStruct, type ParseResult } from './gojson.js'

/** Per-request state of the gin emulation. */
interface GinState {
  /** The body as parsed by the JSON decoder, when there was a body. */
  parsed: ParseResult | undefined
  /** BindJSON failed: the status is 400 whatever the handler writes. */
  bindFailed: boolean
  /** The body bound into the route's Go struct. */
  bound: unknown
  /** The answer is a scenario's raw response or a redirect: sent as it is. */
  untouched: boolean
  /** gin's redirect runs before the middleware: no CORS headers. */
  redirect: boolean
}

const states = new WeakMap<FastifyRequest, GinState>()

function state (request: FastifyRequest): GinState {
  let s = states.get(request)
  if (s === undefined) {
    s = { parsed: undefined, bindFailed: false, bound: undefined, untouched: false, redirect: false }
    states.set(request, s)
  }
  return s
}

/** Mark the request's answer as not to be touched (raw scenario responses). */
export function leaveUntouched (request: FastifyRequest): void {
  state(request).untouched = true
}

/** The route config naming the Go struct a route binds its body into. */
export interface BindConfig { goBody?: GoStruct }

/** The bound body of a route with `config.goBody` (see `registerGin`). */
export function boundBody<T> (request: FastifyRequest): T {
  return state(request).bound as T
}

/** Weber's CORS middleware (backend/middleware.go), plus the sandbox's control headers (Weber rulings). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': 'GET, POST, PATCH',
  'access-control-allow-headers': `Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, accept, origin, Cache-Control, X-Requested-With, ${headerCase(SCENARIO_HEADER)}, ${headerCase(NAMESPACE_HEADER)}`
}

function headerCase (h: string): string {
  return h.split('-').map((p) => p.length <= 1 ? p.toUpperCase() : p[0]?.toUpperCase() + p.slice(1)).join('-')
}

/** Method and path of every route of the real router (vendor-notes §1.1), for the trailing-slash redirect. */
const ROUTES: Array<[string, RegExp]> = ([
  ['GET', '/ping'],
  ['GET', '/api/v1/services'],
  ['GET', '/api/v1/services/:slug'],
  ['POST', '/api/v1/services/:id'],
  ['POST', '/api/v1/visitors'],
  ['POST', '/api/v1/activities'],
  ['POST', '/api/v1/feedback/:service_id'],
  ['POST', '/api/v1/ekyc'],
  ['GET', '/api/v1/face-payment/account/:session_id'],
  ['POST', '/api/v1/face-payment/account'],
  ['POST', '/api/v1/face-payment/check-limit'],
  ['POST', '/api/v1/face-payment/pay'],
  ['PATCH', '/api/v1/face-payment/account'],
  ['PATCH', '/api/v1/face-payment/reset-balance/:session_id'],
  ['POST', '/api/v1/passive-liveness']
] as const).map(([m, p]) => [m, new RegExp(`^${p.replace(/:[a-z_]+/g, '[^/]+')}$`)])

function routeExists (method: string, path: string): boolean {
  return ROUTES.some(([m, re]) => m === method && re.test(path))
}

/** gin's answer to an unknown route: the redirect of a trailing slash, or 404 page not found. */
export function notFound (request: FastifyRequest, reply: FastifyReply, prefix: string): FastifyReply {
  // The CORS middleware answers OPTIONS before routing matters (the bare prefix included).
  if (request.method === 'OPTIONS') return reply.code(204).send()
  const [rawPath = '', query] = request.url.split('?', 2) as [string, string | undefined]
  const path = rawPath.slice(prefix.length)
  if (path.length > 1 && path.endsWith('/') && routeExists(request.method, path.slice(0, -1))) {
    const s = state(request)
    s.redirect = true
    s.untouched = true
    const location = `${prefix}${path.slice(0, -1)}${query === undefined ? '' : `?${query}`}`
    reply.code(request.method === 'GET' ? 301 : 307).header('location', location)
    // net/http's Redirect: a small HTML body for GET only.
    if (request.method === 'GET') {
      return reply.type('text/html; charset=utf-8').send(`<a href="${location.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&#34;')}">Moved Permanently</a>.\n\n`)
    }
    return reply.send()
  }
  return reply.code(404).type('text/plain').send('404 page not found')
}

/**
 * Install the gin emulation in the vendor scope: the body decoder for every content type, the bind
 * of routes with `config.goBody`, the not-found/redirect handler, OPTIONS, and the response rules.
 */
export function registerGin (app: FastifyInstance): void {
  const prefix = app.prefix

  // BindJSON decodes whatever the content type says (multipart, text, none).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const text = (body as Buffer).toString('utf8')
    const parsed = parseFirstValue(text)
    state(request).parsed = parsed
    // The journal records what the client sent: the JSON, or the text that is not JSON.
    request.sandbox.journalBody = parsed.ok ? toPlain(parsed.value) : text
    done(null, undefined)
  })

  app.addHook('onRequest', async (request, reply) => {
    // A body without a content type (or an empty one) is still read by gin: give it one Fastify parses.
    const ct = request.headers['content-type']
    if ((ct === undefined || ct === '') && (request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0')) {
      request.headers['content-type'] = 'application/octet-stream'
    }
    // gin never matches an empty path segment or one with an encoded slash; the redirect or 404 then applies.
    const params = request.params as Record<string, string> | undefined
    if (params !== undefined && Object.entries(params).some(([k, v]) => k !== '*' && (v === '' || v.includes('/')))) {
      reply.callNotFound()
      return reply
    }
  })

  app.addHook('preHandler', async (request) => {
    const spec = (request.routeOptions.config as BindConfig).goBody
    if (spec === undefined) return
    const s = state(request)
    const r = bind(spec, s.parsed)
    if (r.error !== undefined) s.bindFailed = true
    s.bound = r.value
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const s = state(request)
    if (!s.redirect) for (const [k, v] of Object.entries(CORS_HEADERS)) reply.header(k, v)
    if (s.untouched) return payload
    const empty = payload === '' || payload === null || payload === undefined
    if (s.bindFailed && request.sandbox.fault?.status === undefined) {
      reply.code(400)
      if (!empty) reply.header('content-type', 'text/plain; charset=utf-8')
    }
    // A panic's empty 500 (or any empty answer) has no content type.
    if (empty) reply.removeHeader('content-type')
    return payload
  })

  // Weber's CORS middleware answers every OPTIONS request itself: 204, no body.
  app.options('/*', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send())

  app.setNotFoundHandler((request, reply) => notFound(request, reply, prefix))
}
