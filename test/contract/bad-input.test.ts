/**
 * Bad input on every vendor route (from the OpenAPI documents): malformed JSON, a wrong content type,
 * an empty body, broken multipart, garbage bytes, an absurd query. None may crash the process, answer
 * in Fastify's own error shape, or fall through to the sandbox's "internal" error: each gets the
 * vendor's answer.
 */
import t from 'tap'
import { vendorIds } from '../../src/app.js'
import { build, json } from '../helper.js'

const BAD: Array<{ what: string, headers: Record<string, string>, payload?: string | Buffer }> = [
  { what: 'malformed JSON', headers: { 'content-type': 'application/json' }, payload: '{"a": [1, 2' },
  { what: 'JSON of the wrong type', headers: { 'content-type': 'application/json' }, payload: '[1, "two", null]' },
  { what: 'an empty JSON body', headers: { 'content-type': 'application/json' }, payload: '' },
  { what: 'a wrong content type', headers: { 'content-type': 'application/xml' }, payload: '<a/>' },
  { what: 'broken multipart', headers: { 'content-type': 'multipart/form-data; boundary=zz' }, payload: '--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated' },
  { what: 'multipart without a boundary', headers: { 'content-type': 'multipart/form-data' }, payload: 'x' },
  { what: 'garbage bytes', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x13, 0x37]) },
  { what: 'no body at all', headers: {} },
  { what: 'a content type of only separators', headers: { 'content-type': ';;;==boundary' }, payload: '--boundary\r\n' }
]

function isFastifyShaped (body: unknown): boolean {
  return body !== null && typeof body === 'object' && 'statusCode' in body && 'error' in body && 'message' in body
}

t.test('every vendor route answers bad input in the vendor shape, never Fastify\'s, and the server stays up', async (t) => {
  const app = await build(t)
  let calls = 0
  for (const id of vendorIds) {
    const doc = json(await app.inject({ method: 'GET', url: `/openapi/${id}.json` }))
    const prefix = doc.servers[0].url === '/' ? '' : doc.servers[0].url
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) {
        const url = `${prefix}${path.replace(/\{[^}]+\}/g, '1')}?q=%ZZ&q[]=1`
        for (const bad of BAD) {
          if (method === 'get' && bad.payload !== undefined) continue
          const res = await app.inject({ method: method.toUpperCase() as 'POST', url, headers: { 'x-api-key': 'k', accesstoken: 'k', 'api-key': 'k', ...bad.headers }, payload: bad.payload })
          calls++
          let body: unknown
          try { body = JSON.parse(res.payload) } catch { body = res.payload }
          const where = `${method.toUpperCase()} ${prefix}${path} with ${bad.what}: ${res.statusCode} ${res.payload.slice(0, 160)}`
          if (isFastifyShaped(body) || res.headers['x-sandbox-error'] === 'internal') t.fail(where)
        }
      }
    }
  }
  t.ok(calls > 100, `${calls} bad requests sent`)
  // A method the route does not serve, with a truncated JSON body: the vendor's answer, not a parser error.
  for (const url of ['/fpt/ocr', '/fpt/session/init', '/gtriip/liveness/', '/riset/liveness-api/verify-face-liveness', '/oz/v1/face/pattern/extract', '/weber/api/v1/visitors']) {
    const res = await app.inject({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, payload: '{"trunc' })
    let body: unknown
    try { body = JSON.parse(res.payload) } catch { body = res.payload }
    t.ok(res.statusCode < 500 && !isFastifyShaped(body) && res.headers['x-sandbox-error'] === undefined, `PUT ${url} with truncated JSON: ${res.statusCode} ${res.payload.slice(0, 120)}`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
})
