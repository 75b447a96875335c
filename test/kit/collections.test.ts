/**
 * Postman collections (issue 14, point 5): served at /collections/<id>.json with the serving
 * sandbox's base URL, one request per documented operation, the control headers taken from the
 * collection variables, linked from /docs; the committed files under collections/ are what the
 * generator gives. A collection request, its variables filled in as Postman does, is sent to the app.
 */
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { POSTMAN_SCHEMA } from '../../src/core/collections.js'
import { generateCollections } from '../../scripts/collections.js'
import { build, json } from '../helper.js'

type Json = Record<string, any>

async function collection (app: FastifyInstance, id: string, host = 'sandbox.test:4400'): Promise<Json> {
  const res = await app.inject({ method: 'GET', url: `/collections/${id}.json`, headers: { host } })
  if (res.statusCode !== 200) throw new Error(`${id}: ${res.statusCode} ${res.payload}`)
  return json(res)
}

/** What Postman sends for an item: variables substituted, disabled headers left out. */
function resolve (item: Json, vars: Record<string, string>, origin: string): { method: string, url: string, headers: Record<string, string>, payload?: string } {
  const fill = (s: string): string => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? '')
  const headers: Record<string, string> = {}
  for (const h of item.request.header as Json[]) if (h.disabled !== true) headers[h.key.toLowerCase()] = fill(h.value)
  const url = new URL(fill(item.request.url.raw))
  if (url.origin !== origin) throw new Error(`unexpected origin ${url.origin}`)
  const body = item.request.body as Json | undefined
  return { method: item.request.method, url: url.pathname + url.search, headers, ...(body?.mode === 'raw' ? { payload: fill(body.raw) } : {}) }
}

t.test('one collection per vendor and the admin API, each request carrying the control headers from variables', async (t) => {
  const app = await build(t)
  for (const id of ['weber', 'gtriip', 'fpt', 'riset', 'oz', 'admin']) {
    const c = await collection(app, id)
    const doc = app.openapiDocument(id) as Json
    t.equal(c.info.schema, POSTMAN_SCHEMA, id)
    const ops = Object.values(doc.paths as Json).flatMap((item) => Object.keys(item as Json))
    t.equal(c.item.length, ops.length, `${id}: one request per operation`)
    const vars = Object.fromEntries((c.variable as Json[]).map((v) => [v.key, v.value]))
    t.equal(vars.baseUrl, id === 'admin' ? 'http://sandbox.test:4400/__admin' : `http://sandbox.test:4400/${id}`, `${id}: the serving sandbox's base URL`)
    t.equal(vars.namespace, 'default')
    for (const item of c.item as Json[]) {
      const headers = Object.fromEntries((item.request.header as Json[]).map((h) => [h.key, h.value]))
      t.equal(headers['X-Sandbox-Namespace'], '{{namespace}}', `${id} ${item.name}`)
      if (id !== 'admin') t.equal(headers['X-Sandbox-Scenario'], '{{scenario}}', `${id} ${item.name}`)
      t.match(item.request.url.raw, /^\{\{baseUrl\}\}\//)
    }
  }
  const gtriip = await collection(app, 'gtriip')
  t.match(gtriip.item[0].request.body, { mode: 'formdata', formdata: [{ key: 'image', type: 'file' }] }, 'multipart bodies are form data with a file field')
  t.match((await collection(app, 'admin')).auth, { type: 'bearer', bearer: [{ key: 'token', value: '{{adminToken}}' }] })
})

t.test('a request from the collection works as sent: the namespace and scenario variables steer it', async (t) => {
  const app = await build(t)
  const c = await collection(app, 'fpt', 'localhost:80')
  const init = (c.item as Json[]).find((i) => i.request.url.raw === '{{baseUrl}}/session/init') as Json
  const vars = Object.fromEntries((c.variable as Json[]).map((v) => [v.key, v.value]))
  const refused = resolve(init, { ...vars, namespace: 'postman-1', scenario: 'fpt/init-401-api-key' }, 'http://localhost')
  t.equal((await app.inject({ ...refused, method: 'POST' })).statusCode, 401)
  const plain = resolve(init, { ...vars, namespace: 'postman-1' }, 'http://localhost')
  t.equal(plain.headers['x-sandbox-scenario'], '', 'an empty scenario variable sends an empty header')
  const ok = await app.inject({ ...plain, method: 'POST' })
  t.equal(ok.statusCode, 200, 'an empty scenario header is the default outcome')
  const journal = json(await app.inject({ method: 'GET', url: '/__admin/requests', headers: { 'x-sandbox-namespace': 'postman-1' } })).requests as Json[]
  t.same(journal.map((e) => [e.status, e.scenario]), [[200, null], [401, 'fpt/init-401-api-key']])

  const admin = await collection(app, 'admin', 'localhost:80')
  const advance = (admin.item as Json[]).find((i) => i.request.url.raw === '{{baseUrl}}/clock/advance') as Json
  const call = resolve(advance, { baseUrl: 'http://localhost/__admin', namespace: 'postman-1' }, 'http://localhost')
  const res = await app.inject({ ...call, method: 'POST', payload: '{"seconds": 60}' })
  t.equal(json(res).offset_ms, 60_000, 'the admin collection\'s JSON body and namespace header')
})

t.test('with --vendor, the base URL is the root; an unknown collection is the sandbox\'s 404', async (t) => {
  const app = await build(t, { argv: ['--vendor', 'oz'] })
  const c = await collection(app, 'oz', 'h:1')
  t.equal(c.variable[0].value, 'http://h:1')
  const res = await app.inject({ method: 'GET', url: '/collections/fpt.json' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['x-sandbox-error'], 'unknown-collection')
  t.match(json(res).sandbox_error.message, /there are oz\.json, admin\.json/)
})

t.test('/docs links each document to its collection', async (t) => {
  const app = await build(t)
  for (const id of ['fpt', 'admin']) {
    const doc = json(await app.inject({ method: 'GET', url: `/openapi/${id}.json` }))
    t.match(doc.info.description, `[/collections/${id}.json](/collections/${id}.json)`)
  }
})

t.test('the committed collections are what the generator gives from the committed OpenAPI documents', async (t) => {
  for (const [file, text] of generateCollections()) t.equal(readFileSync(`collections/${file}`, 'utf8'), text, `collections/${file} (npm run collections)`)
})
