/**
 * The committed OpenAPI documents tell the truth about every answer the server gives (issue 12,
 * point 3). Every answer below is checked with Ajv against `openapi/<id>.json` as committed (read
 * from disk, not from the running app): a success of every operation of every vendor and of the
 * admin API, every error path a request can trigger (authentication, missing fields, bad images,
 * size limits, unknown paths and wrong methods, the control headers), and one request under every
 * shipped scenario (GET /__admin/scenarios) to each operation its rules name.
 *
 * An answer conforms when its status is documented for the operation (or the operation has a
 * `default`), its content type is one the response lists (or the response lists none), and its body
 * validates against that media type's schema (JSON parsed; multipart as an object of its parts;
 * anything else as a string). Three readings of that rule:
 * - no body at all (no Content-Type, 0 bytes) conforms when the response says so in words ("empty
 *   body"): OpenAPI cannot list "nothing" beside a media type;
 * - a method or path no operation serves gets the vendor's not-found answer: it conforms when an
 *   operation of the same path (else any operation of the document) documents it;
 * - under a fault or raw-response scenario an answer may break its status's documented shape: it
 *   conforms when it matches the operation's `default` ("what a scenario makes of the answer").
 * A dropped connection has no answer: it is counted apart.
 */
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import sharp from 'sharp'
import t, { type Test } from 'tap'
import { buildApp, configFrom } from '../../src/app.js'
import { json, multipart, T0 } from '../helper.js'
import { photo } from '../images.js'
import { mp4, zip } from '../core/media/fixtures/builders.js'
import { parts as multipartParts } from '../vendors/oz/fixtures/oz.js'

type Json = Record<string, any>
type Answer = Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'payload' | 'rawPayload'>

const IDS = ['weber', 'gtriip', 'fpt', 'riset', 'oz', 'admin'] as const
const METHODS = ['get', 'put', 'post', 'delete', 'patch']

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 schemas as JSON Schema (draft-07) for Ajv

/** Where a keyword holds one schema, a list of schemas, or a map of schemas; any other value is data. */
const ONE_SCHEMA = new Set(['additionalProperties', 'items', 'not'])
const SCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf'])
const SCHEMA_MAP = new Set(['properties', 'patternProperties'])
/** OpenAPI's own keywords: not JSON Schema (nullable is turned into a type union below). */
const OPENAPI_ONLY = new Set(['nullable', 'discriminator', 'xml', 'externalDocs', 'example', 'deprecated', 'readOnly', 'writeOnly'])

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const mapValues = (o: Json, fn: (v: unknown) => unknown): Json => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]))

/** `#/components/schemas/X` of document `base` → the definition X of the schema Ajv knows as `base`. */
function refTo (ref: string, base: string): string {
  const m = /^#\/components\/schemas\/([^/]+)$/.exec(ref)
  if (m === null) throw new Error(`unsupported $ref ${ref} in ${base}`)
  return `${base}#/definitions/${m[1] as string}`
}

/**
 * OpenAPI 3.0 (3.0.3, "Schema Object") → JSON Schema draft-07. Walks only the keywords that hold
 * schemas (an `enum`, `default` or `example` value is data, even when it looks like a schema):
 * - `nullable: true` adds "null" to `type` (and to `enum`); the specification ties nullable to
 *   `type`, so a nullable without a type allows nothing more (redocly's nullable-type-sibling);
 * - boolean `exclusiveMinimum`/`exclusiveMaximum` (draft 4 style) become draft 7 numbers;
 * - `$ref` to a component points into the document's definitions; OpenAPI-only keywords and `x-`
 *   extensions are dropped.
 */
function toJsonSchema (schema: unknown, base: string): unknown {
  if (!isObject(schema)) return schema
  const out: Json = {}
  for (const [k, v] of Object.entries(schema)) {
    if (OPENAPI_ONLY.has(k) || k.startsWith('x-')) continue
    if (k === '$ref' && typeof v === 'string') out.$ref = refTo(v, base)
    else if (ONE_SCHEMA.has(k) && isObject(v)) out[k] = toJsonSchema(v, base)
    else if (SCHEMA_LIST.has(k) && Array.isArray(v)) out[k] = v.map((s) => toJsonSchema(s, base))
    else if (SCHEMA_MAP.has(k) && isObject(v)) out[k] = mapValues(v, (s) => toJsonSchema(s, base))
    else out[k] = v
  }
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[exclusive] !== 'boolean') continue
    if (out[exclusive] === true && typeof out[bound] === 'number') {
      out[exclusive] = out[bound]
      delete out[bound]
    } else {
      delete out[exclusive]
    }
  }
  if (schema.nullable === true && out.type !== undefined) {
    out.type = [...new Set([...(Array.isArray(out.type) ? out.type : [out.type]), 'null'])]
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
  }
  return out
}

function newAjv (): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true })
  // ajv-formats is CommonJS: its plugin is the module's `default` export (also callable as the module itself).
  formats.default(ajv)
  // OpenAPI 3.0's own formats ("Data Types").
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 })
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) })
  ajv.addFormat('float', { type: 'number', validate: () => true })
  ajv.addFormat('double', { type: 'number', validate: () => true })
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/)
  ajv.addFormat('binary', true)
  ajv.addFormat('password', true)
  return ajv
}

// ---------------------------------------------------------------------------------------------
// The committed documents and the conformance rule

/** Whether an answer conforms, by which response (`via`), and why not; `operation`: the operation it answered. */
interface Verdict { ok: boolean, via: string, why: string, operation?: string }

const mediaTypeOf = (v: unknown): string | undefined => typeof v === 'string' && v !== '' ? (v.split(';')[0] as string).trim().toLowerCase() : undefined

/** A body as its media type reads it: JSON parsed, multipart as {part name: value}, anything else as text. */
function bodyOf (mediaType: string, answer: Answer): { value?: unknown, error?: string } {
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try { return { value: JSON.parse(answer.payload) } } catch { return { error: `the body is not JSON: ${JSON.stringify(answer.payload.slice(0, 80))}` } }
  }
  if (mediaType.startsWith('multipart/')) {
    const out: Json = {}
    for (const part of multipartParts(answer as LightMyRequestResponse)) {
      if (mediaTypeOf(part.headers['content-type']) !== 'application/json') { out[part.name] = part.body.toString('latin1'); continue }
      try { out[part.name] = JSON.parse(part.body.toString('utf8')) } catch { return { error: `part ${part.name} is not JSON` } }
    }
    return { value: out }
  }
  return { value: answer.payload }
}

class Documents {
  readonly docs = new Map<string, Json>()
  private readonly ajv = newAjv()
  private readonly validators = new Map<unknown, ValidateFunction>()

  constructor (ids: readonly string[]) {
    for (const id of ids) {
      const doc = JSON.parse(readFileSync(new URL(`../../openapi/${id}.json`, import.meta.url), 'utf8')) as Json
      this.docs.set(id, doc)
      const base = `https://sandbox.invalid/openapi/${id}.json`
      this.ajv.addSchema({ $id: base, definitions: mapValues(doc.components?.schemas ?? {}, (s) => toJsonSchema(s, base)) })
    }
  }

  /** The operations of a document: [path template, method, operation]. */
  operations (id: string): Array<[string, string, Json]> {
    const doc = this.docs.get(id) as Json
    return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([m, op]) => [path, m, op as Json] as [string, string, Json]))
  }

  /** The request path as the document spells it: without the server URL (the vendor prefix). */
  localPath (id: string, url: string): string {
    const path = url.split('?')[0] as string
    const server = String((this.docs.get(id) as Json).servers[0].url)
    return server !== '/' && path.startsWith(server) ? path.slice(server.length) || '/' : path
  }

  check (id: string, method: string, url: string, answer: Answer, fault = false): Verdict {
    const path = this.localPath(id, url)
    const ops = this.operations(id)
    const matches = (template: string): boolean => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path)
    const op = ops.find(([p, m]) => m === method.toLowerCase() && matches(p))
    if (op !== undefined) return { ...this.against(id, op[2], answer, fault), operation: String(op[2].operationId) }
    // Not an operation: the vendor's answer to a path or method it does not serve.
    const samePath = ops.filter(([p]) => matches(p))
    let first: Verdict | undefined
    for (const [, , candidate] of samePath.length > 0 ? samePath : ops) {
      const v = this.against(id, candidate, answer, fault)
      if (v.ok) return { ...v, via: `not served, documented by ${String(candidate.operationId)} ${v.via}` }
      first ??= v
    }
    return { ok: false, via: 'not served', why: `no operation documents it (${first?.why ?? 'no operations'})` }
  }

  private against (id: string, op: Json, answer: Answer, fault: boolean): Verdict {
    const status = String(answer.statusCode)
    const responses = op.responses as Record<string, Json>
    const explicit = responses[status] ?? responses[`${status[0] as string}XX`]
    if (explicit === undefined) {
      if (responses.default !== undefined) return { ...this.conforms(id, responses.default, answer), via: 'default' }
      return { ok: false, via: status, why: `status ${status} is not documented for ${String(op.operationId)} (documented: ${Object.keys(responses).join(', ')})` }
    }
    const v = { ...this.conforms(id, explicit, answer), via: status }
    if (v.ok || !fault || responses.default === undefined) return v
    const d = this.conforms(id, responses.default, answer)
    return d.ok ? { ...d, via: 'default (fault)' } : v
  }

  private conforms (id: string, response: Json, answer: Answer): Omit<Verdict, 'via'> {
    const content = response.content as Record<string, Json> | undefined
    if (content === undefined || Object.keys(content).length === 0) return { ok: true, why: '' }
    const listed = Object.keys(content).join(', ')
    const type = mediaTypeOf(answer.headers['content-type'])
    if (type === undefined && answer.rawPayload.length === 0) {
      // No body at all: OpenAPI cannot list "nothing" beside a media type, so the response must say it
      // in words (the convention bench/fuzz reads too: "empty body" in the description).
      if (/empty body/i.test(String(response.description ?? ''))) return { ok: true, why: '' }
      return { ok: false, why: `an empty body without Content-Type; the response lists ${listed} and its description mentions no empty body` }
    }
    if (type === undefined) return { ok: false, why: `no content type (body ${answer.payload.length} bytes); the response lists ${listed}` }
    const media = content[type] ?? content[`${type.split('/')[0] as string}/*`] ?? content['*/*']
    if (media === undefined) return { ok: false, why: `content type ${type} is not listed (${listed})` }
    if (media.schema === undefined) return { ok: true, why: '' }
    const body = bodyOf(type, answer)
    if (body.error !== undefined) return { ok: false, why: body.error }
    const validate = this.validator(id, media.schema)
    if (validate(body.value)) return { ok: true, why: '' }
    return { ok: false, why: `${type} body: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' }).slice(0, 400)}` }
  }

  private validator (id: string, schema: Json): ValidateFunction {
    let v = this.validators.get(schema)
    if (v === undefined) {
      v = this.ajv.compile(toJsonSchema(schema, `https://sandbox.invalid/openapi/${id}.json`) as Json)
      this.validators.set(schema, v)
    }
    return v
  }
}

