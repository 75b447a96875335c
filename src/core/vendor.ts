/**
 * The vendor module contract, and how core mounts a vendor.
 *
 * A vendor is one encapsulated Fastify plugin in src/vendors/<id>/ (registered without
 * fastify-plugin, so its hooks, parsers and error handler stay under its prefix), plus data: its
 * settings schema, its store (migrations and tables), its scenario vocabulary. Core wraps the plugin
 * in a scope that provides what every vendor route needs: namespace, control headers, journal,
 * faults, CORS, body limits, and the `VendorContext` handed to the plugin.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { Core } from './core.js'
import type { StoreSpec } from './db.js'
import { RawResponse, SandboxError, sendSandboxError, sendSandboxFault, VendorError, type Catalogue, type CatalogueEntry, type RenderedError } from './errors.js'
import type { Decision, RequestView } from './scenarios/engine.js'
import type { Fault } from './scenarios/schema.js'

/** Per-request sandbox state, set by the vendor scope's onRequest hook. */
export interface RequestSandbox {
  vendor: string
  namespace: string
  /** Value of X-Sandbox-Scenario, checked to exist and to belong to this vendor. */
  scenarioHeader: string | undefined
  decided: boolean
  scenario: string | undefined
  fault: Fault | undefined
  /** What the journal records as the request body when `request.body` does not say it (multipart). */
  journalBody: unknown
  started: number
  payload: unknown
  journaled: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    sandbox: RequestSandbox
  }
}

export const NAMESPACE_HEADER = 'x-sandbox-namespace'
export const SCENARIO_HEADER = 'x-sandbox-scenario'
const NAMESPACE_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/

/** The namespace of a request (CONTRACT.md: default `default`); throws a SandboxError when malformed. */
export function namespaceOf (request: FastifyRequest): string {
  const raw = request.headers[NAMESPACE_HEADER]
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined || value === '') return 'default'
  if (!NAMESPACE_RE.test(value)) {
    throw new SandboxError('invalid-namespace', 'X-Sandbox-Namespace must be 1-64 characters: letters, digits, and . _ : - (not first)', 400)
  }
  return value
}

export interface CorsSpec {
  /** Request headers the vendor's clients send (besides Content-Type and the X-Sandbox-* headers). */
  headers: readonly string[]
  methods: readonly string[]
}

export interface VendorModule<S = unknown> {
  /** The vendor id of CONTRACT.md: weber, gtriip, fpt, riset, oz. */
  id: string
  title: string
  /** Short description for the OpenAPI document. */
  description: string
  /** Where the vendor lives: `/<id>` (CONTRACT.md, "Vendors and where they live"). */
  prefix: string
  /** Body size limit of the vendor's routes (bytes); the vendor maps a larger body to its own error. */
  bodyLimit: number
  /** The vendor's section of the settings file, with every default. */
  settings: z.ZodType<S>
  store: StoreSpec
  /** Operation ids (`<id>.<name>`) and the outcome vocabulary of scenarios. */
  scenarios: { operations: readonly string[], outcome: z.ZodType }
  /** Standard CORS for browser clients, or 'own' when the vendor's real CORS behaviour is reproduced by the plugin. */
  cors: CorsSpec | 'own'
  plugin: FastifyPluginAsync<{ ctx: VendorContext<S> }>
  /** The namespace's live state for GET /__admin/state (the dashboard): read-only queries of the vendor's own tables. */
  inspect?: (ctx: InspectContext<S>, namespace: string, nowMs: number) => StateItem[]
}

/** One thing a vendor keeps for a namespace (a session, an account, a token), as the dashboard shows it. */
export interface StateItem {
  kind: string
  id: string
  /** ISO-8601 on the namespace's clock, or null when it does not expire. */
  expires_at: string | null
  /** Seconds left before it expires (0 once expired), or null. */
  remaining_seconds: number | null
  fields: Record<string, string | number | boolean | null>
}

export interface InspectContext<S> { core: Core, settings: S }

/** `expires_at` and `remaining_seconds` of a StateItem from an expiry time in ms (null: never). */
export function expiry (expiresMs: number | null, nowMs: number): Pick<StateItem, 'expires_at' | 'remaining_seconds'> {
  if (expiresMs === null) return { expires_at: null, remaining_seconds: null }
  return { expires_at: new Date(expiresMs).toISOString(), remaining_seconds: Math.max(0, Math.round((expiresMs - nowMs) / 1000)) }
}

/** The served vendors' `inspect`, bound to core and their settings: vendor id → (namespace, nowMs) → items. */
export function inspectors (mods: ReadonlyArray<VendorModule<any>>, core: Core, settings: Record<string, unknown>): Map<string, (namespace: string, nowMs: number) => StateItem[]> {
  const out = new Map<string, (namespace: string, nowMs: number) => StateItem[]>()
  for (const m of mods) {
    const inspect = m.inspect
    if (inspect !== undefined) out.set(m.id, (ns, nowMs) => inspect({ core, settings: settings[m.id] }, ns, nowMs))
  }
  return out
}

