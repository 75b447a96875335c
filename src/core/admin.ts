/**
 * The control plane under /__admin (CONTRACT.md, "Admin API"): health, reset, clock, scenarios,
 * journal. JSON in, JSON out, honours X-Sandbox-Namespace; every refusal is a sandbox error. With
 * `--admin-token`, every call but health needs `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Core } from './core.js'
import { fastifyErrorCode, SandboxError, sendSandboxError, sendSandboxFault } from './errors.js'
import { isStoreFault } from './store-health.js'
import { namespaceOf } from './vendor/namespace.js'

const SandboxErrorBody = z.object({
  sandbox_error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
}).describe("The sandbox's own error (never a vendor answer); also in the x-sandbox-error header").meta({ id: 'SandboxError' })

const ClockBody = z.object({
  now: z.string().describe('ISO-8601 time on the namespace clock'),
  offset_ms: z.number().int().describe('how far the namespace clock is ahead of real time')
}).meta({ id: 'SandboxClock' })

const ScenarioSummary = z.object({ name: z.string(), description: z.string(), vendor: z.string(), file: z.string() }).meta({ id: 'SandboxScenario' })

const NamespaceHeader = z.object({
  'x-sandbox-namespace': z.string().optional().describe('state namespace (default "default")')
})

const JournalEntry = z.object({
  id: z.number().int(),
  time: z.string(),
  vendor: z.string(),
  operation: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  status: z.number().int().describe('0 when the connection was dropped (fault) or a callback failed to connect'),
  scenario: z.string().nullable(),
  fault: z.record(z.string(), z.unknown()).nullable().describe("the scenario's fault applied to the answer (latency_ms, status, drop, empty, malformed), or null"),
  duration_ms: z.number(),
  request: z.unknown().describe('headers (credentials redacted), query, body (binary payloads as {bytes, sha256})'),
  response: z.unknown().describe('headers, body'),
  truncated: z.literal(true).optional().describe('a body was cut to keep the entry within journal.max_entry_bytes')
}).meta({ id: 'SandboxJournalEntry' })

export interface AdminOptions {
  core: Core
  /** Ids of the vendors this process serves. */
  vendors: readonly string[]
  adminToken: string | undefined
}