// ---------------------------------------------------------------------------------------------
// Sending requests and keeping the verdicts

interface Checked { doc: string, label: string, request: string, status: number, verdict: Verdict }

interface Summary {
  checked: number
  conforming: number
  /** Answers to a method or path no operation serves. */
  notServed: number
  /** Answers of an operation that conform only through its `default` (scenario faults, raw responses). */
  byDefault: number
  /** Requests whose connection a scenario dropped (not checked: no answer). */
  dropped: number
  failures: string[]
  withoutSuccess: string[]
}

const describe = (req: InjectOptions): string => `${String(req.method ?? 'GET')} ${String(req.url).slice(0, 90)}`

class Probe {
  readonly checked: Checked[] = []
  /** Requests whose connection a scenario dropped: no answer to check. */
  readonly dropped: string[] = []

  constructor (readonly app: FastifyInstance, readonly docs: Documents) {}

  /** Send a request and check its answer against document `doc`; `fault`: under a fault or raw-response scenario. */
  async send (doc: string, label: string, req: InjectOptions, opts: { fault?: boolean, app?: FastifyInstance } = {}): Promise<Answer> {
    const answer = await (opts.app ?? this.app).inject(req)
    this.record(doc, label, describe(req), String(req.method ?? 'GET'), String(req.url), answer, opts.fault === true)
    return answer
  }

  /** Send a request whose connection a scenario drops: no answer to check. */
  async drop (doc: string, label: string, req: InjectOptions): Promise<void> {
    await this.app.inject(req).catch(() => undefined)
    this.dropped.push(`${doc}: ${label} (${describe(req)})`)
  }

  record (doc: string, label: string, request: string, method: string, url: string, answer: Answer, fault = false): void {
    this.checked.push({ doc, label, request, status: answer.statusCode, verdict: this.docs.check(doc, method, url, answer, fault) })
  }

  /**
   * The figures of one document, its non-conforming answers, and its operations that no conforming
   * success was checked for.
   */
  summary (doc: string): Summary {
    const mine = this.checked.filter((c) => c.doc === doc)
    const bad = mine.filter((c) => !c.verdict.ok)
    const succeeded = new Set(mine.filter((c) => c.verdict.ok && c.status >= 200 && c.status < 300).map((c) => c.verdict.operation))
    return {
      checked: mine.length,
      conforming: mine.length - bad.length,
      notServed: mine.filter((c) => c.verdict.operation === undefined).length,
      byDefault: mine.filter((c) => c.verdict.ok && c.verdict.operation !== undefined && c.verdict.via.startsWith('default')).length,
      dropped: this.dropped.filter((d) => d.startsWith(`${doc}: `)).length,
      failures: bad.map((c) => `${c.label}: ${c.request} → ${c.status}: ${c.verdict.why}`),
      withoutSuccess: this.docs.operations(doc).map(([, , op]) => String(op.operationId)).filter((id) => !succeeded.has(id))
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs (generated with sharp, small)

const images = new Map<string, Promise<Buffer>>()
/** A camera-like photo (test/images.ts), cached by its options. */
async function pic (opts: Parameters<typeof photo>[0] = {}): Promise<Buffer> {
  const key = JSON.stringify(opts)
  let p = images.get(key)
  if (p === undefined) { p = photo({ width: 320, height: 240, ...opts }); images.set(key, p) }
  return await p
}

const truncated = async (): Promise<Buffer> => (await pic({ seed: 9 })).subarray(0, 400)
const notAnImage = Buffer.from('this is not an image, just text')
/** A real JPEG followed by padding: decodable, and `size` bytes long. */
const padded = async (size: number): Promise<Buffer> => { const img = await pic({ seed: 8 }); return Buffer.concat([img, Buffer.alloc(size - img.length)]) }
const dataUri = async (opts: Parameters<typeof photo>[0] = {}): Promise<string> => `data:image/jpeg;base64,${(await pic(opts)).toString('base64')}`
const MiB = 1024 * 1024

/** The vendor prefix of a document (its server URL; "" at the root). */
function prefixOf (p: Probe, id: string): string {
  const url = String((p.docs.docs.get(id) as Json).servers[0].url)
  return url === '/' ? '' : url
}

// ---------------------------------------------------------------------------------------------
// What every vendor document must cover: the control headers, paths and methods it does not serve

/** The sandbox's own 400 on every operation: an unknown scenario, another vendor's, a malformed namespace. */
async function controlHeaders (p: Probe, id: string): Promise<void> {
  const other = id === 'gtriip' ? 'oz/spoof' : 'gtriip/spoof'
  const cases: Array<[string, Record<string, string>]> = [
    ['an unknown X-Sandbox-Scenario', { 'x-sandbox-scenario': 'nope/nothing' }],
    ["another vendor's scenario", { 'x-sandbox-scenario': other }],
    ['a malformed X-Sandbox-Namespace', { 'x-sandbox-namespace': '-not a namespace' }]
  ]
  for (const [path, method, op] of p.docs.operations(id)) {
    const url = prefixOf(p, id) + path.replace(/\{[^}]+\}/g, '1')
    for (const [what, headers] of cases) await p.send(id, `${String(op.operationId)}: ${what}`, { method: method.toUpperCase() as 'GET', url, headers })
  }
}

/** Every method a documented path does not take, and paths no route takes. */
async function notServed (p: Probe, id: string): Promise<void> {
  const prefix = prefixOf(p, id)
  for (const [path, item] of Object.entries((p.docs.docs.get(id) as Json).paths as Record<string, Json>)) {
    const url = prefix + path.replace(/\{[^}]+\}/g, '1')
    for (const m of METHODS.filter((x) => item[x] === undefined)) await p.send(id, `wrong method ${m.toUpperCase()} on ${path}`, { method: m.toUpperCase() as 'GET', url })
  }
  for (const path of ['/no/such/path', '/', '']) {
    await p.send(id, `unknown path "${path}"`, { method: 'GET', url: prefix + path })
    await p.send(id, `unknown path "${path}" (POST)`, { method: 'POST', url: prefix + path, headers: { 'content-type': 'application/json' }, payload: '{}' })
  }
}

// ---------------------------------------------------------------------------------------------
// Gtriip: POST /liveness/

async function gtriip (p: Probe): Promise<void> {
  const url = '/gtriip/liveness/'
  const key = { 'x-api-key': 'k' }
  const img = await pic()
  const file = (value: Buffer | string, name = 'image'): InjectOptions => ({ method: 'POST', url, ...multipart([{ name, value, filename: 's.jpg', contentType: 'image/jpeg' }], key) })
  const form = (value: string): InjectOptions => ({ method: 'POST', url, headers: { ...key, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ image_bytes: value }).toString() })
  const cases: Array<[string, InjectOptions]> = [
    ['a selfie file', file(img)],
    ['image_bytes in a form', form(img.toString('base64'))],
    ['image_bytes in JSON', { method: 'POST', url, headers: key, payload: { image_bytes: img.toString('base64') } }],
    ['image_bytes as a multipart text part', { method: 'POST', url, ...multipart([{ name: 'image_bytes', value: img.toString('base64') }], key) }],
    ['001 no x-api-key', { method: 'POST', url, ...multipart([{ name: 'image', value: img, filename: 's.jpg' }]) }],
    ['002 image_bytes not base64', form('%%% not base64 %%%')],
    ['002 a data: URI', form(await dataUri())],
    ['002 a truncated JPEG', file(await truncated())],
    ['002 not an image', file(notAnImage)],
    ['003 an image over 10 MiB', file(await padded(10 * MiB + 1))],
    ['003 a body over 40 MiB', { method: 'POST', url, headers: { ...key, 'content-type': 'application/x-www-form-urlencoded' }, payload: Buffer.alloc(40 * MiB + 1, 0x61) }],
    ['004 no image', { method: 'POST', url, ...multipart([{ name: 'other', value: 'x' }], key) }],
    ['004 an empty body', { method: 'POST', url, headers: { ...key, 'content-type': 'application/json' }, payload: '' }],
    ['004 malformed JSON', { method: 'POST', url, headers: { ...key, 'content-type': 'application/json' }, payload: '{"image_bytes": ' }],
    ['004 another content type', { method: 'POST', url, headers: { ...key, 'content-type': 'text/xml' }, payload: '<image/>' }],
    ['004 too many parts', { method: 'POST', url, ...multipart(Array.from({ length: 13 }, (_, i) => ({ name: `f${i}`, value: 'x' })), key) }]
  ]
  for (const [label, req] of cases) await p.send('gtriip', label, req)
}

