/**
 * Postman (collection format v2.1) collections for people who test by hand, one per vendor and one
 * for the admin API, generated from the same OpenAPI documents as /docs. Every request sends the
 * control headers from collection variables (`{{namespace}}`, `{{scenario}}`), so one edit of a
 * variable steers every request. Served at /collections/<id>.json with the base URL of the sandbox
 * that serves it; `npm run collections` writes the same thing for 127.0.0.1:4400 under collections/.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { SandboxError, sendSandboxError } from './errors.js'

type Json = Record<string, any>

export const POSTMAN_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'

/** Default API key sent by the vendor collections: without `--api-keys`, any non-empty key authenticates. */
const DEFAULT_API_KEY = 'sandbox-key'

interface KeyValue { key: string, value: string, description?: string, disabled?: boolean }

/** The Markdown line that links a vendor's /docs page to its collection. */
export function collectionLink (id: string): string {
  return `\n\nPostman collection (variables baseUrl, namespace, scenario): [/collections/${id}.json](/collections/${id}.json)`
}

function resolve (doc: Json, schema: unknown): Json {
  let s = schema as Json | undefined
  for (let i = 0; i < 8 && typeof s?.$ref === 'string'; i++) {
    s = doc.components?.schemas?.[String(s.$ref).replace('#/components/schemas/', '')] as Json | undefined
  }
  if (s?.allOf !== undefined && Array.isArray(s.allOf) && s.allOf.length === 1) return { ...resolve(doc, s.allOf[0]), ...s, allOf: undefined }
  return s ?? {}
}

/** A plausible value for a schema: its example, default, first enum value, or one of its type. */
export function exampleOf (doc: Json, schema: unknown, depth = 0): unknown {
  const s = resolve(doc, schema)
  if (s.example !== undefined) return s.example
  if (s.default !== undefined) return s.default
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0]
  if (s.const !== undefined) return s.const
  if (Array.isArray(s.anyOf ?? s.oneOf)) return exampleOf(doc, (s.anyOf ?? s.oneOf)[0], depth + 1)
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type
  if (type === 'object' || s.properties !== undefined) {
    if (depth > 4) return {}
    return Object.fromEntries(Object.entries((s.properties ?? {}) as Record<string, unknown>).map(([k, v]) => [k, exampleOf(doc, v, depth + 1)]))
  }
  if (type === 'array') return depth > 4 ? [] : [exampleOf(doc, s.items, depth + 1)]
  if (type === 'integer' || type === 'number') return s.minimum ?? 0
  if (type === 'boolean') return false
  if (s.format === 'binary' || s.format === 'byte' || s.contentEncoding === 'base64') return '<base64 image>'
  return ''
}

const isSandboxHeader = (name: string): boolean => /^x-sandbox-/i.test(name)
const isApiKeyHeader = (name: string): boolean => /^(x-)?api[-_]?key$/i.test(name)

function headerValue (doc: Json, p: Json): string {
  if (isApiKeyHeader(String(p.name))) return '{{apiKey}}'
  const v = exampleOf(doc, p.schema)
  return v === '' ? `<${String(p.name)}>` : String(v)
}

function formField (doc: Json, key: string, schema: unknown, required: boolean): Json {
  const s = resolve(doc, schema)
  const binary = s.format === 'binary' || resolve(doc, s.items).format === 'binary'
  const base: Json = { key, description: String(s.description ?? ''), disabled: !required }
  return binary ? { ...base, type: 'file', src: [] } : { ...base, type: 'text', value: String(exampleOf(doc, s)) }
}

function bodyOf (doc: Json, op: Json): Json | undefined {
  const content = (op.requestBody?.content ?? {}) as Record<string, Json>
  const [type, media] = Object.entries(content)[0] ?? []
  if (type === undefined || media === undefined) return undefined
  const s = resolve(doc, media.schema)
  const required = new Set<string>((s.required ?? []) as string[])
  const props = Object.entries((s.properties ?? {}) as Record<string, unknown>)
  if (type === 'multipart/form-data') return { mode: 'formdata', formdata: props.map(([k, v]) => formField(doc, k, v, required.has(k))) }
  if (type === 'application/x-www-form-urlencoded') {
    return { mode: 'urlencoded', urlencoded: props.map(([k, v]) => ({ key: k, value: String(exampleOf(doc, v)), disabled: !required.has(k) })) }
  }
  if (/json/.test(type)) return { mode: 'raw', raw: JSON.stringify(exampleOf(doc, s), null, 2), options: { raw: { language: 'json' } } }
  return { mode: 'file', file: { src: null } }
}

function urlOf (doc: Json, path: string, op: Json): Json {
  const params = (op.parameters ?? []) as Json[]
  const postmanPath = path.replace(/\{([^}]+)\}/g, ':$1')
  const query: KeyValue[] = params.filter((p) => p.in === 'query').map((p) => ({
    key: String(p.name), value: String(exampleOf(doc, p.schema)), description: String(p.description ?? ''), disabled: p.required !== true
  }))
  const variable = params.filter((p) => p.in === 'path').map((p) => ({ key: String(p.name), value: String(exampleOf(doc, p.schema)), description: String(p.description ?? '') }))
  const enabledQuery = query.filter((q) => q.disabled !== true).map((q) => `${q.key}=${q.value}`).join('&')
  const url: Json = {
    raw: `{{baseUrl}}${postmanPath}${enabledQuery === '' ? '' : `?${enabledQuery}`}`,
    host: ['{{baseUrl}}'],
    path: postmanPath.split('/').slice(1)
  }
  if (query.length > 0) url.query = query
  if (variable.length > 0) url.variable = variable
  return url
}

