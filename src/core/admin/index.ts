/**
 * The control plane under /__admin (CONTRACT.md, "Admin API"): health, reset, clock, scenarios,
 * journal. JSON in, JSON out, honours X-Sandbox-Namespace; every refusal is a sandbox error. With
 * `--admin-token`, every call but health needs `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyPluginAsync, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Core } from '../core.js'
import { fastifyErrorCode, SandboxError, sendSandboxError, sendSandboxFault } from '../errors.js'
import { isStoreFault } from '../store-health.js'
import type { Inspector } from '../vendor/inspect.js'
import { controlRoutes } from './control.js'
import { journalRoutes, journalStream } from './journal.js'
import { liveRoutes } from './live.js'
import { scenarioRoutes } from './scenarios.js'

export interface AdminOptions {
  core: Core
  /** Ids of the vendors this process serves. */
  vendors: readonly string[]
  adminToken: string | undefined
  /** Served vendors' live state (vendor/inspect.ts), for GET /state. */
  inspect?: ReadonlyMap<string, Inspector>
}

function tokenMatches (header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(header ?? '')
  if (m === null) return false
  const a = Buffer.from(m[1] as string)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** What the admin routes use: core, the vendors this process serves, their live state. */
export interface AdminDeps {
  core: Core
  vendors: readonly string[]
  served: ReadonlySet<string>
  inspect: ReadonlyMap<string, Inspector>
}

/** The admin scope, typed by the zod schemas of its routes. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>

export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (fastify, { core, vendors, adminToken, inspect }) => {
  const app: FastifyInstance = fastify
  const served = new Set(vendors)

  // An empty body with a JSON content type is an empty object here (curl -H 'content-type: ...' -X POST).
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') { done(null, undefined); return }
    try {
      done(null, JSON.parse(text))
    } catch {
      done(new SandboxError('invalid-json', 'the body is not valid JSON', 400), undefined)
    }
  })

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof SandboxError) return sendSandboxError(reply, err)
    if (err.validation !== undefined) {
      const where = err.validationContext ?? 'request'
      return sendSandboxError(reply, new SandboxError('invalid-request', `${where}: ${err.validation.map((v) => `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(value)'} ${v.message ?? ''}`.trim()).join('; ')}`, 400))
    }
    if (isStoreFault(err)) {
      core.storeHealth.note(err)
      return sendSandboxError(reply, new SandboxError('store-unavailable', `the database does not take writes now (${(err as { code?: string }).code ?? 'SQLITE'}); see GET /__admin/health`, 503))
    }
    const code = fastifyErrorCode(err)
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendSandboxError(reply, new SandboxError('unsupported-media-type', 'admin calls take JSON (application/json)', 415))
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendSandboxError(reply, new SandboxError('body-too-large', 'the body is too large for an admin call', 413))
    if (code?.startsWith('FST_ERR_CTP') === true) return sendSandboxError(reply, new SandboxError('invalid-body', err.message, 400))
    return sendSandboxFault(reply, err, 'admin')
  })

  app.setNotFoundHandler((request, reply) => sendSandboxError(reply, new SandboxError('unknown-admin-call', `no admin call ${request.method} ${request.url.split('?')[0] ?? ''}`, 404)))

  if (adminToken !== undefined) {
    app.addHook('onRequest', async (request) => {
      if (request.url === '/__admin/health' || request.url.startsWith('/__admin/health?')) return
      if (!tokenMatches(request.headers.authorization, adminToken)) {
        throw new SandboxError('admin-unauthorized', 'admin calls need Authorization: Bearer <token> (--admin-token)', 401)
      }
    })
  }

  const r: ZodApp = app.withTypeProvider<ZodTypeProvider>()
  const deps: AdminDeps = { core, vendors, served, inspect: inspect ?? new Map() }
  controlRoutes(r, deps)
  scenarioRoutes(r, deps)
  journalRoutes(r, deps)
  liveRoutes(r, deps)
  await journalStream(r, deps)
}