// ---------------------------------------------------------------------------------------------
// A successful request of every vendor operation, in a namespace (set up there when it needs state)

/** A scenario rule: what it matches on (the request must reach it) and what it gives. */
interface ScenarioRule {
  operation: string
  match?: { params?: Record<string, any>, headers?: Record<string, any>, body?: Record<string, any> }
  outcome?: Record<string, any>
  response?: unknown
  fault?: Json
  sequence?: Json[]
}
/** A successful request of one operation in namespace `ns`, shaped to reach `rule` when one is given. */
type Maker = (p: Probe, ns: string, rule: Partial<ScenarioRule>) => Promise<InjectOptions>

const nsHeader = (ns: string): Record<string, string> => ({ 'x-sandbox-namespace': ns })
function withHeaders (req: InjectOptions, headers: Record<string, string>): InjectOptions {
  return { ...req, headers: { ...(req.headers as Record<string, string>), ...headers } }
}

/** Setup calls (not checked): they must succeed. */
async function setup (p: Probe, req: InjectOptions): Promise<any> {
  const res = await p.app.inject(req)
  if (res.statusCode !== 200) throw new Error(`setup ${String(req.method)} ${String(req.url)}: ${res.statusCode} ${res.payload.slice(0, 200)}`)
  return res.headers['content-type']?.toString().includes('json') === true ? json(res) : res.rawPayload
}

const gtriipMakers: Record<string, Maker> = {
  'gtriip.liveness': async (_p, ns) => ({ method: 'POST', url: '/gtriip/liveness/', ...multipart([{ name: 'image', value: await pic(), filename: 's.jpg', contentType: 'image/jpeg' }], { 'x-api-key': 'k', ...nsHeader(ns) }) })
}

// FPT: pictures of at least 640 x 480 (the quality checks); a session per request.
const FPT = { 'api-key': 'k', 'device-type': 'android', client_uuid: 'u-1' }
const fptPic = async (seed: number, opts: Parameters<typeof photo>[0] = {}): Promise<Buffer> => await pic({ width: 640, height: 480, seed, ...opts })
const fptFiles = (name: string, files: Buffer[]): Array<{ name: string, value: Buffer, filename: string, contentType: string }> =>
  files.map((value, i) => ({ name, value, filename: `p${i}.jpg`, contentType: 'image/jpeg' }))

async function fptSession (p: Probe, ns: string): Promise<string> {
  return (await setup(p, { method: 'POST', url: '/fpt/session/init', headers: { ...FPT, ...nsHeader(ns) } }))['session-id']
}
function fptOcr (sid: string, ns: string, files: Buffer[], headers: Record<string, string>): InjectOptions {
  return { method: 'POST', url: '/fpt/ocr', ...multipart(fptFiles('files', files), { ...FPT, 'session-id': sid, 'document-type': 'idr', ...nsHeader(ns), ...headers }) }
}
/** A session whose OCR is done (front, then back): ready for liveness. */
async function fptReady (p: Probe, ns: string): Promise<string> {
  const sid = await fptSession(p, ns)
  await setup(p, fptOcr(sid, ns, [await fptPic(1)], { 'side-type': 'front' }))
  await setup(p, fptOcr(sid, ns, [await fptPic(2)], { 'side-type': 'back' }))
  return sid
}
function fptLiveness (sid: string, ns: string, selfies: Buffer[], headers: Record<string, string> = {}): InjectOptions {
  return { method: 'POST', url: '/fpt/face/liveness', ...multipart(fptFiles('selfies', selfies), { ...FPT, 'session-id': sid, ...nsHeader(ns), ...headers }) }
}

const fptMakers: Record<string, Maker> = {
  'fpt.session_init': async (_p, ns) => ({ method: 'POST', url: '/fpt/session/init', headers: { ...FPT, ...nsHeader(ns) } }),
  'fpt.ocr': async (p, ns, rule) => {
    const sid = await fptSession(p, ns)
    const doc = rule.match?.headers?.['document-type']
    if (doc === 'passport') return fptOcr(sid, ns, [await fptPic(1)], { 'document-type': 'passport' })
    return fptOcr(sid, ns, [await fptPic(1)], { 'side-type': 'front' })
  },
  'fpt.liveness': async (p, ns) => fptLiveness(await fptReady(p, ns), ns, [await fptPic(3)])
}

// Riset: the document's eight face parameters, one picture each.
const RISET_PARAMETERS = ['left', 'right', 'up', 'front', 'eyes open', 'eyes closed', 'mouth open', 'mouth closed']
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const credentials = new URLSearchParams({ client_id: 'riset.ai', password: '#password' }).toString()
async function risetBody (parameters = RISET_PARAMETERS, extra: Json = {}): Promise<Json> {
  const imgs = await Promise.all(parameters.map(async (_, i) => (await pic({ seed: 20 + i })).toString('base64')))
  return { facegallery_id: 'riset.ai@production', user_id: 'risetai1234', trx_id: 'alphanumericalstring1234', face_parameters: parameters, images: imgs, ...extra }
}
const risetVerify = (payload: unknown, headers: Record<string, string>): InjectOptions =>
  ({ method: 'POST', url: '/riset/liveness-api/verify-face-liveness', headers, payload: payload as Json })

const risetMakers: Record<string, Maker> = {
  'riset.verifyFaceLiveness': async (_p, ns) => risetVerify(await risetBody(), { accesstoken: 'token', ...nsHeader(ns) }),
  'riset.clientToken': async (_p, ns) => ({ method: 'POST', url: '/riset/oauth/client/token', headers: { ...FORM, ...nsHeader(ns) }, payload: credentials }),
  'riset.revokeToken': async (p, ns) => {
    const token = (await setup(p, { method: 'POST', url: '/riset/oauth/client/token', headers: { ...FORM, ...nsHeader(ns) }, payload: credentials })).access_token
    return { method: 'POST', url: '/riset/oauth/token/revoke', headers: { ...FORM, accesstoken: token, ...nsHeader(ns) }, payload: credentials }
  }
}

// Oz: stateless; templates come from /extract.
const OZ = '/oz/v1/face'
const JPEG = { 'content-type': 'image/jpeg' }
const templates = new Map<number, Promise<Buffer>>()
async function ozTemplate (p: Probe, seed: number): Promise<Buffer> {
  let tpl = templates.get(seed)
  if (tpl === undefined) { tpl = pic({ seed }).then(async (img) => await setup(p, { method: 'POST', url: `${OZ}/pattern/extract`, headers: JPEG, payload: img })); templates.set(seed, tpl) }
  return await tpl
}
const sample = async (name: string, seed: number): Promise<{ name: string, value: Buffer, filename: string, contentType: string }> => ({ name, value: await pic({ seed }), filename: `${name}.jpg`, contentType: 'image/jpeg' })
const template = async (p: Probe, name: string, seed: number): Promise<{ name: string, value: Buffer, filename: string, contentType: string }> => ({ name, value: await ozTemplate(p, seed), filename: `${name}-${seed}.bin`, contentType: 'application/octet-stream' })
const ozParts = (path: string, ns: string, parts: Parameters<typeof multipart>[0], headers: Record<string, string> = {}): InjectOptions => ({ method: 'POST', url: `${OZ}${path}`, ...multipart(parts, { ...nsHeader(ns), ...headers }) })
const DETECT_PAYLOAD = {
  'folder:meta_data': { partner_side_folder_id: 'folder-1' },
  'media:tags': { media_key1: ['photo_selfie'] },
  analyses: [{ type: 'quality', meta_data: { example1: 'some_example1' }, params: { threshold_spoofing: 0.6, extract_best_shot: true } }]
}

const ozMakers: Record<string, Maker> = {
  'oz.version': async (_p, ns) => ({ method: 'GET', url: '/oz/version', headers: nsHeader(ns) }),
  'oz.health': async (_p, ns) => ({ method: 'GET', url: `${OZ}/pattern/health`, headers: nsHeader(ns) }),
  'oz.liveness_health': async (_p, ns) => ({ method: 'GET', url: `${OZ}/liveness/health`, headers: nsHeader(ns) }),
  'oz.extract': async (_p, ns) => ({ method: 'POST', url: `${OZ}/pattern/extract`, headers: { ...JPEG, ...nsHeader(ns) }, payload: await pic({ seed: 31 }) }),
  'oz.compare': async (p, ns) => ozParts('/pattern/compare', ns, [await template(p, 'bio_feature', 31), await template(p, 'bio_template', 32)]),
  'oz.verify': async (p, ns) => ozParts('/pattern/verify', ns, [await sample('sample', 31), await template(p, 'bio_template', 32)]),
  'oz.extract_and_compare': async (_p, ns) => ozParts('/pattern/extract_and_compare', ns, [await sample('sample_1', 31), await sample('sample_2', 32)]),
  'oz.compare_n': async (p, ns) => ozParts('/pattern/compare_n', ns, [await template(p, 'template_1', 31), await template(p, 'templates_n', 32), await template(p, 'templates_n', 33)]),
  'oz.verify_n': async (p, ns) => ozParts('/pattern/verify_n', ns, [await sample('sample_1', 31), await template(p, 'templates_n', 32), await template(p, 'templates_n', 33)]),
  'oz.extract_and_compare_n': async (_p, ns) => ozParts('/pattern/extract_and_compare_n', ns, [await sample('sample_1', 31), await sample('samples_n', 32), await sample('samples_n', 33)]),
  'oz.detect': async (_p, ns) => ozParts('/liveness/detect', ns, [await sample('media_key1', 31), { name: 'payload', value: JSON.stringify(DETECT_PAYLOAD) }])
}