function requestItem (doc: Json, path: string, method: string, op: Json, control: boolean): Json {
  const headers: KeyValue[] = control
    ? [
        { key: 'X-Sandbox-Namespace', value: '{{namespace}}', description: 'state namespace (collection variable "namespace")' },
        { key: 'X-Sandbox-Scenario', value: '{{scenario}}', description: 'scenario for this request; empty: none (collection variable "scenario")' }
      ]
    : [{ key: 'X-Sandbox-Namespace', value: '{{namespace}}', description: 'state namespace (collection variable "namespace")' }]
  for (const p of ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'header' && !isSandboxHeader(String(p.name)))) {
    headers.push({ key: String(p.name), value: headerValue(doc, p), description: String(p.description ?? ''), disabled: p.required !== true })
  }
  const body = bodyOf(doc, op)
  if (body?.mode === 'raw') headers.push({ key: 'Content-Type', value: 'application/json' })
  const request: Json = { method: method.toUpperCase(), header: headers, url: urlOf(doc, path, op), description: String(op.description ?? op.summary ?? '') }
  if (body !== undefined) request.body = body
  return { name: String(op.summary ?? op.operationId ?? `${method.toUpperCase()} ${path}`), request, response: [] }
}

/** The scenario names a document lists for the X-Sandbox-Scenario header, if it lists them. */
function scenarioNames (doc: Json): string[] {
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Json>)) {
    for (const op of Object.values(item)) {
      const p = ((op as Json).parameters as Json[] | undefined)?.find((x) => /^x-sandbox-scenario$/i.test(String(x.name)))
      const names = resolve(doc, p?.schema).enum as string[] | undefined
      if (names !== undefined) return names
    }
  }
  return []
}

/**
 * The collection of one OpenAPI document. `baseUrl` is what a vendor client uses as its base URL
 * (the origin plus the document's server URL). Vendor collections send the control headers and a
 * default API key; the admin collection sends the admin token as a bearer token.
 */
export function postmanCollection (doc: Json, id: string, origin: string): Json {
  const server = String(doc.servers?.[0]?.url ?? '/')
  const baseUrl = `${origin}${server === '/' ? '' : server}`
  const admin = id === 'admin'
  const items: Json[] = []
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) items.push(requestItem(doc, path, method, op as Json, !admin))
  }
  const names = scenarioNames(doc)
  const variable: Json[] = [
    { key: 'baseUrl', value: baseUrl, description: admin ? 'the sandbox origin followed by /__admin' : 'the base URL a client of this vendor uses: the sandbox origin followed by the vendor prefix' },
    { key: 'namespace', value: 'default', description: 'X-Sandbox-Namespace: the state namespace (1-64 of A-Z a-z 0-9 . _ : -)' }
  ]
  if (admin) variable.push({ key: 'adminToken', value: '', description: 'the --admin-token of the sandbox, if it has one' })
  else {
    variable.push(
      { key: 'scenario', value: '', description: `X-Sandbox-Scenario: a scenario name (GET /__admin/scenarios lists them), empty for the default outcome${names.length > 0 ? `; this vendor's: ${names.join(', ')}` : ''}` },
      { key: 'apiKey', value: DEFAULT_API_KEY, description: 'sent where the vendor expects an API key; any non-empty key works unless the sandbox runs with --api-keys' }
    )
  }
  const collection: Json = {
    info: {
      name: `${String(doc.info?.title ?? id)} (eKYC sandbox)`,
      description: `${String(doc.info?.description ?? '')}\n\nGenerated from /openapi/${id}.json. Variables: baseUrl, namespace${admin ? ', adminToken' : ', scenario, apiKey'}.`,
      schema: POSTMAN_SCHEMA
    },
    item: items,
    variable
  }
  if (admin) collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{adminToken}}', type: 'string' }] }
  return collection
}

export interface CollectionsOptions {
  /** The documents served (vendor ids and "admin"). */
  ids: readonly string[]
}

/** GET /collections/<id>.json, built from the live OpenAPI document with the caller's origin. */
export const collectionsPlugin: FastifyPluginAsync<CollectionsOptions> = async (fastify, { ids }) => {
  const app: FastifyInstance = fastify
  app.get('/collections/:file', { schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { file: string }).file
    const id = file.endsWith('.json') ? file.slice(0, -5) : ''
    const doc = ids.includes(id) ? app.openapiDocument(id) : undefined
    if (doc === undefined) {
      return sendSandboxError(reply, new SandboxError('unknown-collection', `no collection ${file}; there are ${ids.map((i) => `${i}.json`).join(', ')}`, 404))
    }
    const origin = `${request.protocol}://${request.host}`
    return reply.type('application/json; charset=utf-8')
      .header('content-disposition', `inline; filename="ekyc-sandbox-${id}.postman_collection.json"`)
      .send(JSON.stringify(postmanCollection(doc, id, origin), null, 2))
  })
}
