/**
 * The admin API's shapes, as zod schemas: they validate the calls and produce openapi/admin.json.
 */
import { z } from 'zod'
import { FaultSchema } from '../scenarios/schema.js'

export const SandboxErrorBody = z.object({
  sandbox_error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
}).describe("The sandbox's own error (never a vendor answer); also in the x-sandbox-error header").meta({ id: 'SandboxError' })

export const ClockBody = z.object({
  now: z.string().describe('ISO-8601 time on the namespace clock'),
  offset_ms: z.number().int().describe('how far the namespace clock is ahead of real time')
}).meta({ id: 'SandboxClock' })

export const ScenarioSummary = z.object({
  name: z.string(),
  description: z.string(),
  vendor: z.string(),
  file: z.string(),
  rules: z.array(z.record(z.string(), z.unknown())).describe('the rules as loaded (defaults filled in)')
}).meta({ id: 'SandboxScenario' })

export const NamespaceHeader = z.object({
  'x-sandbox-namespace': z.string().optional().describe('state namespace (default "default")')
})

export const JournalEntry = z.object({
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

/** The refusals every namespaced admin call can give (the sandbox's own error). */
export const errors = { 400: SandboxErrorBody, 401: SandboxErrorBody }

export const tags = ['admin']

export const StateItemSchema = z.object({
  kind: z.string().describe('session, visitor, account, token, callback, ...'),
  id: z.string(),
  expires_at: z.string().nullable().describe('ISO-8601 on the namespace clock; null: does not expire'),
  remaining_seconds: z.number().nullable().describe('seconds left (0 once expired); null: does not expire'),
  // null as a nullable string branch: OpenAPI 3.0 ties `nullable` to a `type` (a nullable anyOf allows no null).
  fields: z.record(z.string(), z.union([z.string().nullable(), z.number(), z.boolean()]))
}).meta({ id: 'SandboxStateItem' })

export const StreamQuery = z.object({
  namespace: z.string().optional().describe('the namespace, for clients that cannot set X-Sandbox-Namespace (EventSource); the header wins'),
  vendor: z.string().optional(),
  operation: z.string().optional().describe('operationId, e.g. gtriip.liveness'),
  scenario: z.string().optional(),
  status: z.coerce.number().int().optional()
}).strict()
