/**
 * The vendor module contract: what a vendor folder declares (data) and the one plugin that mounts its
 * routes. Core turns the data into behaviour the same way for every vendor: the error catalogue and
 * its failure table become the error handler, the operations table checks scenarios at load time,
 * the registered routes become the 404/405 answers, the store gets its tables and its reset.
 *
 * @see ../README.md for how to add a vendor and an endpoint.
 */
import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import type { DB, StoreSpec } from '../db.js'
import type { Catalogue, ErrorDetail, RenderedError, VendorError } from '../errors.js'
import type { PendingCallback } from '../outbound.js'
import type { Failure, FailureGroup } from './failures.js'
import type { VendorKit } from './kit.js'
import type { RouteIndex } from './routes.js'

export interface CorsSpec {
  /** Request headers the vendor's clients send (besides Content-Type and the X-Sandbox-* headers). */
  headers: readonly string[]
  methods: readonly string[]
}

/** What one operation (a route, by its operationId) can answer: the codes a scenario may choose for it. */
export interface OperationSpec {
  /** Catalogue codes this operation answers (its refusals and analysis results). */
  errors: readonly string[]
}

/**
 * Failure kind (or group, or `default`) → catalogue code. See failures.ts for the kinds. `internal`,
 * in an operation's map, overrides the vendor's internal error for that operation (a vendor whose
 * processors each have their own, e.g. Oz's BPE-001001 and LDE-001001).
 */
export type FailureMap = Partial<Record<Failure | FailureGroup | 'default' | 'internal', string>>

/**
 * How the vendor answers what core detects before its code runs (a body too large, malformed JSON,
 * bad multipart, an undecodable image) and what nobody expected (a bug): data, looked up by the
 * operation first, then for the whole vendor.
 */
export interface FailureTable {
  vendor: FailureMap
  byOperation?: Record<string, FailureMap>
  /** The vendor's answer to an unexpected failure (its internal error). */
  internal: string
}

/** A request no route answers: the vendor-local path, the method, and the methods the path does allow. */
export interface Miss {
  method: string
  /** Path after the vendor prefix, without the query string. */
  path: string
  /** Where the vendor is mounted: its prefix, or '' at the root (`--vendor`); for answers that name a path (a redirect). */
  prefix: string
  /** The query string with its `?`, or ''. */
  query: string
  /** Methods of the routes that match this path ([] for an unknown path). */
  allowed: readonly string[]
  /** Every route of the vendor (e.g. to test a neighbouring path). */
  routes: RouteIndex
}

/** One piece of a namespace's live state, for the admin API and the dashboard (read-only). */
export interface StateItem {
  kind: string
  id: string
  expires_at: string | null
  remaining_seconds: number | null
  fields: Record<string, string | number | boolean | null>
}

/** What core holds for a vendor in a namespace besides the vendor's own store (read-only copies). */
export interface InspectContext {
  /** The vendor's callbacks in the namespace still being delivered or retried (core/outbound.ts). */
  callbacks: readonly PendingCallback[]
}

/**
 * The vendor's state. A vendor without tables of its own (Oz) declares an empty spec and still has
 * `inspect`, to show what core holds for it (its callbacks).
 */
export interface VendorStore<St, S = unknown> {
  /** Tables (each keyed by namespace) and their migrations. */
  spec: StoreSpec
  /**
   * The vendor's store object, created once per app on the shared database, with the vendor's
   * settings (what `inspect` may need, e.g. how long a session lasts).
   */
  open: (db: DB, settings: S) => St
  /** The namespace's live state that time acts on (sessions, tokens, callbacks...), for the admin API; read-only. */
  inspect?: (store: St, namespace: string, nowMs: number, context: InspectContext) => StateItem[]
}

export interface VendorModule<S = unknown, St = undefined> {
  /** The vendor id of CONTRACT.md: weber, gtriip, fpt, riset, oz. */
  id: string
  title: string
  /** Short description for the OpenAPI document. */
  description: string
  /** Where the vendor lives: `/<id>` (CONTRACT.md, "Vendors and where they live"). */
  prefix: string
  /** Body size limit of the vendor's routes (bytes); a larger body is the `body-too-large` failure. */
  bodyLimit: number
  /** The vendor's section of the settings file, with every default. */
  settings: z.ZodType<S>
  store?: VendorStore<St, S>
  /** The error catalogue (data), rendered by core. */
  catalogue: Catalogue<any>
  /** Every operation by operationId (`<id>.<name>`), with the codes it answers. */
  operations: Readonly<Record<string, OperationSpec>>
  /** The scenario outcome vocabulary; an `error` field names a catalogue code. */
  outcome: z.ZodType
  failures: FailureTable
  /** The answer to a path no route takes, or a known path with another method. */
  notFound: (miss: Miss) => VendorError | RenderedError
  /** The header that carries the vendor's credential: a security scheme in its OpenAPI document. */
  auth?: { header: string, description: string }
  /**
   * Credentials and session ids the journal must not keep verbatim: request/response header names and
   * body field names (any depth), lower case. The journal keeps a short prefix and a hash instead.
   */
  secrets?: { headers?: readonly string[], fields?: readonly string[] }
  /** Standard CORS for browser clients, or 'own' when the vendor's real CORS behaviour is reproduced by the plugin. */
  cors: CorsSpec | 'own'
  /** Parsers, hooks of the vendor's own HTTP behaviour, and routes. */
  plugin: (app: FastifyInstance, kit: VendorKit<S, St>) => Promise<void> | void
}

export type { ErrorDetail }
