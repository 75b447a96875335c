/**
 * The OpenAPI documents: one per vendor (and the admin API), served at /openapi/<id>.json, valid
 * OpenAPI 3 for a real validator, every vendor route documented with its operationId.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { vendorIds } from '../../src/app.js'
import { build, json } from '../helper.js'

t.test('every document is valid OpenAPI 3 for @seriousme/openapi-schema-validator', async (t) => {
  const app = await build(t)
  for (const id of [...vendorIds, 'admin']) {
    const res = await app.inject({ method: 'GET', url: `/openapi/${id}.json` })
    t.equal(res.statusCode, 200, id)
    const doc = json(res)
    const validator = new Validator()
    const result = await validator.validate(doc)
    t.ok(result.valid, `${id}.json is valid${result.valid ? '' : `: ${JSON.stringify(result.errors).slice(0, 800)}`}`)
    t.match(doc.openapi, /^3\./)
    t.ok(Object.keys(doc.paths).length > 0, `${id} has paths`)
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) t.match(op.operationId, new RegExp(`^${id}\\.`), `${method.toUpperCase()} ${path} has an operationId ${id}.*`)
    }
  }
})

t.test('vendor documents use the vendor paths and the prefix as server URL; --vendor mounts at /', async (t) => {
  const app = await build(t)
  const doc = json(await app.inject({ method: 'GET', url: '/openapi/gtriip.json' }))
  t.same(doc.servers, [{ url: '/gtriip' }])
  t.ok(doc.paths['/liveness/'].post)
  t.same(doc.paths['/liveness/'].post.parameters.find((p: any) => p.in === 'header').name, 'x-api-key', 'the required header is a header parameter')
  const root = await build(t, { argv: ['--vendor', 'gtriip'] })
  t.same(json(await root.inject({ method: 'GET', url: '/openapi/gtriip.json' })).servers, [{ url: '/' }])
})

t.test('an unknown document is a sandbox 404; /docs serves HTML', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/openapi/acme.json' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['x-sandbox-error'], 'unknown-document')
  const docs = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /html/)
  const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })
  t.match(init.payload, /openapi\/gtriip\.json/, 'the UI lists every vendor document')
})
