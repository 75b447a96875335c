/**
 * The control plane under /__admin (CONTRACT.md, "Admin API"): health, reset, clock, scenarios,
 * journal. JSON in, JSON out, honours X-Sandbox-Namespace; every refusal is a sandbox error. With
 * `--admin-token`, every call but health needs `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from 'node:crypto'
import { fastifySSE } from '@fastify/sse'
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Core } from './core.js'
import { fastifyErrorCode, SandboxError, sendSandboxError, sendSandboxFault } from './errors.js'
import type { JournalEvent } from './journal/index.js'
import { matches } from './journal/index.js'
import { FaultSchema } from './scenarios/schema.js'
import { isStoreFault } from './store-health.js'
import type { Inspector } from './vendor/inspect.js'
import type { StateItem } from './vendor/module.js'
import { namespaceOf } from './vendor/namespace.js'

const SandboxErrorBody = z.object({
  sandbox_error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
}).describe("The sandbox's own error (never a vendor answer); also in the x-sandbox-error header").meta({ id: 'SandboxError' })

const ClockBody = z.object({
  now: z.string().describe('ISO-8601 time on the namespace clock'),
  offset_ms: z.number().int().describe('how far the namespace clock is ahead of real time')
}).meta({ id: 'SandboxClock' })

const ScenarioSummary = z.object({
  name: z.string(),
  description: z.string(),
  vendor: z.string(),
  file: z.string(),
  rules: z.array(z.record(z.string(), z.unknown())).describe('the rules as loaded (defaults filled in)')
}).meta({ id: 'SandboxScenario' })

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
  fault: FaultSchema.nullable().describe('the scenario fault applied to the response (latency, status, drop, empty, malformed), or null'),
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
  }, async () => core.scenarios.list(served).map((s) => ({ ...s, rules: (core.scenarios.get(s.name)?.rules ?? []) as Array<Record<string, unknown>> })))

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

  await liveRoutes(app, core, inspect ?? new Map())
}

// ---- For the dashboard: namespaces, live state, the journal as a stream of server-sent events

const StateItemSchema = z.object({
  kind: z.string().describe('session, visitor, account, token, callback, ...'),
  id: z.string(),
  expires_at: z.string().nullable().describe('ISO-8601 on the namespace clock; null: does not expire'),
  remaining_seconds: z.number().nullable().describe('seconds left (0 once expired); null: does not expire'),
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
}).meta({ id: 'SandboxStateItem' })

const StreamQuery = z.object({
  namespace: z.string().optional().describe('the namespace, for clients that cannot set X-Sandbox-Namespace (EventSource); the header wins'),
  vendor: z.string().optional(),
  operation: z.string().optional().describe('operationId, e.g. gtriip.liveness'),
  scenario: z.string().optional(),
  status: z.coerce.number().int().optional()
}).strict()

const STREAM_DESCRIPTION = `Server-sent events (text/event-stream) for the namespace, with the same filters as GET /requests:
- \`ready\`: once, when the stream is subscribed; data \`{"namespace"}\`. Entries answered after it are delivered.
- \`request\`: a new journal entry matching the filters, as soon as it is written; data: the entry exactly as GET /requests returns it (SandboxJournalEntry), event id = entry id.
- \`cleared\`: the namespace's journal was cleared (DELETE /requests) or the namespace reset; data \`{"namespace"}\`.
- a comment line (\`: heartbeat\`) every 15 seconds keeps proxies from closing the stream.
EventSource cannot send headers: give the namespace as the \`namespace\` query parameter (with --admin-token, read the stream with fetch to send Authorization).`

/** The namespace of a stream request: the header, else the query parameter, checked by the same rule. */
function streamNamespace (request: FastifyRequest, fromQuery: string | undefined): string {
  if (request.headers['x-sandbox-namespace'] !== undefined || fromQuery === undefined) return namespaceOf(request.headers)
  return namespaceOf({ 'x-sandbox-namespace': fromQuery })
}

async function liveRoutes (app: FastifyInstance, core: Core, inspect: ReadonlyMap<string, Inspector>): Promise<void> {
  await app.register(fastifySSE, { heartbeatInterval: 15_000 })
  const r = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['admin']
  const errors = { 400: SandboxErrorBody, 401: SandboxErrorBody }

  r.get('/namespaces', {
    schema: {
      operationId: 'admin.namespaces',
      tags,
      summary: 'Every namespace that holds state (rows, journal entries, a clock offset, an active scenario), sorted; "default" always',
      response: {
        200: z.object({
          namespaces: z.array(z.object({
            name: z.string(),
            journal: z.number().int().describe('journal entries kept'),
            offset_ms: z.number().int(),
            active: z.record(z.string(), z.string()).describe('active scenario per vendor')
          }))
        }),
        401: SandboxErrorBody
      }
    }
  }, async () => ({ namespaces: core.namespaces() }))

  r.get('/state', {
    schema: {
      operationId: 'admin.state',
      tags,
      summary: "The namespace's live state per vendor, on its virtual clock: FPT sessions, Weber visitors and accounts, Riset tokens, Oz callbacks in flight",
      headers: NamespaceHeader,
      response: { 200: z.object({ namespace: z.string(), now: z.string(), vendors: z.record(z.string(), z.array(StateItemSchema)) }), ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    const nowMs = core.clock.nowMs(ns)
    const out: Record<string, StateItem[]> = {}
    for (const [id, fn] of inspect) out[id] = fn(ns, nowMs)
    return { namespace: ns, now: new Date(nowMs).toISOString(), vendors: out }
  })

  r.get('/requests/stream', {
    sse: { kind: 'manual' },
    schema: {
      operationId: 'admin.requestsStream',
      tags,
      summary: "The namespace's journal, live: one server-sent event per new entry",
      description: STREAM_DESCRIPTION,
      headers: NamespaceHeader,
      querystring: StreamQuery,
      response: {
        200: { description: 'an endless text/event-stream: ready, then request and cleared events', content: { 'text/event-stream': { schema: z.string() } } },
        ...errors
      }
    }
  }, async (request, reply) => {
    const q = request.query
    const ns = streamNamespace(request, q.namespace)
    reply.sse.keepAlive()
    // A client gone meanwhile: the stream's onClose unsubscribes it; a failed write has nothing to tell.
    const send = (msg: { id?: string, event: string, data: unknown }): void => { reply.sse.send(msg).catch((err: unknown) => { request.log.debug({ err }, 'journal stream: a write to a closed stream') }) }
    const unsubscribe = core.journal.subscribe(ns, (ev: JournalEvent) => {
      if (!reply.sse.isConnected) return
      if (ev.kind === 'cleared') send({ event: 'cleared', data: { namespace: ns } })
      else if (matches(ev.entry, q)) send({ id: String(ev.entry.id), event: 'request', data: ev.entry })
    })
    reply.sse.onClose(unsubscribe)
    await reply.sse.send({ event: 'ready', data: { namespace: ns } })
  })
}
