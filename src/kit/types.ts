/**
 * The test kit's public types: what startSandbox takes and gives, and the admin API's answers as a
 * client sees them (CONTRACT.md, "Admin API" and "Test kit"). Self-contained on purpose: the
 * declarations shipped in the package reach nothing of the server.
 */
import type { SandboxClient } from './client.js'
import type { VendorId } from './names.js'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** startSandbox's options: the flags of the command, with defaults for a test run. */
export interface SandboxOptions {
  /** Listening port; 0 or omitted: a free port. */
  port?: number
  /** Bind address; default 127.0.0.1. */
  host?: string
  /** SQLite file; default ':memory:' (a throw-away store). */
  db?: string
  /** Seed of all generated data; default 0. */
  seed?: number
  /** Serve only this vendor, at the root path. */
  vendor?: VendorId
  /** Scenario directory; default: the scenarios shipped with the package. */
  scenarios?: string
  /** When given, only these keys/tokens authenticate on the vendors' routes. */
  apiKeys?: string[]
  /** When given, the admin API needs `Authorization: Bearer <adminToken>` (the kit's clients send it). */
  adminToken?: string
  /** Vendor settings: a YAML/JSON file path, or the settings object itself (checked like --config). */
  config?: string | Record<string, unknown>
  /** Default 'silent'. */
  logLevel?: LogLevel
  /** PEM certificate (chain), as text or a file path: serve HTTPS. Needs tlsKey. */
  tlsCert?: string
  /** PEM private key, as text or a file path. */
  tlsKey?: string
  /** Seconds that requests in flight get to finish on close(); default 1. */
  shutdownGrace?: number
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>` (https with tlsCert). */
  readonly url: string
  readonly port: number
  /** The base URL a client of this vendor uses: `<url>/<id>`, or `<url>` when the sandbox serves only that vendor. */
  vendorUrl: (id: VendorId) => string
  /**
   * A client of this sandbox (with its admin token). Without an argument, in a fresh namespace of its
   * own, so that each test sees only its own state and journal; `client('default')` for the default one.
   */
  client: (namespace?: string) => SandboxClient
  /** Stop: let requests in flight finish (up to shutdownGrace), write the journal, close the database, free the port. Safe to call twice. */
  close: () => Promise<void>
}

export interface SandboxClientOptions {
  /** The sandbox's root URL, e.g. http://127.0.0.1:4400. */
  url: string
  /** Namespace of every call; default 'default'. */
  namespace?: string
  /** The sandbox's --admin-token, if it has one. */
  adminToken?: string
  /** PEM of the certificate authority to trust for an https URL (e.g. the one `npm run cert` made). */
  ca?: string | string[]
  /** Longest wait for one admin call, in milliseconds; default 30000. */
  requestTimeoutMs?: number
}

export interface Health {
  status: 'ok'
  vendors: VendorId[]
  version: string
  [more: string]: unknown
}

/** One entry of `GET /__admin/scenarios`. */
export interface ScenarioInfo {
  name: string
  description: string
  vendor: VendorId
  file?: string
}

/** The namespace's virtual clock. */
export interface SandboxClock {
  /** ISO-8601. */
  now: string
  offset_ms: number
}

export interface ResetResult { reset: 'namespace' | 'all', namespace: string | null }
export interface ActiveScenario { namespace: string, vendor: VendorId, name: string }
export interface ActiveScenarios { namespace: string, active: Partial<Record<VendorId, string>> }

/** An image or other binary payload, as the journal keeps it. */
export interface BinarySummary { bytes: number, sha256: string }

/** One request the sandbox answered (or a callback it made), newest first in the journal. */
export interface JournalEntry {
  id: number
  /** ISO-8601, on the namespace's clock. */
  time: string
  vendor: VendorId
  /** The route's OpenAPI operationId, `<vendor>.<name>` (e.g. fpt.ocr); null for an unknown path. */
  operation: string | null
  method: string
  path: string
  /** HTTP status; 0 when the connection was dropped. */
  status: number
  scenario: string | null
  duration_ms: number
  request: { headers: Record<string, string | string[]>, query: Record<string, unknown>, body: unknown }
  response: { headers: Record<string, string | string[] | number>, body: unknown }
}

/** Journal filter: every given field must match. */
export interface RequestFilter {
  vendor?: VendorId
  /** `<vendor>.<name>`, e.g. fpt.ocr. */
  operation?: string
  scenario?: string
  status?: number
}

export interface RequestsQuery extends RequestFilter {
  /** At most this many entries (1-10000); default 100. */
  limit?: number
}

export interface WaitOptions {
  /** Give up after this many milliseconds; default 5000. */
  timeoutMs?: number
  signal?: AbortSignal
}

/** The control headers for a client's own calls: X-Sandbox-Namespace, and X-Sandbox-Scenario when given. */
export type ControlHeaders = Record<string, string>

/** What SandboxClient does (the class implements it). */
export interface SandboxClientApi {
  readonly url: string
  readonly namespace: string
  health: () => Promise<Health>
  reset: () => Promise<ResetResult>
  scenarios: () => Promise<ScenarioInfo[]>
  useScenario: (name: string) => Promise<ActiveScenario>
  clearScenario: (vendor?: VendorId) => Promise<ActiveScenarios>
  clock: () => Promise<SandboxClock>
  advanceClock: (seconds: number) => Promise<SandboxClock>
  resetClock: () => Promise<SandboxClock>
  requests: (query?: RequestsQuery) => Promise<JournalEntry[]>
  clearRequests: () => Promise<{ cleared: number }>
  waitForRequest: (filter?: RequestFilter | ((entry: JournalEntry) => boolean), options?: WaitOptions) => Promise<JournalEntry>
  headers: (scenario?: string) => ControlHeaders
  withNamespace: (namespace?: string) => SandboxClientApi
}