// Weber: a visitor session (and an account) per request.
const WEBER = '/weber/api/v1'
const VISITOR = { email: 'lazuardy@nodeflux.io', full_name: 'Lazuardy Khatulistiwa', company: 'Nodeflux', job_title: 'Software Engineer', industry: 'Computer Vision' }
const PHONE = '081395827314'
const PIN = '133007'
const weberPost = (path: string, ns: string, payload: unknown, method: 'POST' | 'PATCH' = 'POST'): InjectOptions => ({ method, url: `${WEBER}${path}`, headers: nsHeader(ns), payload: payload as Json })
const weberGet = (path: string, ns: string): InjectOptions => ({ method: 'GET', url: `${WEBER}${path}`, headers: nsHeader(ns) })
const weberFace = async (): Promise<string> => await dataUri({ seed: 11, width: 160, height: 120 })

async function weberVisitor (p: Probe, ns: string): Promise<string> {
  return (await setup(p, weberPost('/visitors', ns, VISITOR))).data[0].session_id
}
async function weberAccount (p: Probe, ns: string, activate = true): Promise<string> {
  const session = await weberVisitor(p, ns)
  await setup(p, weberPost('/face-payment/account', ns, { session_id: session, full_name: 'Natasha Romanoff', phone: PHONE, have_twin: false, data: { images: [await weberFace()] } }))
  if (activate) await setup(p, weberPost('/face-payment/account', ns, { session_id: session, pin: PIN, minimum_payment: 50000 }, 'PATCH'))
  return session
}
/** The services (offerings.ts) whose analytics a rule's outcome names. */
const SERVICE_OF: Record<string, number> = {
  'ocr-ktp': 1,
  ocr: 1,
  'license-plate-recognition': 2,
  detections: 2,
  'people-density': 3,
  'face-match-enrollment': 4,
  match: 4,
  'face-mask': 5,
  'face-demography': 6,
  'ocr-receipt': 9,
  receipt: 9,
  'car-damage': 10,
  car_damage: 10,
  'face-occlusion-attribute': 11,
  face_detection: 11
}
/** The service id the rule is about: the first (1-17) its `match.params.id` accepts, else the one its outcome names, else 1. */
function serviceId (rule: Partial<ScenarioRule>): number {
  const regex = rule.match?.params?.id?.regex
  if (regex !== undefined) return Array.from({ length: 17 }, (_, i) => i + 1).find((id) => new RegExp(regex as string).test(String(id))) ?? 1
  const outcome = rule.outcome ?? {}
  return [outcome.upstream_analytic, ...Object.keys(outcome)].map((k) => SERVICE_OF[String(k)]).find((id) => id !== undefined) ?? 1
}
async function ekycBody (session: string): Promise<Json> {
  const selfie = await dataUri({ seed: 12, width: 160, height: 120 })
  const ktp = await dataUri({ seed: 13, width: 428, height: 270 })
  return { session_id: session, data: { face_liveness: { images: [selfie] }, ocr_ktp: { images: [ktp] }, face_match: { images: [selfie, ktp] } } }
}

const weberMakers: Record<string, Maker> = {
  'weber.ping': async (_p, ns) => ({ method: 'GET', url: '/weber/ping', headers: nsHeader(ns) }),
  'weber.listServices': async (_p, ns) => weberGet('/services', ns),
  'weber.getService': async (_p, ns) => weberGet('/services/ocr-ktp', ns),
  'weber.requestService': async (p, ns, rule) => weberPost(`/services/${serviceId(rule)}`, ns, { session_id: await weberVisitor(p, ns), data: { images: [await weberFace()] } }),
  'weber.createVisitor': async (_p, ns) => weberPost('/visitors', ns, VISITOR),
  'weber.createActivity': async (p, ns) => weberPost('/activities', ns, { service_id: 1, session_id: await weberVisitor(p, ns), completeness: 80 }),
  'weber.createFeedback': async (p, ns) => {
    const session = await weberVisitor(p, ns)
    await setup(p, weberPost('/activities', ns, { service_id: 1, session_id: session, completeness: 100 }))
    return weberPost('/feedback/1', ns, { session_id: session, rating: 5, comment: 'Nice' })
  },
  'weber.ekyc': async (p, ns) => weberPost('/ekyc', ns, await ekycBody(await weberVisitor(p, ns))),
  'weber.passiveLiveness': async (p, ns) => weberPost('/passive-liveness', ns, { session_id: await weberVisitor(p, ns), data: { images: [await weberFace()] } }),
  'weber.facePaymentAccount': async (p, ns, rule) => {
    const body: Json = { session_id: await weberVisitor(p, ns), full_name: 'Natasha Romanoff', phone: PHONE, have_twin: false }
    if (rule.match?.body?.['data.images']?.present !== false) body.data = { images: [await weberFace()] }
    return weberPost('/face-payment/account', ns, body)
  },
  'weber.activateFacePaymentAccount': async (p, ns) => weberPost('/face-payment/account', ns, { session_id: await weberAccount(p, ns, false), pin: PIN, minimum_payment: 50000 }, 'PATCH'),
  'weber.getFacePaymentAccount': async (p, ns) => weberGet(`/face-payment/account/${await weberAccount(p, ns)}`, ns),
  'weber.checkLimit': async (p, ns) => weberPost('/face-payment/check-limit', ns, { session_id: await weberAccount(p, ns), phone: PHONE, amount: 75000 }),
  'weber.pay': async (p, ns) => weberPost('/face-payment/pay', ns, { session_id: await weberAccount(p, ns), phone: PHONE, pin: PIN, amount: 60000, data: { images: [await weberFace()] } }),
  'weber.resetBalance': async (p, ns) => ({ method: 'PATCH', url: `${WEBER}/face-payment/reset-balance/${await weberAccount(p, ns)}`, headers: nsHeader(ns) })
}

const MAKERS: Record<string, Maker> = { ...gtriipMakers, ...fptMakers, ...risetMakers, ...ozMakers, ...weberMakers }

/** A success of every operation of a vendor document. */
async function successes (p: Probe, id: string): Promise<void> {
  for (const [, , op] of p.docs.operations(id)) {
    const make = MAKERS[op.operationId as string]
    if (make === undefined) throw new Error(`no request for ${String(op.operationId)}`)
    await p.send(id, `${String(op.operationId)}: success`, await make(p, `ok-${String(op.operationId).replace(/[^A-Za-z0-9._:-]/g, '-')}`, {}))
  }
}

// ---------------------------------------------------------------------------------------------
// Every shipped scenario, by the X-Sandbox-Scenario header, on each operation its rules name

interface ScenarioSummary { name: string, vendor: string, rules: ScenarioRule[] }

/** A raw response, or a fault that changes the answer (latency alone does not). */
function breaksShape (rule: ScenarioRule): boolean {
  return [rule, ...(rule.sequence ?? [])].some((step) => step.response !== undefined || Object.keys(step.fault ?? {}).some((k) => k !== 'latency_ms'))
}

