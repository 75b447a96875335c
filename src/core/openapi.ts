/**
 * OpenAPI documents, generated from the same zod schemas that validate the requests
 * (fastify-type-provider-zod + @fastify/swagger). @fastify/swagger builds one document for the whole
 * app; it is split here into one document per vendor (routes whose operationId starts with
 * `<id>.`), with paths as the vendor spells them and the prefix as the server URL, plus one for the
 * admin API. Served at /openapi/<id>.json and, interactively, at /docs.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { SandboxError, sendSandboxError } from './errors.js'

export interface DocumentSpec {
  /** Vendor id, or "admin". */
  id: string
  title: string
  description: string
  /** The server URL clients use as base URL: the vendor prefix ("" when mounted at the root). */
  prefix: string
  /** What the document must say besides the routes' schemas (openapi-doc.ts); called on each build. */
  decorate?: (doc: Json) => Json
}

type Json = Record<string, unknown>

/** The sandbox's mark: a face in a frame, as in the dashboard's header (issue 12: not the Fastify logo). */
const MARK = '<rect x="1.5" y="1.5" width="33" height="33" rx="8" fill="none" stroke="#7dd3a8" stroke-width="3"/><circle cx="18" cy="15" r="6" fill="#7dd3a8"/><path d="M8 31c1.5-6 5.5-9 10-9s8.5 3 10 9" fill="#7dd3a8"/>'
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36">${MARK}</svg>`
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 36" width="300" height="36">${MARK}<text x="46" y="25" font-family="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif" font-size="19" font-weight="600" fill="#fff">eKYC vendor sandbox</text></svg>`

function collectRefs (node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) { for (const n of node) collectRefs(n, out); return }
  if (node === null || typeof node !== 'object') return
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(v.slice('#/components/schemas/'.length))
    else collectRefs(v, out)
  }
}

/** One document per spec, from the app's combined document. */
export function splitDocument (full: Json, spec: DocumentSpec, version: string): Json {
  const paths: Record<string, Json> = {}
  for (const [path, item] of Object.entries((full.paths ?? {}) as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      const id = (op as { operationId?: string }).operationId
      if (id === undefined || !id.startsWith(`${spec.id}.`)) continue
      const local = spec.prefix !== '' && path.startsWith(spec.prefix) ? path.slice(spec.prefix.length) || '/' : path
      ;(paths[local] ??= {})[method] = op
    }
  }
  const schemas = ((full.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>
  const used = new Set<string>()
  collectRefs(paths, used)
  // Schemas may reference further schemas.
  let size = -1
  while (used.size !== size) {
    size = used.size
    for (const name of [...used]) collectRefs(schemas[name], used)
  }
  const doc: Json = {
    openapi: full.openapi,
    info: { title: spec.title, description: spec.description, version },
    servers: [{ url: spec.prefix === '' ? '/' : spec.prefix }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)))
  }
  if (used.size > 0) doc.components = { schemas: Object.fromEntries([...used].sort().map((n) => [n, schemas[n]])) }
  return doc
}

/**
 * Serve the documents at /openapi/<id>.json and /docs. A document is built on first request and
 * rebuilt when `generation()` changes (the scenario enum follows reloaded scenario files).
 */
export async function registerOpenApi (app: FastifyInstance, specs: readonly DocumentSpec[], version: string, generation: () => number = () => 0): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'eKYC vendor sandbox', version }
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject
  })

  const documents = new Map<string, { doc: Json, generation: number }>()
  const documentFor = (id: string): Json | undefined => {
    const cached = documents.get(id)
    if (cached !== undefined && cached.generation === generation()) return cached.doc
    const spec = specs.find((s) => s.id === id)
    if (spec === undefined) return undefined
    const split = splitDocument(app.swagger() as unknown as Json, spec, version)
    const doc = spec.decorate === undefined ? split : spec.decorate(structuredClone(split))
    documents.set(id, { doc, generation: generation() })
    return doc
  }
  app.decorate('openapiDocument', documentFor)

  app.get('/openapi/:file', { schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { file: string }).file
    const doc = file.endsWith('.json') ? documentFor(file.slice(0, -5)) : undefined
    if (doc === undefined) {
      return sendSandboxError(reply, new SandboxError('unknown-document', `no OpenAPI document ${file}; there are ${specs.map((s) => `${s.id}.json`).join(', ')}`, 404))
    }
    return reply.type('application/json; charset=utf-8').send(doc)
  })

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    logo: { type: 'image/svg+xml', content: Buffer.from(LOGO), href: '/__dashboard/' },
    theme: {
      title: 'eKYC vendor sandbox: API documentation',
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(ICON) }]
    },
    uiConfig: {
      // One document per vendor, chosen from the top bar.
      urls: specs.map((s) => ({ url: `/openapi/${s.id}.json`, name: `${s.title}${s.prefix === '' ? '' : ` (${s.prefix})`}` })),
      deepLinking: true,
      displayOperationId: true
    }
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of a vendor (or "admin"), as served at /openapi/<id>.json. */
    openapiDocument: (id: string) => Record<string, unknown> | undefined
  }
}
