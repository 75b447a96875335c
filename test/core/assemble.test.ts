import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import { Assembler } from '../../src/core/assemble.js'
import { registerRawParser } from '../../src/core/body.js'
import { sha256Hex } from '../../src/core/hash.js'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff))

t.test('chunks are assembled in order into the announced size, and their sha256 is known at once', async (t) => {
  const whole = bytes(200_000)
  const a = new Assembler(whole.length, 1_000_000)
  for (let at = 0; at < whole.length; at += 65536) a.push(whole.subarray(at, at + 65536))
  const out = a.bytes()
  t.ok(out.equals(whole))
  const digest = sha(whole)
  out[0] = (out[0] as number) ^ 0xff // a changed buffer keeps its remembered digest: proof it was remembered
  t.equal(sha256Hex(out), digest, 'remembered from the chunks, not hashed again')
})

t.test('without an announced size the buffer grows; one taken much larger than needed is given back', async (t) => {
  const whole = bytes(300_000, 2)
  const grown = new Assembler(undefined, 10_000_000)
  for (let at = 0; at < whole.length; at += 1000) grown.push(whole.subarray(at, at + 1000))
  t.ok(grown.bytes().equals(whole))
  const small = new Assembler(1_000_000, 10_000_000)
  small.push(bytes(10))
  const out = small.bytes()
  t.equal(out.length, 10)
  t.equal(out.buffer.byteLength < 1_000_000, true, 'copied into a buffer of its size')
})

async function rawApp (t: { teardown: (fn: () => unknown) => void }): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 1000 })
  registerRawParser(app, '*')
  app.post('/', async (request) => ({ length: (request.body as Buffer).length, sha256: sha(request.body as Buffer) }))
  app.post('/small', { bodyLimit: 100 }, async (request) => ({ length: (request.body as Buffer).length }))
  t.teardown(async () => await app.close())
  await app.ready()
  return app
}

t.test('the raw parser: the body as bytes, within the route\'s limit', async (t) => {
  const app = await rawApp(t)
  const body = bytes(1000, 3)
  const ok = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/jpeg' }, payload: body })
  t.same(ok.json(), { length: 1000, sha256: sha(body) })
  const announced = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/jpeg' }, payload: bytes(1001) })
  t.equal(announced.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE', 'a Content-Length over the limit')
  t.equal(announced.statusCode, 413)
  const routeLimit = await app.inject({ method: 'POST', url: '/small', headers: { 'content-type': 'image/jpeg' }, payload: bytes(101) })
  t.equal(routeLimit.statusCode, 413, 'the route\'s own limit')
})

t.test('the raw parser: a chunked body over the limit, and a body shorter than its Content-Length, get Fastify\'s errors', async (t) => {
  const app = await rawApp(t)
  const chunked = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' }, payload: Readable.from([bytes(600), bytes(600)]) })
  t.equal(chunked.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE')
  const short = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/jpeg', 'content-length': '500' }, payload: Readable.from([bytes(300)]) })
  t.equal(short.json().code, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
  t.equal(short.statusCode, 400)
})
