/**
 * The OpenAPI documents: one per vendor (and the admin API), served at /openapi/<id>.json, valid
 * OpenAPI 3 for a real validator, every vendor route documented with its operationId.
 */
import { readFileSync } from 'node:fs'
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

t.test('what every document promises: control headers (scenario names as an enum), the sandbox 400, a default answer, security, a description in words', async (t) => {
  const app = await build(t)
  const scenarios = json(await app.inject({ method: 'GET', url: '/__admin/scenarios' })) as Array<{ name: string, vendor: string }>
  for (const id of [...vendorIds, 'admin']) {
    const doc = JSON.parse(readFileSync(`openapi/${id}.json`, 'utf8'))
    const params = doc.components?.parameters ?? {}
    if (id !== 'admin') {
      t.same([...params.SandboxScenario.schema.enum].sort(), scenarios.filter((s) => s.vendor === id).map((s) => s.name).sort(), `${id}: X-Sandbox-Scenario lists the vendor's scenarios`)
      t.equal(params.SandboxNamespace.name, 'X-Sandbox-Namespace')
    }
    // Weber (the session id travels in the body) and Oz API Lite have no authentication: their
    // operations say so with an empty security list.
    const open = id === 'weber' || id === 'oz'
    t.equal(Object.keys(doc.components?.securitySchemes ?? {}).length > 0, !open, `${id}: security schemes ${open ? 'none' : 'declared'}`)
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${id} ${method.toUpperCase()} ${path}`
        for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
          t.ok(typeof r.description === 'string' && r.description !== '' && r.description !== 'Default Response', `${where} ${status}: described in words`)
        }
        t.ok(op.responses.default, `${where}: a default answer`)
        if (id === 'admin') continue
        const refs = (op.parameters ?? []).map((p: any) => p.$ref)
        t.ok(refs.includes('#/components/parameters/SandboxScenario') && refs.includes('#/components/parameters/SandboxNamespace'), `${where}: the control headers`)
        t.match(op.responses['400']?.description ?? '', /sandbox_error/, `${where}: the sandbox's 400`)
        // Elsewhere an operation may need none too (Riset's token call takes credentials in the body).
        t.ok(Array.isArray(op.security) && (!open || op.security.length === 0), `${where}: says its security`)
      }
    }
  }
  const admin = JSON.parse(readFileSync('openapi/admin.json', 'utf8'))
  t.ok(admin.paths['/reset'].post.responses['401'], 'admin 401s documented')
  t.equal(admin.paths['/reset'].post.requestBody?.required ?? false, false, 'POST /reset: body optional')
  t.equal(admin.paths['/scenario'].delete.requestBody?.required ?? false, false, 'DELETE /scenario: body optional')
  const weber = JSON.parse(readFileSync('openapi/weber.json', 'utf8'))
  t.same(Object.keys(weber.paths['/api/v1/services/{id}']).sort(), ['get', 'post'], "Weber's service by id and by slug: one templated path")
})