async function scenarios (p: Probe, vendor: string): Promise<number> {
  const all = json<ScenarioSummary[]>(await p.app.inject({ method: 'GET', url: '/__admin/scenarios' })).filter((s) => s.vendor === vendor)
  let count = 0
  for (const s of all) {
    const byOperation = new Map<string, ScenarioRule>()
    for (const rule of s.rules) if (!byOperation.has(rule.operation)) byOperation.set(rule.operation, rule)
    for (const [operation, rule] of byOperation) {
      const make = MAKERS[operation]
      if (make === undefined) throw new Error(`no request for ${operation} (scenario ${s.name})`)
      const req = withHeaders(await make(p, `${vendor}-scenario-${++count}`, rule), { 'x-sandbox-scenario': s.name })
      const label = `scenario ${s.name} on ${operation}`
      // A dropped connection has no answer (app.inject reports an empty 200 for it): nothing to check.
      if (rule.fault?.drop === true) await p.drop(vendor, label, req)
      else await p.send(vendor, label, req, { fault: s.rules.some((r) => r.operation === operation && breaksShape(r)) })
    }
  }
  return all.length
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// FPT: the real checks of init, OCR and liveness (README, "Error codes and how to trigger them")

/** The picture with a white patch over about 10% of it (glare: QC02). */
async function withGlare (picture: Buffer): Promise<Buffer> {
  return await sharp(picture).composite([{ input: { create: { width: 200, height: 150, channels: 3, background: { r: 255, g: 255, b: 255 } } }, left: 60, top: 40 }]).jpeg().toBuffer()
}
const flat = async (): Promise<Buffer> => await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer()

async function fptInit (p: Probe): Promise<void> {
  const url = '/fpt/session/init'
  await p.send('fpt', 'init: web-sdk', { method: 'POST', url, headers: { ...FPT, 'device-type': 'web-sdk' } })
  await p.send('fpt', 'init 401: no api-key', { method: 'POST', url, headers: { 'device-type': 'android' } })
  await p.send('fpt', 'init 400: no device-type', { method: 'POST', url, headers: { 'api-key': 'k' } })
  await p.send('fpt', 'init 400: unknown device-type', { method: 'POST', url, headers: { ...FPT, 'device-type': 'nokia' } })
  await p.send('fpt', 'init 413: a body over 32 MB', { method: 'POST', url, headers: { ...FPT, 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(32 * MiB + 1) })
}

async function fptOcrCases (p: Probe): Promise<void> {
  const ns = 'fpt-ocr'
  const front = [await fptPic(1)]
  const ocr = async (label: string, files: Buffer[], headers: Record<string, string>, sid?: string): Promise<void> => {
    await p.send('fpt', `ocr ${label}`, fptOcr(sid ?? await fptSession(p, ns), ns, files, headers))
  }
  const both = await fptSession(p, ns)
  await ocr('front and back in one request', [await fptPic(1), await fptPic(2)], {}, both)
  await ocr('a passport', front, { 'document-type': 'passport' })
  await ocr('a driving licence front', front, { 'document-type': 'dlr', 'side-type': 'front' })
  await ocr('lang vi', front, { 'side-type': 'front', lang: 'vi' })
  await ocr('400: no api-key', front, { 'side-type': 'front', 'api-key': '' })
  await ocr('400: no document-type', front, { 'side-type': 'front', 'document-type': '' })
  await ocr('400: document-type invalid', front, { 'side-type': 'front', 'document-type': 'cmnd' })
  await ocr('400: no session-id (uuid)', front, { 'side-type': 'front' }, '')
  await ocr('403: an unknown session', front, { 'side-type': 'front' }, 'no-such-session')
  await ocr('400: country code', front, { 'side-type': 'front', lang: 'fr' })
  await ocr('400: device type', front, { 'side-type': 'front', 'device-type': 'nokia' })
  await ocr('E101: the back first', [await fptPic(2)], { 'side-type': 'back' })
  const twice = await fptSession(p, ns)
  await setup(p, fptOcr(twice, ns, front, { 'side-type': 'front' }))
  await ocr('E103: the front twice', front, { 'side-type': 'front' }, twice)
  await ocr('back after the front', [await fptPic(2)], { 'side-type': 'back' }, twice)
  await ocr('E110: the back of a passport', front, { 'document-type': 'passport', 'side-type': 'back' })
  await p.send('fpt', 'ocr 1: not multipart', { method: 'POST', url: '/fpt/ocr', headers: { ...FPT, 'session-id': await fptSession(p, ns), 'document-type': 'idr', ...nsHeader(ns) }, payload: { files: [] } })
  await ocr('1: no files', [], { 'side-type': 'front' })
  await ocr('1: two files with side-type', [await fptPic(1), await fptPic(2)], { 'side-type': 'front' })
  await ocr('1: side-type invalid', front, { 'side-type': 'top' })
  await ocr('3: a flat picture', [await flat()], { 'side-type': 'front' })
  await ocr('7: not an image', [notAnImage], { 'side-type': 'front' })
  await ocr('7: a truncated image', [await truncated()], { 'side-type': 'front' })
  await ocr('7: an image over 10 MiB', [await padded(10 * MiB + 1)], { 'side-type': 'front' })
  await ocr('QC01: 320 x 240', [await pic({ seed: 1 })], { 'side-type': 'front' })
  await ocr('QC04: too dark', [await fptPic(1, { gain: 0.1 })], { 'side-type': 'front' })
  await ocr('QC02: glare', [await withGlare(await fptPic(1))], { 'side-type': 'front' })
  await ocr('QC03: blurry', [await fptPic(1, { blur: 8 })], { 'side-type': 'front' })
  await p.send('fpt', 'ocr 7: a body over 32 MB', { method: 'POST', url: '/fpt/ocr', ...multipart([{ name: 'files', value: Buffer.alloc(32 * MiB + 1), filename: 'big.jpg' }], { ...FPT, 'session-id': await fptSession(p, ns), 'document-type': 'idr', 'side-type': 'front', ...nsHeader(ns) }) })
}

async function fptLivenessCases (p: Probe): Promise<void> {
  const ns = 'fpt-liveness'
  const selfie = [await fptPic(3)]
  const ready = await fptReady(p, ns)
  const live = async (label: string, sid: string, selfies: Buffer[], headers: Record<string, string> = {}): Promise<void> => {
    await p.send('fpt', `liveness ${label}`, fptLiveness(sid, ns, selfies, headers))
  }
  await live('401: no api-key', ready, selfie, { 'api-key': '' })
  await live('400: device type', ready, selfie, { 'device-type': '' })
  await live('400: no session-id (uuid)', '', selfie)
  await live('403: an unknown session', 'no-such-session', selfie)
  await live('400: country code', ready, selfie, { lang: 'fr' })
  await live('400: OCR not complete', await fptSession(p, ns), selfie)
  await live('409: no selfies', ready, [])
  await live('409: an unreadable selfie', ready, [notAnImage])
  await live('409: six selfies', ready, Array.from({ length: 6 }, () => selfie[0] as Buffer))
  await p.send('fpt', 'liveness 409: not multipart', { method: 'POST', url: '/fpt/face/liveness', headers: { ...FPT, 'session-id': ready, ...nsHeader(ns) }, payload: { selfies: [] } })
  await live('lang vi', ready, selfie, { lang: 'vi' })
  await live('403: the session has ended', ready, selfie)
}

// ---------------------------------------------------------------------------------------------
// Riset: tokens and the liveness call (README, "Status codes")

async function risetTokens (p: Probe): Promise<void> {
  const ns = nsHeader('riset-tokens')
  const token = (label: string, payload: string | Json, headers: Record<string, string> = FORM): Promise<Answer> =>
    p.send('riset', `token ${label}`, { method: 'POST', url: '/riset/oauth/client/token', headers: { ...headers, ...ns }, payload })
  const revoke = (label: string, payload: string, accesstoken?: string): Promise<Answer> =>
    p.send('riset', `revoke ${label}`, { method: 'POST', url: '/riset/oauth/token/revoke', headers: { ...FORM, ...ns, ...(accesstoken === undefined ? {} : { accesstoken }) }, payload })
  await token('in JSON', { client_id: 'riset.ai', password: '#password' }, {})
  await token('400: no password', new URLSearchParams({ client_id: 'riset.ai' }).toString())
  await token('400: malformed JSON', '{"client_id": ', { 'content-type': 'application/json' })
  await token('400: a body over 64 KiB', 'client_id=' + 'x'.repeat(70_000))
  const issued = json((await token('for riset.ai', credentials)) as LightMyRequestResponse).access_token as string
  await revoke('401: no Accesstoken', credentials)
  await revoke('403: another client\'s token', new URLSearchParams({ client_id: 'other', password: 'x' }).toString(), issued)
  await revoke('400: no client_id', new URLSearchParams({ password: 'x' }).toString(), issued)
}

async function risetLiveness (p: Probe): Promise<void> {
  const ns = 'riset-liveness'
  const token = { accesstoken: 'token', ...nsHeader(ns) }
  const ok = await risetBody()
  const imgs = ok.images as string[]
  const verify = (label: string, payload: unknown, headers: Record<string, string> = token): Promise<Answer> => p.send('riset', `liveness ${label}`, risetVerify(payload, headers))
  const revoked = (await setup(p, { method: 'POST', url: '/riset/oauth/client/token', headers: { ...FORM, ...nsHeader(ns) }, payload: credentials })).access_token
  await setup(p, { method: 'POST', url: '/riset/oauth/token/revoke', headers: { ...FORM, accesstoken: revoked, ...nsHeader(ns) }, payload: credentials })
  await verify('nine parameters, spoof detection off', await risetBody([...RISET_PARAMETERS, 'down'], { spoof_detection: false, success_threshold: 5 }))
  await verify('401: no Accesstoken', ok, nsHeader(ns))
  await verify('401: a revoked Accesstoken', ok, { ...token, accesstoken: revoked })
  await verify('400: malformed JSON', '{"images": [', { ...token, 'content-type': 'application/json' })
  await verify('400: not a JSON object', [1, 2])
  await verify('400: another content type', 'images=1', { ...token, 'content-type': 'application/x-www-form-urlencoded' })
  await verify('400: no trx_id', { ...ok, trx_id: undefined })
  await verify('400: a wrong type', { ...ok, spoof_detection: 'yes' })
  await verify('400: an unknown face parameter', { ...ok, face_parameters: ['Left', ...RISET_PARAMETERS.slice(1)] })
  await verify('400: fewer images than parameters', { ...ok, images: imgs.slice(1) })
  await verify('400: ten images', await risetBody([...RISET_PARAMETERS, 'down', 'face front']))
  await verify('400: trx_id over 120 characters', { ...ok, trx_id: 'x'.repeat(121) })
  await verify('451: no images', { ...ok, images: undefined })
  await verify('451: an empty image', { ...ok, images: ['', ...imgs.slice(1)] })
  await verify('490: not base64', { ...ok, images: ['%%%', ...imgs.slice(1)] })
  await verify('490: a data: URI', { ...ok, images: [await dataUri({ seed: 20 }), ...imgs.slice(1)] })
  await verify('491: not JPG or PNG', { ...ok, images: [notAnImage.toString('base64'), ...imgs.slice(1)] })
  await verify('493: a truncated image', { ...ok, images: [(await truncated()).toString('base64'), ...imgs.slice(1)] })
  await verify('493: an image over 4 MiB', { ...ok, images: [(await padded(4 * MiB + 1)).toString('base64'), ...imgs.slice(1)] })
  await p.send('riset', 'liveness 493: a body over 64 MiB', { method: 'POST', url: '/riset/liveness-api/verify-face-liveness', headers: { ...token, 'content-type': 'application/json' }, payload: Buffer.alloc(64 * MiB + 1, 0x20) })
}

// ---------------------------------------------------------------------------------------------
// Oz: the biometry and liveness methods (README, "Errors")

async function ozBiometry (p: Probe): Promise<void> {
  const ns = 'oz-errors'
  const img = await pic({ seed: 31 })
  const b64 = { 'content-transfer-encoding': 'base64' }
  const send = (label: string, req: InjectOptions): Promise<Answer> => p.send('oz', label, withHeaders(req, nsHeader(ns)))
  const extract = (label: string, headers: Record<string, string>, payload?: Buffer | string): Promise<Answer> =>
    send(`extract ${label}`, { method: 'POST', url: `${OZ}/pattern/extract`, headers, ...(payload === undefined ? {} : { payload }) })
  await extract('a PNG', { 'content-type': 'image/png' }, await pic({ seed: 33, format: 'png' }))
  await extract('in base64 mode', { ...JPEG, ...b64 }, img.toString('base64'))
  await extract('BPE-002001: JSON', { 'content-type': 'application/json' }, '{}')
  await extract('BPE-002001: no body', {})
  await extract('BPE-002003: not an image', JPEG, notAnImage)
  await extract('BPE-002003: a truncated image', JPEG, await truncated())
  await extract('BPE-002003: an image over 10 MiB', JPEG, await padded(10 * MiB + 1))
  await extract('BPE-002003: not base64 in base64 mode', { ...JPEG, ...b64 }, '%%% not base64')
  await send('verify in base64 mode', ozParts('/pattern/verify', ns, [{ name: 'sample', value: img.toString('base64') }, { name: 'bio_template', value: (await ozTemplate(p, 32)).toString('base64') }], b64))
  await send('compare BPE-002001: not multipart', { method: 'POST', url: `${OZ}/pattern/compare`, headers: JPEG, payload: img })
  await send('compare BPE-002001: broken multipart', { method: 'POST', url: `${OZ}/pattern/compare`, headers: { 'content-type': 'multipart/form-data; boundary=zz' }, payload: '--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated' })
  await send('compare BPE-002004: no bio_template', ozParts('/pattern/compare', ns, [await template(p, 'bio_feature', 31)]))
  await send('compare BPE-002004: not a template', ozParts('/pattern/compare', ns, [await template(p, 'bio_feature', 31), { name: 'bio_template', value: notAnImage, contentType: 'application/octet-stream' }]))
  await send('compare BPE-002005: a template declared image/jpeg', ozParts('/pattern/compare', ns, [await template(p, 'bio_feature', 31), { name: 'bio_template', value: await ozTemplate(p, 32), contentType: 'image/jpeg' }]))
  await send('verify BPE-002003: no sample', ozParts('/pattern/verify', ns, [await template(p, 'bio_template', 32)]))
  await send('verify BPE-002005: a sample declared text/plain', ozParts('/pattern/verify', ns, [{ name: 'sample', value: img, contentType: 'text/plain' }, await template(p, 'bio_template', 32)]))
  await send('extract_and_compare BPE-002003: an unreadable sample_2', ozParts('/pattern/extract_and_compare', ns, [await sample('sample_1', 31), { name: 'sample_2', value: notAnImage, contentType: 'image/jpeg' }]))
  await send('compare_n BPE-002004: no templates_n', ozParts('/pattern/compare_n', ns, [await template(p, 'template_1', 31)]))
  await send('verify_n BPE-002004: a templates_n that is not a template', ozParts('/pattern/verify_n', ns, [await sample('sample_1', 31), { name: 'templates_n', value: notAnImage }]))
  await send('extract_and_compare_n BPE-002003: no samples_n', ozParts('/pattern/extract_and_compare_n', ns, [await sample('sample_1', 31)]))
  await send('extract_and_compare_n BPE-002003: 101 samples_n', ozParts('/pattern/extract_and_compare_n', ns, [await sample('sample_1', 31), ...Array.from({ length: 101 }, () => ({ name: 'samples_n', value: Buffer.from('x'), filename: 'x.jpg' }))]))
}

async function ozDetect (p: Probe): Promise<void> {
  const ns = 'oz-detect'
  const img = await pic({ seed: 34 })
  const detect = (label: string, parts: Parameters<typeof multipart>[0], headers: Record<string, string> = {}): Promise<Answer> =>
    p.send('oz', `detect ${label}`, ozParts('/liveness/detect', ns, parts, headers))
  const raw = (label: string, headers: Record<string, string>, payload?: Buffer | string): Promise<Answer> =>
    p.send('oz', `detect ${label}`, { method: 'POST', url: `${OZ}/liveness/detect`, headers: { ...headers, ...nsHeader(ns) }, ...(payload === undefined ? {} : { payload }) })
  await raw('an image body', JPEG, img)
  await raw('an image body in base64 mode', { ...JPEG, 'content-transfer-encoding': 'base64' }, img.toString('base64'))
  await detect('an MP4 video', [{ name: 'v', value: mp4({ width: 960, height: 720, seconds: 3.76, frames: 86, mdat: Buffer.alloc(5000, 3) }), filename: 'v.mp4', contentType: 'video/mp4' }, { name: 'payload', value: JSON.stringify({ analyses: [{ type: 'quality', params: { extract_best_shot: true } }] }) }])
  await detect('a zip of images', [{ name: 'frames', value: zip([{ name: 'frames/001.jpg', data: img }, { name: 'frames/002.jpg', data: await pic({ seed: 35 }) }]), filename: 'f.zip', contentType: 'application/zip' }, { name: 'payload', value: JSON.stringify(DETECT_PAYLOAD) }])
  await detect('two media, no payload', [await sample('a', 34), await sample('b', 35)])
  await raw('LDE-002001: JSON', { 'content-type': 'application/json' }, '{}')
  await raw('LDE-002001: no body', {})
  await raw('LDE-002001: broken multipart', { 'content-type': 'multipart/form-data; boundary=zz' }, '--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated')
  await raw('LDE-002004: a truncated image body', JPEG, await truncated())
  await detect('LDE-002004: no media', [{ name: 'payload', value: '{}' }])
  await detect('LDE-002004: a media that is not an image', [{ name: 'm', value: notAnImage, filename: 'm.bin' }])
  await detect('LDE-002005: a payload that is not JSON', [await sample('m', 34), { name: 'payload', value: 'not json' }])
  await detect('LDE-002005: an analysis other than quality', [await sample('m', 34), { name: 'payload', value: JSON.stringify({ analyses: [{ type: 'biometry' }] }) }])
  await detect('LDE-002005: a media declared text/plain', [{ name: 'm', value: img, filename: 'm.jpg', contentType: 'text/plain' }])
}

// ---------------------------------------------------------------------------------------------
// Weber: every answer of the README's table that a request can trigger

async function weberVisitorCases (p: Probe): Promise<void> {
  const ns = 'weber-visitors'
  const send = (label: string, req: InjectOptions): Promise<Answer> => p.send('weber', label, req)
  await send('visitor 400: no email', weberPost('/visitors', ns, { ...VISITOR, email: '' }))
  await send('visitor 400: a 1-character job_title', weberPost('/visitors', ns, { ...VISITOR, job_title: 'x' }))
  await send('visitor 400: 256 characters', weberPost('/visitors', ns, { ...VISITOR, company: 'c'.repeat(256) }))
  await send('visitor 400: email without a domain dot', weberPost('/visitors', ns, { ...VISITOR, email: 'a@b' }))
  await send('visitor 400: a yopmail email', weberPost('/visitors', ns, { ...VISITOR, email: 'x@yopmail.com' }))
  await send('visitor 400 text/plain: no body', { method: 'POST', url: `${WEBER}/visitors`, headers: nsHeader(ns) })
  await send('visitor 400 text/plain: not JSON', { method: 'POST', url: `${WEBER}/visitors`, headers: { ...nsHeader(ns), 'content-type': 'application/json' }, payload: 'not json' })
  await send('visitor 400: unexpected EOF', { method: 'POST', url: `${WEBER}/visitors`, headers: { ...nsHeader(ns), 'content-type': 'application/json' }, payload: '{"email": "a@b.io", ' })
  await send('visitor 413: a body over 16 MiB', { method: 'POST', url: `${WEBER}/visitors`, headers: { ...nsHeader(ns), 'content-type': 'application/json' }, payload: Buffer.alloc(16 * MiB + 1, 0x20) })
  const session = await weberVisitor(p, ns)
  await send('activity 401: an unknown session', weberPost('/activities', ns, { service_id: 1, session_id: 'nope', completeness: 80 }))
  await send('activity 500: an unknown service', weberPost('/activities', ns, { service_id: 99, session_id: session, completeness: 80 }))
  await send('activity on a partner service without a session', weberPost('/activities', ns, { service_id: 12, completeness: 100 }))
  await send('feedback 400: a low rating without a comment', weberPost('/feedback/1', ns, { session_id: session, rating: 2, comment: '' }))
  await send('feedback 400: rating over 5', weberPost('/feedback/1', ns, { session_id: session, rating: 6 }))
  await send('feedback 400: no rating', weberPost('/feedback/1', ns, { session_id: session, comment: 'nice' }))
  await send('feedback 500: no earlier activity', weberPost('/feedback/2', ns, { session_id: session, rating: 5 }))
  await send('feedback 401: an unknown session', weberPost('/feedback/1', ns, { session_id: 'nope', rating: 5 }))
  await send('activity 401: SessionForSolutionPartner (expired)', weberPost('/activities', ns, { service_id: 1, session_id: 'SessionForSolutionPartner', completeness: 80 }))
  // An expired session: the namespace's clock moves a day and a second on.
  const old = await weberVisitor(p, 'weber-expired')
  await setup(p, { method: 'POST', url: '/__admin/clock/advance', headers: nsHeader('weber-expired'), payload: { seconds: 86401 } })
  await send('activity 401: an expired session', weberPost('/activities', 'weber-expired', { service_id: 1, session_id: old, completeness: 80 }))
}

async function weberServiceCases (p: Probe): Promise<void> {
  const ns = 'weber-services'
  const send = (label: string, req: InjectOptions): Promise<Answer> => p.send('weber', label, req)
  const session = await weberVisitor(p, ns)
  const face = await weberFace()
  for (const type of ['analytic', 'solution', 'innovation', 'solution-partner']) await send(`services of type ${type}`, weberGet(`/services?type=${type}`, ns))
  await send('services 400: an unknown type', weberGet('/services?type=nope', ns))
  await send('service by slug 404: unknown', weberGet('/services/rotten-fruit', ns))
  await send('service by slug: a partner slug with a slash', weberGet(`/services/${encodeURIComponent('https://employee.caliana.id/auth?signup')}`, ns))
  for (const id of [1, 2, 3, 4, 5, 6, 9, 11]) await send(`service ${id} with a picture`, weberPost(`/services/${id}`, ns, { session_id: session, data: { images: [face] } }))
  await send('service 10 with four sides', weberPost('/services/10', ns, { session_id: session, data: { images: [face, await dataUri({ seed: 14 }), await dataUri({ seed: 15 }), await dataUri({ seed: 16 })] } }))
  await send('service 4 face-match-enrollment, not a match', weberPost('/services/4', ns, { session_id: session, data: { images: [face] } }))
  await send('service 500: a solution (7)', weberPost('/services/7', ns, { session_id: session, data: { images: [face] } }))
  await send('service 500: a partner service (12)', weberPost('/services/12', ns, { session_id: session, data: { images: [face] } }))
  await send('service 500: an unknown id', weberPost('/services/18', ns, { session_id: session, data: { images: [] } }))
  await send('service 400: an id that is not an integer', weberPost('/services/abc', ns, { session_id: session, data: { images: [] } }))
  await send('service 401: an unknown session', weberPost('/services/1', ns, { session_id: 'nope', data: { images: [] } }))
  await send('service 500 (empty): an analytic without images', weberPost('/services/1', ns, { session_id: session, data: { images: [] } }))
  await send('service 500: an innovation with an unreadable image', weberPost('/services/9', ns, { session_id: session, data: { images: ['data:image/jpeg;base64,AAAA'] } }))
  await send('service 400: face-occlusion-attribute with no readable image', weberPost('/services/11', ns, { session_id: session, data: { images: ['data:image/jpeg;base64,AAAA'] } }))
  await send('service 1: an image Nodeflux cannot use', weberPost('/services/1', ns, { session_id: session, data: { images: ['data:image/jpeg;base64,AAAA'] } }))
  await send('ekyc 400 text/plain: no body', { method: 'POST', url: `${WEBER}/ekyc`, headers: nsHeader(ns) })
  await send('ekyc 401: an unknown session', weberPost('/ekyc', ns, { session_id: 'nope', data: {} }))
  await send('passive liveness with a threshold', weberPost('/passive-liveness', ns, { session_id: session, data: { additional_params: { liveness_threshold: 0.9999 }, images: [face] } }))
  await send('passive liveness 401: an unknown session', weberPost('/passive-liveness', ns, { session_id: 'nope', data: { images: [] } }))
  await send('a trailing slash on a GET route (301)', weberGet('/services/', ns))
  await send('a trailing slash on a POST route (307)', weberPost('/visitors/', ns, VISITOR))
}

async function weberFacePayCases (p: Probe): Promise<void> {
  const ns = 'weber-facepay'
  const send = (label: string, req: InjectOptions): Promise<Answer> => p.send('weber', label, req)
  const face = await weberFace()
  const fresh = await weberVisitor(p, ns)
  const account = (label: string, body: Json): Promise<Answer> => send(`account ${label}`, weberPost('/face-payment/account', ns, { session_id: fresh, full_name: 'Bruce Wayne', phone: '0811112222', have_twin: false, ...body }))
  await account('validate only', {})
  await account('400: no full_name', { full_name: '' })
  await account('400: phone not numeric', { phone: '08x' })
  await account('400: phone not positive', { phone: '12.50' })
  await account('500 (empty): create without have_twin', { have_twin: undefined, data: { images: [face] } })
  await account('400: an unreadable image (not live)', { data: { images: ['data:image/jpeg;base64,AAAA'] } })
  await send('account 401: an unknown session', weberPost('/face-payment/account', ns, { session_id: 'nope', full_name: 'B', phone: '1', have_twin: false }))
  const activate = (label: string, body: Json, session = fresh): Promise<Answer> => send(`activate ${label}`, weberPost('/face-payment/account', ns, { session_id: session, pin: PIN, minimum_payment: 50000, ...body }, 'PATCH'))
  await activate('500: no account', {}, await weberVisitor(p, ns))
  const registered = await weberAccount(p, ns, false)
  await activate('400: pin not numeric', { pin: 'abcdef' }, registered)
  await activate('400: pin 000000', { pin: '000000' }, registered)
  await activate('400: pin of 5', { pin: '12345' }, registered)
  await activate('400: minimum_payment 49,999', { minimum_payment: 49999 }, registered)
  await activate('400: minimum_payment 1,000,001', { minimum_payment: 1000001 }, registered)
  await activate('401: an unknown session', {}, 'nope')
  const active = await weberAccount(p, ns)
  await account('400: phone already exists', { phone: PHONE })
  await send('get account 404: not active', weberGet(`/face-payment/account/${registered}`, ns))
  await send('get account 401: an unknown session', weberGet('/face-payment/account/nope', ns))
  const limit = (label: string, body: Json, session = active): Promise<Answer> => send(`check-limit ${label}`, weberPost('/face-payment/check-limit', ns, { session_id: session, phone: PHONE, amount: 75000, ...body }))
  await limit('over the minimum', { amount: 75001 })
  await limit('401: another phone', { phone: '082189891233' })
  await limit('404: no active account', {}, registered)
  await limit('400: no phone', { phone: undefined })
  await limit('400: no amount', { amount: 0 })
  await limit('401: an unknown session', {}, 'nope')
  const pay = (label: string, body: Json, session = active): Promise<Answer> => send(`pay ${label}`, weberPost('/face-payment/pay', ns, { session_id: session, phone: PHONE, pin: PIN, amount: 60000, data: { images: [face] }, ...body }))
  await pay('402: balance not enough', { amount: 2_000_000 })
  await pay('401: wrong pin', { pin: '999999' })
  await pay('400: a phone with no enrolled face', { phone: '0899999999' })
  await pay('400: an unreadable image', { data: { images: ['data:image/jpeg;base64,AAAA'] } })
  await pay('400: no phone', { phone: undefined })
  await pay('400: pin over 6', { pin: '1234567' })
  await pay('404: no active account', {}, registered)
  await pay('401: an unknown session', {}, 'nope')
  await send('reset balance 404: not active', { method: 'PATCH', url: `${WEBER}/face-payment/reset-balance/${registered}`, headers: nsHeader(ns) })
  await send('reset balance 401: an unknown session', { method: 'PATCH', url: `${WEBER}/face-payment/reset-balance/nope`, headers: nsHeader(ns) })
}

// ---------------------------------------------------------------------------------------------
// The admin API: every call, its refusals, and the live stream (listening on 127.0.0.1)

const ADMIN = '/__admin'

async function adminCalls (p: Probe): Promise<void> {
  const send = (label: string, method: string, path: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    p.send('admin', label, { method: method as 'GET', url: `${ADMIN}${path}`, headers, ...(payload === undefined ? {} : { payload: payload as Json }) })
  const ns = { 'x-sandbox-namespace': 'admin-ns' }
  await send('health', 'GET', '/health')
  await send('health ignores a malformed namespace', 'GET', '/health', undefined, { 'x-sandbox-namespace': '-bad namespace' })
  await send('clock', 'GET', '/clock', undefined, ns)
  await send('clock advance', 'POST', '/clock/advance', { seconds: 90.5 }, ns)
  await send('clock reset', 'POST', '/clock/reset', undefined, ns)
  await send('scenarios', 'GET', '/scenarios')
  await send('scenarios reload', 'POST', '/scenarios/reload')
  await send('scenario activate', 'PUT', '/scenario', { name: 'gtriip/spoof' }, ns)
  await send('scenario active', 'GET', '/scenario', undefined, ns)
  await send('scenario clear one vendor', 'DELETE', '/scenario', { vendor: 'gtriip' }, ns)
  await send('scenario clear (no body)', 'DELETE', '/scenario', undefined, ns)
  await send('requests', 'GET', '/requests?limit=20', undefined, { 'x-sandbox-namespace': 'weber-facepay' })
  await send('requests by vendor and operation', 'GET', '/requests?vendor=fpt&operation=fpt.ocr&status=200&limit=3', undefined, { 'x-sandbox-namespace': 'fpt-ocr' })
  await send('requests of the dropped connections', 'GET', '/requests?status=0&limit=5', undefined, { 'x-sandbox-namespace': 'weber-scenario-30' })
  await send('namespaces', 'GET', '/namespaces')
  for (const n of ['weber-facepay', 'fpt-liveness', 'riset-tokens', 'default']) await send(`state of ${n}`, 'GET', '/state', undefined, { 'x-sandbox-namespace': n })
  await send('requests clear', 'DELETE', '/requests', undefined, ns)
  await send('reset (no body)', 'POST', '/reset', undefined, ns)
  await send('reset (empty JSON body)', 'POST', '/reset', undefined, { ...ns, 'content-type': 'application/json' })
  await send('400: clock advance without seconds', 'POST', '/clock/advance', {}, ns)
  await send('400: clock advance backwards', 'POST', '/clock/advance', { seconds: -5 }, ns)
  await send('400: malformed JSON', 'POST', '/clock/advance', '{"seconds": ', { ...ns, 'content-type': 'application/json' })
  await send('415: not JSON', 'POST', '/clock/advance', 'seconds=5', { ...ns, 'content-type': 'application/x-www-form-urlencoded' })
  await send('415: a text body on DELETE', 'DELETE', '/scenario', 'gtriip', { ...ns, 'content-type': 'text/plain' })
  await send('415: a text body on a call without a body', 'POST', '/scenarios/reload', 'now', { 'content-type': 'text/plain' })
  await send('413: a body over 1 MiB', 'PUT', '/scenario', `{"name": "${'x'.repeat(MiB)}"}`, { ...ns, 'content-type': 'application/json' })
  await send('400: reset with a wrong field', 'POST', '/reset', { everything: true }, ns)
  await send('400: activate without a name', 'PUT', '/scenario', {}, ns)
  await send('404: activate an unknown scenario', 'PUT', '/scenario', { name: 'nope/nothing' }, ns)
  await send('400: clear an unknown vendor', 'DELETE', '/scenario', { vendor: 'acme' }, ns)
  await send('400: requests with limit 0', 'GET', '/requests?limit=0', undefined, ns)
  await send('400: requests with an unknown filter', 'GET', '/requests?colour=red', undefined, ns)
  await send('400: stream with a bad status', 'GET', '/requests/stream?status=abc', undefined, ns)
  for (const [path, method] of [['/clock', 'GET'], ['/scenario', 'GET'], ['/requests', 'GET'], ['/requests', 'DELETE'], ['/state', 'GET'], ['/reset', 'POST'], ['/clock/reset', 'POST']] as const) {
    await send(`400: a malformed namespace on ${method} ${path}`, method, path, undefined, { 'x-sandbox-namespace': '-bad namespace' })
  }
  await send('unknown admin call', 'GET', '/nope')
  await send('a method the path does not take', 'PATCH', '/health')
  await send('a method the path does not take (body)', 'POST', '/clock', { seconds: 1 })
}

/** With --admin-token: every call but health refuses a request without the token (and with a wrong one). */
async function adminToken (p: Probe, app: FastifyInstance): Promise<void> {
  for (const [path, method] of p.docs.operations('admin')) {
    const url = `${ADMIN}${path}`
    await p.send('admin', `${method.toUpperCase()} ${path} without the admin token`, { method: method.toUpperCase() as 'GET', url }, { app })
    await p.send('admin', `${method.toUpperCase()} ${path} with a wrong admin token`, { method: method.toUpperCase() as 'GET', url, headers: { authorization: 'Bearer wrong' } }, { app })
  }
  await p.send('admin', 'clock with the admin token', { method: 'GET', url: `${ADMIN}/clock`, headers: { authorization: 'Bearer secret' } }, { app })
}

/** The journal's live stream: its status, content type and first event (the stream never ends: read one chunk, then close). */
async function adminStream (p: Probe): Promise<void> {
  const base = await p.app.listen({ port: 0, host: '127.0.0.1' })
  const ctl = new AbortController()
  try {
    const res = await fetch(`${base}${ADMIN}/requests/stream?vendor=gtriip`, { headers: { accept: 'text/event-stream', 'x-sandbox-namespace': 'admin-stream' }, signal: ctl.signal })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const first = Buffer.from((await reader.read()).value ?? [])
    const headers = Object.fromEntries(res.headers.entries())
    p.record('admin', 'the live journal stream', `GET ${ADMIN}/requests/stream`, 'GET', `${ADMIN}/requests/stream`, { statusCode: res.status, headers, payload: first.toString('utf8'), rawPayload: first })
  } finally {
    ctl.abort()
  }
}

// ---------------------------------------------------------------------------------------------

const VENDOR_CASES: Record<string, (p: Probe) => Promise<void>> = {
  gtriip,
  fpt: async (p) => { await fptInit(p); await fptOcrCases(p); await fptLivenessCases(p) },
  riset: async (p) => { await risetTokens(p); await risetLiveness(p) },
  oz: async (p) => { await ozBiometry(p); await ozDetect(p) },
  weber: async (p) => { await weberVisitorCases(p); await weberServiceCases(p); await weberFacePayCases(p) }
}

/** The sandbox with its shipped scenarios; latency faults scaled to nothing (the answers are the point). */
async function sandbox (argv: string[] = []): Promise<FastifyInstance> {
  const config = configFrom(['--db', ':memory:', '--scenarios', 'scenarios', '--log-level', 'silent', ...argv], { scenarios: { watch: false, latency_scale: 0 } })
  return await buildApp(config, { logger: false, clockBase: () => T0, watchScenarios: false })
}

/** The document's figures; fail with the list of the answers that do not conform, and of operations never seen to succeed. */
function report (t: Test, id: string, s: Summary, extra = ''): void {
  figures.push(`${id}: ${s.checked} answers checked, ${s.conforming} conforming; of them ${s.notServed} to paths or methods not served, ` +
    `${s.byDefault} through \`default\` only; ${s.dropped} dropped connections not checked${extra === '' ? '' : `; ${extra}`}`)
  t.same(s.withoutSuccess, [], `openapi/${id}.json: every operation has a conforming success`)
  if (s.failures.length === 0) t.pass(`openapi/${id}.json: all ${s.checked} answers conform`)
  else t.fail(`openapi/${id}.json: ${s.failures.length} of ${s.checked} answers do not conform (listed below)`, { nonConforming: s.failures })
}

t.test('OpenAPI 3.0 schemas as JSON Schema: nullable, exclusive bounds, refs, data left alone', async (t) => {
  const base = 'https://sandbox.invalid/openapi/x.json'
  t.same(toJsonSchema({ type: 'string', nullable: true, enum: ['a'] }, base), { type: ['string', 'null'], enum: ['a', null] })
  t.same(toJsonSchema({ anyOf: [{ type: 'string' }], nullable: true }, base), { anyOf: [{ type: 'string' }] }, 'nullable without a type allows no null (OpenAPI 3.0.3)')
  t.same(toJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: false }, base), { type: 'number', exclusiveMinimum: 0, maximum: 1 })
  t.same(toJsonSchema({ $ref: '#/components/schemas/A', 'x-note': 1, example: 2 }, base), { $ref: `${base}#/definitions/A` })
  t.same(toJsonSchema({ type: 'object', properties: { nullable: { type: 'integer', nullable: true }, $ref: { type: 'string' } }, additionalProperties: { type: 'boolean', nullable: true } }, base),
    { type: 'object', properties: { nullable: { type: ['integer', 'null'] }, $ref: { type: 'string' } }, additionalProperties: { type: ['boolean', 'null'] } }, 'property names are names, not keywords')
  t.same(toJsonSchema({ enum: [{ nullable: true, $ref: '#/x' }], default: { nullable: true } }, base), { enum: [{ nullable: true, $ref: '#/x' }], default: { nullable: true } }, 'values are data')
  t.throws(() => toJsonSchema({ $ref: '#/paths/x' }, base), /unsupported \$ref/)
})

const docs = new Documents(IDS)
const figures: string[] = []

t.test('every answer of every vendor conforms to its committed OpenAPI document', async (t) => {
  const app = await sandbox()
  t.teardown(() => app.close())
  const p = new Probe(app, docs)
  for (const id of IDS.filter((x) => x !== 'admin')) {
    t.test(id, async (t) => {
      await successes(p, id)
      await VENDOR_CASES[id]?.(p)
      await controlHeaders(p, id)
      await notServed(p, id)
      const n = await scenarios(p, id)
      report(t, id, p.summary(id), `${n} scenarios`)
    })
  }
  t.test('admin', async (t) => {
    const guarded = await sandbox(['--admin-token', 'secret'])
    t.teardown(() => guarded.close())
    await adminCalls(p)
    await adminToken(p, guarded)
    await adminStream(p)
    report(t, 'admin', p.summary('admin'))
  })
})

t.teardown(() => { t.comment(figures.join('\n')) })
