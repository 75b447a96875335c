/**
 * What to fuzz, discovered from the running server: the vendor ids from `GET /__admin/health`, then
 * each vendor's `GET /openapi/<id>.json` (prefix = `servers[0].url`). Every operation becomes a
 * target, and so do an unknown path under each prefix and the prefix itself. The documents also say
 * which statuses each operation may answer and in which shape (used to judge 5xx answers).
 */
import { Ajv, type ValidateFunction } from 'ajv'

// OpenAPI 3.0 keywords (nullable, example) are not JSON Schema: ignore what ajv does not know.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false })

export type Schema = Record<string, unknown>

/** Names compare without case and punctuation: `accesstoken` = `access_token`, `session-id` = `session_id`. */
export const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '')

export interface Param { name: string, schema: Schema, required: boolean, description: string }

/** A documented body field (top level of the body schema). */
export interface Field {
  name: string
  schema: Schema
  required: boolean
  /** A binary part (multipart file, or the raw body). */
  file: boolean
  /** An image: a file part or a base64 / data-URI string. */
  image: boolean
}

export interface Operation {
  vendor: string
  id: string
  method: string
  /** Full path template, with the prefix: `/weber/api/v1/services/{id}`. */
  template: string
  statuses: Set<number>
  headers: Param[]
  query: Param[]
  params: Param[]
  /** Body content types, in the document's order, with their (resolved) schemas. */
  bodies: Array<{ type: string, schema: Schema }>
  /** The documented JSON body per status ($refs resolved). */
  responses: Map<number, Schema>
  /** A validator of the documented JSON body of a status (compiled when first needed). */
  validator: (status: number) => ValidateFunction | undefined
  /** Statuses whose description documents an empty body (Weber: "an empty body when ..."). */
  emptyOk: Set<number>
}

export interface Vendor { id: string, prefix: string, ops: Operation[], doc: Schema }

export interface Target {
  /** `POST /fpt/ocr`, `* /fpt/<unknown>`, `* /fpt` */
  key: string
  vendor: Vendor
  method: string
  /** Concrete path (path parameters filled in). */
  path: string
  op: Operation | undefined
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head']

/** Resolve a local $ref and a lone allOf (what fastify-type-provider-zod emits for described refs). */
export function resolve (doc: Schema, s: unknown): Schema {
  let cur = (s ?? {}) as Schema
  for (let i = 0; i < 20; i++) {
    if (typeof cur.$ref === 'string') {
      const parts = cur.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      cur = parts.reduce<unknown>((o, p) => (o as Schema)?.[p], doc) as Schema
    } else if (Array.isArray(cur.allOf) && cur.allOf.length === 1) {
      const { allOf, ...rest } = cur
      cur = { ...rest, ...resolve(doc, allOf[0]) }
    } else {
      return cur
    }
  }
  return cur
}

/** The object variant of a body schema (Oz detect is anyOf [binary, object]). */
export function objectSchema (doc: Schema, s: Schema): Schema | undefined {
  const r = resolve(doc, s)
  if (r.type === 'object' || r.properties !== undefined) return r
  const variants = (r.anyOf ?? r.oneOf) as unknown[] | undefined
  return variants?.map((v) => resolve(doc, v)).find((v) => v.properties !== undefined)
}

const IMAGE_RE = /image|selfie|photo|sample|picture|jpe?g|png/i

export function fieldsOf (doc: Schema, s: Schema): Field[] {
  const obj = objectSchema(doc, s)
  if (obj === undefined) return []
  const required = new Set((obj.required as string[] | undefined) ?? [])
  return Object.entries((obj.properties ?? {}) as Record<string, unknown>).map(([name, raw]) => {
    const schema = resolve(doc, raw)
    const item = schema.type === 'array' ? resolve(doc, schema.items) : schema
    const file = item.format === 'binary'
    const text = `${name} ${String(item.description ?? '')} ${String(schema.description ?? '')}`
    const image = IMAGE_RE.test(text) && !/template/i.test(name) && (file || /base64|data.?uri/i.test(text) || name === 'images')
    return { name, schema, required: required.has(name), file, image }
  })
}

function operationsOf (id: string, prefix: string, doc: Schema): Operation[] {
  const ops: Operation[] = []
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Schema>>)) {
    for (const method of METHODS) {
      const o = item[method]
      if (o === undefined) continue
      const params = ((o.parameters ?? []) as Schema[]).map((p) => resolve(doc, p))
      const param = (where: string): Param[] => params.filter((p) => p.in === where)
        .map((p) => ({ name: String(p.name), schema: resolve(doc, p.schema), required: p.required === true, description: String(p.description ?? '') }))
      const content = (resolve(doc, o.requestBody).content ?? {}) as Record<string, { schema?: unknown }>
      const responses = (o.responses ?? {}) as Record<string, Schema>
      const schemas = new Map<number, Schema>()
      const emptyOk = new Set<number>()
      for (const [status, r] of Object.entries(responses)) {
        if (/empty body/i.test(String(resolve(doc, r).description ?? ''))) emptyOk.add(Number(status))
        const json = (resolve(doc, r).content as Record<string, { schema?: unknown }> | undefined)?.['application/json']
        if (json?.schema !== undefined) schemas.set(Number(status), resolveDeep(doc, json.schema) as Schema)
      }
      ops.push({
        vendor: id,
        id: String(o.operationId),
        method: method.toUpperCase(),
        template: prefix + path,
        statuses: new Set(Object.keys(responses).map(Number)),
        headers: param('header'),
        query: param('query'),
        params: param('path'),
        bodies: Object.entries(content).map(([type, c]) => ({ type, schema: resolve(doc, c.schema) })),
        responses: schemas,
        validator: compiled(schemas),
        emptyOk
      })
    }
  }
  return ops
}

