/**
 * The scenario file format (CONTRACT.md, "Scenario files"). A scenario names its vendor and a list of
 * rules; a rule matches an operation (the route's operationId, e.g. `gtriip.liveness`) and optionally
 * request attributes, and gives an outcome in the vendor's vocabulary (validated by the vendor's own
 * schema) or a raw response, optionally as a sequence per session, plus faults.
 *
 * ```yaml
 * name: fpt/liveness-fails-twice-then-passes
 * vendor: fpt
 * description: The first two liveness calls of a session fail, the third passes.
 * rules:
 *   - operation: fpt.liveness
 *     sequence:
 *       - outcome: { liveness: fail }
 *       - outcome: { liveness: fail }
 *       - {}                       # the default outcome
 *     after: last                  # last (default) | default | repeat
 * ```
 */
import { z } from 'zod'

/** A value a request attribute must have: equal to a scalar, match a regex, or be present/absent. */
export const MatcherSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.object({ regex: z.string().min(1) }).strict(),
  z.object({ present: z.boolean() }).strict()
])

export const MatchSchema = z.object({
  headers: z.record(z.string(), MatcherSchema).optional().describe('header name (any case) → matcher'),
  query: z.record(z.string(), MatcherSchema).optional(),
  params: z.record(z.string(), MatcherSchema).optional(),
  body: z.record(z.string(), MatcherSchema).optional().describe('field or dotted path (data.phone) → matcher; JSON, form or multipart text fields')
}).strict()

const latency = z.union([
  z.number().int().min(0).max(120_000),
  z.object({ min: z.number().int().min(0).max(120_000), max: z.number().int().min(0).max(120_000) }).strict()
    .refine((r) => r.min <= r.max, 'min must not exceed max')
])

export const FaultSchema = z.object({
  latency_ms: latency.optional().describe('added latency before the response: fixed, or random in [min, max]'),
  status: z.number().int().min(100).max(599).optional().describe('HTTP status put on the response instead of its own'),
  drop: z.literal(true).optional().describe('close the connection without an answer'),
  empty: z.literal(true).optional().describe('answer with an empty body'),
  malformed: z.literal(true).optional().describe('answer with the body cut in half (invalid JSON)')
}).strict().refine((f) => [f.drop, f.empty, f.malformed].filter(Boolean).length <= 1, 'at most one of drop, empty, malformed')

export const RawResponseSchema = z.object({
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional().describe('an object (sent as JSON) or a string (sent as is)')
}).strict()

export const StepSchema = z.object({
  outcome: z.record(z.string(), z.unknown()).optional().describe("in the vendor's vocabulary; see the vendor README"),
  response: RawResponseSchema.optional(),
  fault: FaultSchema.optional()
}).strict().refine((s) => !(s.outcome !== undefined && s.response !== undefined), 'a step has an outcome or a response, not both')

export const RuleSchema = z.object({
  operation: z.string().min(1).describe('operationId of the route, e.g. gtriip.liveness'),
  match: MatchSchema.optional(),
  outcome: z.record(z.string(), z.unknown()).optional(),
  response: RawResponseSchema.optional(),
  fault: FaultSchema.optional(),
  sequence: z.array(StepSchema).min(1).optional().describe('per session: 1st call, 2nd call, ...'),
  after: z.enum(['last', 'default', 'repeat']).default('last').describe('once the sequence is used up: keep its last step, go back to the default, or start again')
}).strict()
  .refine((r) => !(r.outcome !== undefined && r.response !== undefined), 'a rule has an outcome or a response, not both')
  .refine((r) => r.sequence === undefined || (r.outcome === undefined && r.response === undefined), 'a rule with a sequence has its outcomes in the sequence')

export const ScenarioSchema = z.object({
  name: z.string().regex(/^[a-z0-9]+\/[A-Za-z0-9._-]+$/, 'must be "<vendor id>/<name>"'),
  vendor: z.string().min(1),
  description: z.string().min(1),
  rules: z.array(RuleSchema).min(1)
}).strict().refine((s) => s.name.startsWith(`${s.vendor}/`), { message: 'must start with the vendor id and a slash', path: ['name'] })

export type Matcher = z.output<typeof MatcherSchema>
export type Match = z.output<typeof MatchSchema>
export type Fault = z.output<typeof FaultSchema>
export type RawResponseSpec = z.output<typeof RawResponseSchema>
export type Step = z.output<typeof StepSchema>
export type Rule = z.output<typeof RuleSchema>
export type Scenario = z.output<typeof ScenarioSchema> & { file: string }

/** What a vendor tells the loader about its scenarios. */
export interface VendorScenarioSpec {
  /** operationIds of the vendor's routes, each with the catalogue codes it can answer. */
  operations: Readonly<Record<string, { errors: readonly string[] }>>
  /** The vendor's outcome vocabulary; an `error` field names a catalogue code. */
  outcome: z.ZodType
}