function tokenMatches (header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(header ?? '')
  if (m === null) return false
  const a = Buffer.from(m[1] as string)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (fastify, { core, vendors, adminToken }) => {
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

  const r = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['admin']
  const errors = { 400: SandboxErrorBody, 401: SandboxErrorBody }

  r.get('/health', {
    schema: {
      operationId: 'admin.health',
      tags,
      summary: 'Ready check',
      response: {
        200: z.object({
          status: z.enum(['ok', 'degraded']).describe('degraded: the server answers, but the database does not take writes (see store)'),
          vendors: z.array(z.string()),
          version: z.string(),
          store: z.object({ writable: z.boolean(), error: z.string().optional(), since: z.string().optional() })
            .describe('whether state writes succeed; while they fail, vendor routes that write answer their server error')
        })
      }
    }
  }, async () => {
    const store = core.storeHealth.status()
    return { status: store.writable ? 'ok' as const : 'degraded' as const, vendors: [...vendors], version: core.version, store }
  })

  r.post('/reset', {
    schema: {
      operationId: 'admin.reset',
      tags,
      summary: "Drop the namespace's state (or every namespace's with {\"all\":true})",
      headers: NamespaceHeader,
      body: z.object({ all: z.boolean().optional() }).strict().nullish(),
      response: { 200: z.object({ reset: z.enum(['namespace', 'all']), namespace: z.string().nullable() }), ...errors }
    }
  }, async (request) => {
    const all = request.body?.all === true
    const ns = all ? undefined : namespaceOf(request.headers)
    core.reset(ns)
    return { reset: all ? 'all' as const : 'namespace' as const, namespace: ns ?? null }
  })

  const clockOf = (ns: string): z.output<typeof ClockBody> => ({ now: core.clock.now(ns).toISOString(), offset_ms: core.clock.offset(ns) })

  r.get('/clock', {
    schema: { operationId: 'admin.clock', tags, summary: "The namespace's virtual time", headers: NamespaceHeader, response: { 200: ClockBody, ...errors } }
  }, async (request) => clockOf(namespaceOf(request.headers)))

  r.post('/clock/advance', {
    schema: {
      operationId: 'admin.clockAdvance',
      tags,
      summary: "Move the namespace's clock forward; expiry and TTLs follow it",
      headers: NamespaceHeader,
      body: z.object({ seconds: z.number().min(0).max(100 * 365 * 86400).describe('seconds to move forward (fractions allowed)') }).strict(),
      response: { 200: ClockBody, ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    core.clock.advance(ns, request.body.seconds * 1000)
    return clockOf(ns)
  })

  r.post('/clock/reset', {
    schema: { operationId: 'admin.clockReset', tags, summary: 'Offset back to 0', headers: NamespaceHeader, response: { 200: ClockBody, ...errors } }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    core.clock.reset(ns)
    return clockOf(ns)
  })

  r.get('/scenarios', {
    schema: { operationId: 'admin.scenarios', tags, summary: 'Every loaded scenario', response: { 200: z.array(ScenarioSummary) } }
  }, async () => core.scenarios.list(served))

  r.post('/scenarios/reload', {
    schema: {
      operationId: 'admin.scenariosReload',
      tags,
      summary: 'Reload the scenario files now (they are also watched); broken files keep their last good version',
      response: { 200: z.object({ loaded: z.number().int(), errors: z.array(z.object({ file: z.string(), message: z.string() })) }) }
    }
  }, async () => {
    const errs = core.scenarios.reload()
    return { loaded: core.scenarios.list(served).length, errors: errs.map((e) => ({ file: e.file, message: e.message })) }
  })

  r.get('/scenario', {
    schema: {
      operationId: 'admin.scenarioActive',
      tags,
      summary: "The namespace's active scenario per vendor",
      headers: NamespaceHeader,
      response: { 200: z.object({ namespace: z.string(), active: z.record(z.string(), z.string()) }), ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    return { namespace: ns, active: core.scenarios.activeAll(ns) }
  })

  r.put('/scenario', {
    schema: {
      operationId: 'admin.scenarioActivate',
      tags,
      summary: "Make a scenario the namespace's active one for its vendor",
      headers: NamespaceHeader,
      body: z.object({ name: z.string().min(1) }).strict(),
      response: { 200: z.object({ namespace: z.string(), vendor: z.string(), name: z.string() }), 404: SandboxErrorBody, ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    const s = core.scenarios.activate(ns, request.body.name)
    return { namespace: ns, vendor: s.vendor, name: s.name }
  })

  r.delete('/scenario', {
    schema: {
      operationId: 'admin.scenarioClear',
      tags,
      summary: 'Back to the default outcomes (only one vendor with {"vendor":V})',
      headers: NamespaceHeader,
      body: z.object({ vendor: z.string().min(1).optional() }).strict().nullish(),
      response: { 200: z.object({ namespace: z.string(), active: z.record(z.string(), z.string()) }), ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    const vendor = request.body?.vendor
    if (vendor !== undefined && !served.has(vendor)) throw new SandboxError('unknown-vendor', `no vendor "${vendor}" is served (${vendors.join(', ')})`, 400)
    core.scenarios.deactivate(ns, vendor)
    return { namespace: ns, active: core.scenarios.activeAll(ns) }
  })

  r.get('/requests', {
    schema: {
      operationId: 'admin.requests',
      tags,
      summary: 'The request journal, newest first',
      headers: NamespaceHeader,
      querystring: z.object({
        vendor: z.string().optional(),
        operation: z.string().optional().describe('operationId, e.g. gtriip.liveness'),
        scenario: z.string().optional(),
        status: z.coerce.number().int().optional(),
        limit: z.coerce.number().int().min(1).max(10_000).default(100)
      }).strict(),
      response: { 200: z.object({ requests: z.array(JournalEntry), truncated: z.boolean().describe('true when older matching entries were left out to keep the answer under 32 MiB of body text') }), ...errors }
    }
  }, async (request) => core.journal.query(namespaceOf(request.headers), request.query))

  r.delete('/requests', {
    schema: {
      operationId: 'admin.requestsClear',
      tags,
      summary: "Clear the namespace's journal",
      headers: NamespaceHeader,
      response: { 200: z.object({ cleared: z.number().int() }), ...errors }
    }
  }, async (request) => ({ cleared: core.journal.clear(namespaceOf(request.headers)) }))
}