/** Validators compiled on first use (compiling every documented status up front costs a second). */
function compiled (schemas: Map<number, Schema>): (status: number) => ValidateFunction | undefined {
  const cache = new Map<number, ValidateFunction>()
  return (status) => {
    const s = schemas.get(status)
    if (s === undefined) return undefined
    const v = cache.get(status) ?? ajv.compile(s)
    cache.set(status, v)
    return v
  }
}

/** A copy with every local $ref replaced (the documents have no recursive schemas). */
function resolveDeep (doc: Schema, s: unknown, depth = 0): unknown {
  if (depth > 40 || s === null || typeof s !== 'object') return s
  if (Array.isArray(s)) return s.map((x) => resolveDeep(doc, x, depth + 1))
  const r = typeof (s as Schema).$ref === 'string' ? resolve(doc, s) : s as Schema
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, resolveDeep(doc, v, depth + 1)]))
}

/** Fetch the vendors and their documents from a running server. */
export async function discover (base: string): Promise<Vendor[]> {
  const health = await (await fetch(`${base}/__admin/health`)).json() as { vendors: string[] }
  const vendors: Vendor[] = []
  for (const id of health.vendors) {
    const doc = await (await fetch(`${base}/openapi/${id}.json`)).json() as Schema
    const prefix = ((doc.servers as Array<{ url: string }> | undefined)?.[0]?.url ?? '').replace(/\/$/, '')
    vendors.push({ id, prefix, doc, ops: operationsOf(id, prefix, doc) })
  }
  return vendors
}

/** A plausible value for a path parameter: a number when the document says so, else a word. */
function pathValue (p: Param | undefined): string {
  return /integer|number|\bid\b/i.test(`${p?.name ?? ''} ${p?.description ?? ''}`) ? '1' : 'fuzz'
}

export function targetsOf (vendors: Vendor[]): Target[] {
  const out: Target[] = []
  for (const v of vendors) {
    for (const op of v.ops) {
      const path = op.template.replace(/\{([^}]+)\}/g, (_m, name: string) => pathValue(op.params.find((q) => q.name === name)))
      out.push({ key: `${op.method} ${op.template}`, vendor: v, method: op.method, path, op })
    }
    out.push({ key: `* ${v.prefix}/<unknown>`, vendor: v, method: 'POST', path: `${v.prefix}/__fuzz/unknown-route`, op: undefined })
    out.push({ key: `* ${v.prefix === '' ? '/' : v.prefix}`, vendor: v, method: 'POST', path: v.prefix === '' ? '/' : v.prefix, op: undefined })
  }
  return out
}

/** The documented operation a request lands on, if any (method and path template; the query ignored). */
export function matchOperation (vendors: Vendor[], method: string, target: string): Operation | undefined {
  // Absolute-form targets (`http://host/path`) reach the same route.
  let path = target.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] ?? ''
  try { path = decodeURI(path) } catch {}
  const segs = path.split('/')
  for (const v of vendors) {
    for (const op of v.ops) {
      if (op.method !== method) continue
      const t = op.template.split('/')
      if (t.length === segs.length && t.every((s, i) => /^\{.+\}$/.test(s) ? (segs[i] ?? '') !== '' : s === segs[i])) return op
    }
  }
  return undefined
}
