/**
 * What every document must say besides the routes' own schemas, so that it tells the truth about
 * every answer (and "Try it out" works): on vendor operations, the control headers (the scenario
 * header lists the vendor's scenarios), the sandbox's own 400 they can produce, the `default` answer
 * of faults and raw scenario responses, and the vendor's authentication as a security scheme; on the
 * admin API, the admin token as a bearer scheme with its 401s, and bodies that may be left out.
 */

import { MEDIA_TYPES_KEY } from './schemas.js'

type Json = Record<string, any>

export interface VendorDocExtras {
  /** The vendor's loaded scenario names: the enum of X-Sandbox-Scenario. */
  scenarios: readonly string[]
  /** The header that carries the vendor's credential, if it has one. */
  auth?: { header: string, description: string } | undefined
}

const SANDBOX_ERROR = {
  type: 'object',
  description: "The sandbox's own error, never a vendor answer; its code is also in the x-sandbox-error header.",
  properties: {
    sandbox_error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message']
    }
  },
  required: ['sandbox_error']
}

const REF = (kind: 'schemas' | 'parameters', name: string): Json => ({ $ref: `#/components/${kind}/${name}` })

function operations (doc: Json): Json[] {
  return Object.values(doc.paths as Record<string, Json>).flatMap((item) => Object.values(item) as Json[])
}

/** The operations of a document with their HTTP method. */
function methodOperations (doc: Json): Array<[string, Json]> {
  return Object.values(doc.paths as Record<string, Json>).flatMap((item) => Object.entries(item) as Array<[string, Json]>)
}

function components (doc: Json, kind: string): Json {
  doc.components ??= {}
  doc.components[kind] ??= {}
  return doc.components[kind]
}

function controlHeaders (doc: Json, scenarios: readonly string[]): void {
  components(doc, 'parameters').SandboxScenario = {
    name: 'X-Sandbox-Scenario',
    in: 'header',
    required: false,
    description: "Apply this scenario to the request (on a session-creating call, bind it to the session). Unknown, or another vendor's: 400 with the sandbox's own error.",
    schema: scenarios.length > 0 ? { type: 'string', enum: [...scenarios] } : { type: 'string' }
  }
  components(doc, 'parameters').SandboxNamespace = {
    name: 'X-Sandbox-Namespace',
    in: 'header',
    required: false,
    description: 'Isolate all state (sessions, accounts, counters, clock, journal) under this name. 1-64 of A-Z a-z 0-9 . _ : - (not first).',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$', default: 'default' }
  }
  for (const op of operations(doc)) {
    op.parameters = [...(op.parameters ?? []), REF('parameters', 'SandboxScenario'), REF('parameters', 'SandboxNamespace')]
  }
}

/** The 400 of every operation also covers the sandbox's own error (control headers). */
function sandbox400 (doc: Json): void {
  components(doc, 'schemas').SandboxError = SANDBOX_ERROR
  const note = "Or the sandbox's own error (`sandbox_error`): an unknown X-Sandbox-Scenario, another vendor's scenario, a malformed X-Sandbox-Namespace."
  for (const op of operations(doc)) {
    const r = op.responses ??= {}
    const json = r['400']?.content?.['application/json']
    if (json === undefined) {
      r['400'] = { ...r['400'], description: r['400']?.description ?? note, content: { ...r['400']?.content, 'application/json': { schema: REF('schemas', 'SandboxError') } } }
      continue
    }
    json.schema = { anyOf: [json.schema, REF('schemas', 'SandboxError')] }
    r['400'].description = `${String(r['400'].description ?? '')} ${note}`.trim()
  }
}

/** Scenarios may replace any answer: a raw response, or a fault (another status, an empty or cut body). */
function faultDefault (doc: Json): void {
  for (const op of operations(doc)) {
    op.responses.default ??= {
      description: "What a scenario makes of the answer: a raw response (any status, headers and body) or a fault (another HTTP status, an empty or half-cut body). Without a scenario, the vendor's answers above; and to a method this path does not take, or a path under the prefix that no operation serves, the vendor's not-found answer (see the vendor's README)."
    }
  }
}

function hasHeader (op: Json, header: string): boolean {
  return (op.parameters ?? []).some((p: Json) => p.in === 'header' && String(p.name).toLowerCase() === header.toLowerCase())
}

function vendorSecurity (doc: Json, auth: VendorDocExtras['auth']): void {
  if (auth !== undefined) {
    components(doc, 'securitySchemes').vendorKey = { type: 'apiKey', in: 'header', name: auth.header, description: auth.description }
  }
  for (const op of operations(doc)) {
    op.security = auth !== undefined && hasHeader(op, auth.header) ? [{ vendorKey: [] }] : []
  }
}