export interface DecideOptions {
  /** The session the request belongs to: scenarios bound to it apply, sequences count per session. */
  session?: string | undefined
  /** The request body as rules should match it (parsed multipart fields, for instance). */
  body?: unknown
}

export interface VendorErrorHandlerOptions<E extends Record<string, CatalogueEntry>> {
  catalogue: Catalogue<E>
  /** Map anything else (Fastify's validation, parser and size errors, multipart and image errors). */
  map: (err: FastifyError | Error, request: FastifyRequest) => VendorError | RenderedError | undefined
  /** The vendor's answer to an unexpected failure (a bug): its internal error. */
  internal: (err: Error, request: FastifyRequest) => VendorError | RenderedError
}

/** What a vendor plugin gets from core. */
export interface VendorContext<S> {
  id: string
  settings: S
  core: Core
  /** Now, on the namespace's virtual clock. */
  now: (request: FastifyRequest) => Date
  nowMs: (request: FastifyRequest) => number
  /**
   * Decide the outcome after the vendor's real checks passed (vendor-notes, rulings: real checks first,
   * then the scenario). Throws the scenario's raw response, if it has one.
   */
  decide: <O = Record<string, unknown>>(request: FastifyRequest, opts?: DecideOptions) => Decision & { outcome: O | undefined }
  /** Bind the request's X-Sandbox-Scenario (if any) to a session it just created. */
  bindSession: (request: FastifyRequest, session: string) => void
  /** The vendor's error handler: sandbox errors and raw responses as they are, the rest through the catalogue. */
  errorHandler: <E extends Record<string, CatalogueEntry>>(opts: VendorErrorHandlerOptions<E>) => (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply
  /** Send a rendered vendor error. */
  sendRendered: (reply: FastifyReply, r: RenderedError) => FastifyReply
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

function sendRendered (reply: FastifyReply, r: RenderedError): FastifyReply {
  reply.code(r.status)
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v)
  if (r.body !== null && typeof r.body === 'object' && !Buffer.isBuffer(r.body)) {
    if (!reply.hasHeader('content-type')) reply.type('application/json; charset=utf-8')
    return reply.send(JSON.stringify(r.body))
  }
  return reply.send(r.body ?? '')
}

function sendRaw (reply: FastifyReply, r: RawResponse): FastifyReply {
  return sendRendered(reply, { status: r.status, headers: r.headers, body: r.body })
}

function viewOf (request: FastifyRequest, body?: unknown): RequestView {
  return {
    headers: request.headers,
    query: request.query as Record<string, unknown>,
    params: request.params as Record<string, unknown>,
    body: body ?? request.body
  }
}

/** The operationId of the request's route (`<vendor>.<name>`), if it has one. */
export function operationOf (request: FastifyRequest): string | undefined {
  return (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId
}

/** Register a vendor under its prefix (or at the root with `--vendor`), wrapped in the core scope. */
export function mountVendor<S> (app: FastifyInstance, core: Core, mod: VendorModule<S>, settings: S, prefix: string): void {
  const engine = core.scenarios
  const ctx: VendorContext<S> = {
    id: mod.id,
    settings,
    core,
    now: (request) => core.clock.now(request.sandbox.namespace),
    nowMs: (request) => core.clock.nowMs(request.sandbox.namespace),
    decide: <O>(request: FastifyRequest, opts: DecideOptions = {}) => {
      const s = request.sandbox
      const scenario = engine.select(s.namespace, mod.id, s.scenarioHeader, opts.session)
      const d = engine.decide(s.namespace, scenario, operationOf(request) ?? '', viewOf(request, opts.body), opts.session)
      s.decided = true
      s.scenario = d.scenario
      s.fault = d.fault
      if (d.response !== undefined) throw d.response
      return d as Decision & { outcome: O | undefined }
    },
    bindSession: (request, session) => {
      const name = request.sandbox.scenarioHeader
      if (name !== undefined) engine.bindSession(request.sandbox.namespace, mod.id, session, name)
    },
    errorHandler: (opts) => (err, request, reply) => {
      if (err instanceof SandboxError) return sendSandboxError(reply, err)
      if (err instanceof RawResponse) return sendRaw(reply, err)
      let out: VendorError | RenderedError | undefined = err instanceof VendorError && err.vendor === mod.id ? err : opts.map(err, request)
      if (out === undefined) {
        request.log.error({ err }, `${mod.id}: unexpected failure, answered as the vendor's internal error`)
        out = opts.internal(err, request)
      }
      return sendRendered(reply, out instanceof VendorError ? opts.catalogue.render(out) : out)
    },
    sendRendered
  }

  const scope: FastifyPluginAsync = async (instance) => {
    // The vendor plugin sets its own error handler for its routes; this one only serves what core
    // itself adds here (the CORS preflight), so nothing under the prefix answers in Fastify's shape.
    instance.setErrorHandler((err, request, reply) => {
      if (err instanceof SandboxError) return sendSandboxError(reply, err)
      return sendSandboxFault(reply, err, `${mod.id} scope`)
    })

    instance.addHook('onRoute', (route) => {
      route.bodyLimit ??= mod.bodyLimit
      const id = (route.schema as { operationId?: string } | undefined)?.operationId
      if (route.method !== 'OPTIONS' && route.method !== 'HEAD' && !(id?.startsWith(`${mod.id}.`) ?? false)) {
        throw new Error(`${mod.id}: route ${String(route.method)} ${route.url} needs schema.operationId "${mod.id}.<name>"`)
      }
    })

    instance.addHook('onRequest', (request, reply, done) => {
      const s: RequestSandbox = {
        vendor: mod.id,
        namespace: 'default',
        scenarioHeader: undefined,
        decided: false,
        scenario: undefined,
        fault: undefined,
        journalBody: undefined,
        started: performance.now(),
        payload: undefined,
        journaled: false
      }
      request.sandbox = s
      if (mod.cors !== 'own') {
        reply.header('access-control-allow-origin', '*')
        reply.header('access-control-expose-headers', 'x-sandbox-error')
      }
      try {
        s.namespace = namespaceOf(request)
        const name = request.headers[SCENARIO_HEADER]
        if (typeof name === 'string' && name !== '') {
          engine.requireForVendor(name, mod.id)
          s.scenarioHeader = name
        }
      } catch (err) {
        done(err as Error)
        return
      }
      done()
    })

    instance.addHook('onSend', async (request, reply, payload) => {
      const s = request.sandbox
      let fault = s.fault
      if (!s.decided) {
        // Faults apply whatever the outcome (vendor-notes, rulings): also to requests refused by a real check.
        try {
          const scenario = engine.select(s.namespace, mod.id, s.scenarioHeader, undefined)
          s.scenario = scenario?.name
          fault = engine.faultOnly(scenario, operationOf(request) ?? '', viewOf(request))
          s.fault = fault
        } catch {
          fault = undefined
        }
      }
      if (fault === undefined) {
        s.payload = payload
        return payload
      }
      const latency = fault.latency_ms
      if (latency !== undefined) {
        const ms = typeof latency === 'number' ? latency : latency.min + Math.floor(Math.random() * (latency.max - latency.min + 1))
        await sleep(ms)
      }
      if (fault.status !== undefined) reply.code(fault.status)
      if (fault.drop === true) {
        // Close the connection without an answer: what a crashed upstream or a cut network looks like.
        journal(request, reply, 0)
        reply.raw.destroy()
        return ''
      }
      let out: unknown = payload
      if (fault.empty === true) {
        reply.removeHeader('content-type')
        out = ''
      } else if (fault.malformed === true) {
        const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : typeof payload === 'string' ? payload : ''
        out = text.slice(0, Math.max(1, Math.floor(text.length / 2)))
      }
      s.payload = out
      return out
    })

    // Journaled once per request: on response, or when the connection ends without one (a drop fault,
    // or a client that gave up), with status 0.
    const journal = (request: FastifyRequest, reply: FastifyReply | undefined, status: number): void => {
      const s = request.sandbox
      if (s === undefined || s === null || s.journaled) return
      s.journaled = true
      const headers: Record<string, unknown> = reply?.getHeaders() ?? {}
      core.journal.record({
        namespace: s.namespace,
        time: core.clock.now(s.namespace).toISOString(),
        vendor: mod.id,
        operation: operationOf(request),
        method: request.method,
        path: request.url,
        status,
        scenario: s.scenario,
        fault: s.fault,
        durationMs: performance.now() - s.started,
        request: { headers: request.headers, query: request.query, body: s.journalBody ?? request.body },
        response: status === 0 ? { headers: {}, body: null, contentType: undefined } : { headers, body: s.payload, contentType: headers['content-type'] as string | undefined }
      })
    }
    instance.addHook('onResponse', (request, reply, done) => {
      journal(request, reply, reply.statusCode)
      done()
    })
    instance.addHook('onRequestAbort', (request, done) => {
      journal(request, undefined, 0)
      done()
    })

    if (mod.cors !== 'own') {
      const allowHeaders = ['content-type', ...mod.cors.headers, SCENARIO_HEADER, NAMESPACE_HEADER].join(', ')
      const allowMethods = [...mod.cors.methods, 'OPTIONS'].join(', ')
      // Browser preflight: allowed everywhere under the prefix, with the X-Sandbox-* control headers.
      instance.options('/*', { schema: { hide: true } }, async (_request, reply) => {
        return reply.code(204)
          .header('access-control-allow-methods', allowMethods)
          .header('access-control-allow-headers', allowHeaders)
          .header('access-control-max-age', '600')
          .send()
      })
    }

    await instance.register(mod.plugin, { ctx })
  }
  app.register(scope, { prefix })
}