/** Bodies declared per media type (schemas.ts, bodyByMediaType): each media type gets its own schema. */
function mediaTypeBodies (doc: Json): void {
  for (const op of operations(doc)) {
    const content = op.requestBody?.content as Record<string, Json> | undefined
    const byType = content === undefined ? undefined : Object.values(content)[0]?.schema?.[MEDIA_TYPES_KEY] as Record<string, Json> | undefined
    if (byType === undefined) continue
    op.requestBody.content = Object.fromEntries(Object.entries(byType).map(([type, schema]) => {
      const { $schema: _s, ...rest } = schema
      return [type, { schema: rest }]
    }))
    delete op.requestBody.description
  }
}

/** A vendor's document: control headers, the sandbox's 400, the default answer, its security. */
export function decorateVendorDocument (doc: Json, extras: VendorDocExtras): Json {
  mediaTypeBodies(doc)
  sandbox400(doc)
  controlHeaders(doc, extras.scenarios)
  faultDefault(doc)
  vendorSecurity(doc, extras.auth)
  return doc
}

/** A body schema that also takes null (zod's nullish): the body may be left out. */
function optionalBody (op: Json): void {
  const body = op.requestBody
  const json = body?.content?.['application/json']
  if (json?.schema?.nullable !== true) return
  body.required = false
  delete json.schema.nullable
}

/** Admin answers by status, where the route's schema gives no description of its own. */
const ADMIN_ANSWERS: Record<string, string> = {
  400: "The sandbox's own error: a malformed body, query or X-Sandbox-Namespace (invalid-request, invalid-json, invalid-namespace, ...).",
  401: 'With --admin-token: no or a wrong `Authorization: Bearer <token>` (sandbox error admin-unauthorized).',
  404: "The sandbox's own error: no scenario of that name is loaded (unknown-scenario).",
  413: "The sandbox's own error: the body is larger than an admin call takes, 1 MiB (body-too-large).",
  415: "The sandbox's own error: the body is not JSON; admin calls take application/json (unsupported-media-type).",
  503: 'The database does not take writes now (locked by another process, full); nothing changed (sandbox error store-unavailable; see GET /__admin/health).'
}

/** Admin operations that write state: they can meet a database that does not take writes. */
const ADMIN_WRITES = new Set(['admin.reset', 'admin.clockAdvance', 'admin.clockReset', 'admin.scenarioActivate', 'admin.scenarioClear'])

/** Methods whose body the admin API reads (Fastify parses bodies of these only): not JSON, or too large, is refused. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete'])

const sandboxErrorAnswer = (): Json => ({ content: { 'application/json': { schema: REF('schemas', 'SandboxError') } } })

function describeAdminAnswers (op: Json, method: string): void {
  if (ADMIN_WRITES.has(op.operationId)) op.responses['503'] ??= sandboxErrorAnswer()
  if (BODY_METHODS.has(method)) {
    op.responses['413'] ??= sandboxErrorAnswer()
    op.responses['415'] ??= sandboxErrorAnswer()
  }
  op.responses.default ??= {
    description: "The sandbox's own error for anything else: no admin call at this path, or with this method (404 unknown-admin-call); an unexpected failure (500 internal).",
    ...sandboxErrorAnswer()
  }
  for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) {
    if (r.description !== undefined && r.description !== 'Default Response') continue
    r.description = status === '200' ? String(op.summary ?? 'Success') : ADMIN_ANSWERS[status] ?? `HTTP ${status}`
  }
}

/** The admin document: the admin token as bearer scheme with its 401s (health is open), optional bodies. */
export function decorateAdminDocument (doc: Json): Json {
  components(doc, 'schemas').SandboxError ??= SANDBOX_ERROR
  components(doc, 'securitySchemes').adminToken = {
    type: 'http',
    scheme: 'bearer',
    description: 'The value of --admin-token (SANDBOX_ADMIN_TOKEN). Without it configured, admin calls need no token.'
  }
  for (const [method, op] of methodOperations(doc)) {
    optionalBody(op)
    if (op.operationId === 'admin.health') {
      op.security = []
    } else {
      op.security = [{ adminToken: [] }]
      op.responses['401'] ??= { content: { 'application/json': { schema: REF('schemas', 'SandboxError') } } }
    }
    describeAdminAnswers(op, method)
  }
  return doc
}
